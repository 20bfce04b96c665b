#!/usr/bin/env bash
# Fuzzes Brine's readers with Jazzer for a fixed time per target.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   tools/fuzz.sh 300                      # every target, 5 minutes each
#   tools/fuzz.sh 60 NpzFuzzTest           # one target, 1 minute
#
# Targets live in brine-core/src/test/java/dev/brine/hostile/*FuzzTest.java (one class each). A
# finding (any exception other than BrineException, an OutOfMemoryError, a StackOverflowError, a
# timeout) stops that target and is saved next to its seeds in
# brine-core/src/test/resources/dev/brine/hostile/<Target>Inputs/<method>/crash-*, where every
# later `mvn verify` replays it. Fix the bug, keep the file. The growing corpus is kept in
# brine-core/.cifuzz-corpus/ (ignored by git). Exit status: 0 when no target found anything.
#
# Targets:
#   UnpicklerFuzzTest         Pickle.loads with the API's defaults, from bytes and from a stream; and with the
#                             seeds' nested classes registered (getattr(Outer, 'Inner') in strict mode)
#   GenericUnpicklerFuzzTest  the unpickler with generic objects
#   NpyFuzzTest               NPY from a stream, a file and memory-mapped; the array printed
#   NpzFuzzTest               NPZ over the bounded ZIP reader: every member's header and array
#   ShowPathFuzzTest          what `brine show FILE` does: NPY or every pickle, printed bounded
#   TorchFuzzTest             torch.save checkpoints, ZIP and legacy: heap, mmap and generic objects
#   SafeTensorsFuzzTest       safetensors: open (heap and mmap), every tensor's info, raw bytes, array
#   ModelArchiveFuzzTest      model archives: READ, MAP, MAP_LAZY, defaults, a stream, verify
# TorchFuzzTest and ModelArchiveFuzzTest also run each input with its ZIP CRCs recomputed, so that
# mutations inside members reach the member parsers.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-120}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(UnpicklerFuzzTest GenericUnpicklerFuzzTest NpyFuzzTest NpzFuzzTest ShowPathFuzzTest TorchFuzzTest
    SafeTensorsFuzzTest ModelArchiveFuzzTest)
fi

mvn -B -q -pl brine-core test-compile >/dev/null || { echo "fuzz: build failed" >&2; exit 2; }
status=0
for t in "${targets[@]}"; do
  log="brine-core/target/fuzz-$t.log"
  echo "fuzz: $t for ${seconds}s (log: $log)"
  # jazzer.internal.arg.* are libFuzzer's own flags (the first is argv[0]); -max_total_time
  # overrides the @FuzzTest maxDuration. -rss_limit_mb is off in JUnit mode, so -Xmx bounds memory.
  JAZZER_FUZZ=1 mvn -B -pl brine-core surefire:test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -DtrimStackTrace=false \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
      -Djazzer.internal.arg.2=-timeout=10 >"$log" 2>&1
  rc=$?
  stats=$(grep -aE '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t: no finding. ${stats}"
  else
    status=1
    echo "fuzz: $t: FINDING (exit $rc). ${stats}"
    grep -aE 'crash-|== Java Exception|FuzzerSecurityIssue|Exception:|Error:' "$log" | head -8
  fi
done
exit $status
