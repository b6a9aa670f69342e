#!/usr/bin/env bash
# Runs Int8GemmBenchmark once per thread count: OMP_NUM_THREADS is read by libnd4j's OpenMP pool
# only when the JVM starts, so each thread count needs its own JVM. exec:java runs in Maven's JVM,
# which therefore gets the Vector API module through MAVEN_OPTS.
# Usage: [THREADS="1 2"] benchmarks/int8-gemm.sh [timed runs per shape]
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -o compile
for threads in ${THREADS:-1 2}; do
  OMP_NUM_THREADS=$threads MAVEN_OPTS="${MAVEN_OPTS:-} --add-modules jdk.incubator.vector" \
    mvn -q -o exec:java -Dexec.mainClass=org.inlier.benchmarks.Int8GemmBenchmark -Dexec.args="$*"
done
