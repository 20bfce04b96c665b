"""CPython's C pickle on the side-by-side runner's pickle files.

Usage: python3 cpython_bench.py REPS FILE [FILE...]

For each file: times pickle.loads(data) and pickle.dumps(obj, protocol=5) REPS times each with
time.perf_counter (after one untimed warm-up call and a gc.collect() before each), then REPS calls
back to back for a steady-state mean, checks that dumps(loads(data)) == data (Brine
wrote the file; CPython must write the very same bytes), measures the tracemalloc peak of one more
untimed loads and dumps, and prints one JSON object per file on stdout.

The cyclic GC stays enabled, as in any Python program; the time to free the previous result is
kept outside the timed region.
"""
import gc
import json
import pickle
import statistics
import sys
import time
import tracemalloc


def timed(fn, reps):
    fn()  # warm-up: allocator pools, caches
    times = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        t1 = time.perf_counter()
        del result
        times.append(t1 - t0)
    return times


def steady(fn, reps):
    """Mean seconds per call back to back: freeing each previous result is paid inside the loop."""
    gc.collect()
    result = None
    t0 = time.perf_counter()
    for _ in range(reps):
        result = fn()
    t1 = time.perf_counter()
    del result
    return (t1 - t0) / reps


def traced_peak(fn):
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def main():
    reps = int(sys.argv[1])
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        loads = timed(lambda: pickle.loads(data), reps)
        loads_steady = steady(lambda: pickle.loads(data), reps)
        obj = pickle.loads(data)
        dumps = timed(lambda: pickle.dumps(obj, protocol=5), reps)
        dumps_steady = steady(lambda: pickle.dumps(obj, protocol=5), reps)
        identical = pickle.dumps(obj, protocol=5) == data
        del obj
        loads_peak, obj = traced_peak(lambda: pickle.loads(data))
        dumps_peak, _ = traced_peak(lambda: pickle.dumps(obj, protocol=5))
        del obj
        print(json.dumps({
            "file": path,
            "bytes": len(data),
            "loads_best": min(loads), "loads_median": statistics.median(loads), "loads_steady": loads_steady,
            "dumps_best": min(dumps), "dumps_median": statistics.median(dumps), "dumps_steady": dumps_steady,
            "identical": identical,
            "loads_peak_bytes": loads_peak, "dumps_peak_bytes": dumps_peak,
            "python": sys.version.split()[0],
        }), flush=True)


if __name__ == "__main__":
    main()
