#!/usr/bin/env bash
# Runs the side-by-side comparison in one go: Brine vs CPython's C pickle (python3 on the same
# files), razorvine pickle 1.5, JDK serialization, Kryo 5 and a memory copy, on every object
# workload, then `./brine convert` vs python3 as whole processes. Prints Markdown tables and writes
# them to brine-bench/target/side-by-side/side-by-side.md. Takes about 30-40 minutes on 2 cores.
#
#   brine-bench/run-side-by-side.sh                          # everything
#   brine-bench/run-side-by-side.sh --workloads INTS_1M --libs BRINE,RAZORVINE --no-cli
#   options: --workloads, --libs, --reps N (7), --big-reps N (5), --warmup-seconds S (3),
#            --no-cli, --cli-only, --cli-records N, --cli-reps N, --python EXE, --budget-seconds S (120),
#            --jvm-args "..." (default "-XX:+UseParallelGC -Xms2g -Xmx8g -XX:+UnlockExperimentalVMOptions
#            -XX:hashCode=3"; the JVM's default identity hash: leave out the last two)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/brine-bench.jar"
cd "$root"
if [ ! -f "$jar" ] || [ -n "$(find pom.xml brine-core/pom.xml brine-core/src/main brine-bench/pom.xml brine-bench/src/main \
        -newer "$jar" -type f -print -quit)" ]; then
  echo "[side-by-side] building $jar" >&2
  mvn -B -q -DskipTests -pl brine-bench -am package >&2
fi
# the parent only writes the pickle files and orchestrates; each measurement runs in its own JVM
exec java -Xmx4g -cp "$jar" dev.brine.bench.SideBySide --root "$root" --work "$here/target/side-by-side" "$@"
