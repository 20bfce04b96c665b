#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (small golden files made by CPython and numpy).

Run from the repository root: python3 tools/make_fuzz_seeds.py
Each target reads src/test/resources/dev/brine/hostile/<Target>Inputs/<method>/ (Jazzer's layout);
crashing inputs found by tools/fuzz.sh land in the same folder and stay there as regressions.
"""
import collections, datetime, decimal, io, os, pickle, zipfile
import numpy as np

ROOT = "brine-core/src/test/resources/dev/brine/hostile"


class Model:  # an unregistered class: refused by default, a generic object on request
    def __init__(self):
        self.w = [1.5, 2.5]
        self.name = "m"


class Outer:  # nested classes: below protocol 4 named by getattr(Outer, 'Inner')
    class Inner:
        class Deep:
            def __init__(self):
                self.a = [1]


class Slots:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a, self.b = 1, (2, 3)


def values():
    shared = [1, 2]
    rec = []
    rec.append(rec)
    return {
        "scalars": [None, True, False, 0, -1, 255, 65536, -2**31, 2**63, -2**100, 1.5, float("nan"), -0.0],
        "text": ["", "a", "héllo", "\u20ac\U0001f600", "x" * 300],
        "bytes": [b"", b"\x00\xff", bytearray(b"abc"), b"y" * 300],
        "containers": ([], (), {}, set(), frozenset({1, 2}), [1, [2, [3]]], {"k": (1, "v")}, {1, 2, 3}),
        "shared": [shared, shared, (shared,)],
        "recursive": rec,
        "misc": [complex(1, -2), decimal.Decimal("3.14"), collections.OrderedDict(a=1, b=2)],
        "dates": [datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
                  datetime.time(12, 30), datetime.timedelta(days=1, seconds=2)],
        "model": Model(),
        "slots": Slots(),
        "nested": [Outer.Inner, Outer.Inner.Deep(), Outer.Inner.Deep()],
        "numpy": [np.arange(6, dtype="<f8").reshape(2, 3), np.array([1, 2], dtype=">i2"), np.float32(1.5),
                  np.dtype("<U3"), np.asfortranarray(np.arange(4, dtype="u1").reshape(2, 2)),
                  np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f4")])],
    }


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def pickles(folder):
    for key, v in values().items():
        for proto in range(6):
            if key in ("numpy", "slots") and proto < 2:
                continue
            write(folder, "%s-p%d.pkl" % (key, proto), pickle.dumps(v, protocol=proto))
    # two pickles in one stream
    write(folder, "two-pickles.pkl", pickle.dumps([1], 2) + pickle.dumps({"a": 2}, 5))


def npys(folder):
    arrays = {
        "f8": np.arange(5, dtype="<f8"), "i4-2d": np.arange(6, dtype="<i4").reshape(2, 3),
        "u2-be": np.array([1, 300], dtype=">u2"), "bool": np.array([True, False]),
        "c16": np.array([1 + 2j]), "unicode": np.array(["ab", "c"]), "bytes": np.array([b"xy"]),
        "struct": np.array([(1, 2.5)], dtype=[("a", "<i2"), ("b", "<f8")]),
        "datetime": np.array(["2024-01-01"], dtype="datetime64[D]"), "scalar-0d": np.array(7.0),
        "empty": np.zeros((0, 3), dtype="<f4"), "fortran": np.asfortranarray(np.arange(6, dtype="<i8").reshape(2, 3)),
        "f2": np.array([1.5], dtype="<f2"),
        # numpy stores an object array's data as a pickle (np.save's default allow_pickle=True)
        "object": np.array([1, "x", None, [2]], dtype=object),
    }
    for name, a in arrays.items():
        buf = io.BytesIO()
        np.save(buf, a)
        write(folder, name + ".npy", buf.getvalue())
    for version in ((2, 0), (3, 0)):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.arange(3, dtype="<i2"), version=version)
        write(folder, "v%d.npy" % version[0], buf.getvalue())


def npzs(folder):
    for compressed in (False, True):
        buf = io.BytesIO()
        (np.savez_compressed if compressed else np.savez)(buf, a=np.arange(4, dtype="<f4"), b=np.array([[1, 2]], dtype="<i8"),
                                                          o=np.array([(1, "x")], dtype=[("i", "<i4"), ("o", "O")]))
        write(folder, ("compressed" if compressed else "stored") + ".npz", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.txt", b"not an array")
        z.writestr("sub/x.npy", open(os.path.join(ROOT, "NpyFuzzTestInputs/fuzzNpy/f8.npy"), "rb").read())
    write(folder, "mixed.npz", buf.getvalue())


if __name__ == "__main__":
    pickles(ROOT + "/UnpicklerFuzzTestInputs/fuzzUnpickler")
    pickles(ROOT + "/GenericUnpicklerFuzzTestInputs/fuzzGenericUnpickler")
    pickles(ROOT + "/ShowPathFuzzTestInputs/fuzzShowPath")
    npys(ROOT + "/NpyFuzzTestInputs/fuzzNpy")
    npys(ROOT + "/ShowPathFuzzTestInputs/fuzzShowPath")
    npzs(ROOT + "/NpzFuzzTestInputs/fuzzNpz")
