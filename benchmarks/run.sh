#!/usr/bin/env bash
# Runs TrainingStepBenchmark once per thread count and, right after it under the same conditions,
# the same step in PyTorch (pytorch/train_step.py) as the reference point, when Debian's
# python3-torch is installed (apt-get install python3-torch libopenblas0-pthread). OMP_NUM_THREADS
# is read by libnd4j's OpenMP pool only when the JVM starts, so each thread count needs its own JVM.
# Usage: [THREADS="1 2"] benchmarks/run.sh [--sizes=a,b] [--warmup=10] [--steps=30] [--profile-warmup=5]
#        [--profile-steps=10] [--seq-b=64]
# THREADS lists the thread counts, one JVM each, in that order (repeat them to alternate).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -o compile
sizes=$(printf '%s\n' "$@" | sed -n 's/^--sizes=//p')
for threads in ${THREADS:-1 2}; do
  OMP_NUM_THREADS=$threads mvn -q -o exec:java -Dexec.args="--threads=$threads $*"
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads /usr/bin/python3 pytorch/train_step.py \
      --threads "$threads" --sizes "${sizes:-a,b}"
  else
    echo "PyTorch reference skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)"
  fi
done
