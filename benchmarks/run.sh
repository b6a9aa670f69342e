#!/usr/bin/env bash
# Runs TrainingStepBenchmark once per thread count. OMP_NUM_THREADS is read by libnd4j's OpenMP
# pool only when the JVM starts, so each thread count needs its own JVM.
# Usage: [THREADS="1 2"] benchmarks/run.sh [--sizes=a,b] [--warmup=10] [--steps=30] [--profile-warmup=5]
#        [--profile-steps=10] [--seq-b=64]
# THREADS lists the thread counts, one JVM each, in that order (repeat them to alternate).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -o compile
for threads in ${THREADS:-1 2}; do
  OMP_NUM_THREADS=$threads mvn -q -o exec:java -Dexec.args="--threads=$threads $*"
done
