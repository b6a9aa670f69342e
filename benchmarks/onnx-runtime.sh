#!/usr/bin/env bash
# Runs OnnxRuntimeBenchmark: ONNX Runtime on the original all-MiniLM-L6-v2 export, on Inlier's FP32
# export and on Inlier's W8A8 QDQ export, batch 1 and 32 of 128 tokens, in one JVM. Needs the
# reactor's modules in the local repository (mvn install, or -Dmaven.repo.local=<copy> there and here).
# Usage: benchmarks/onnx-runtime.sh [--runs=20] [--threads=1]
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -o compile
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} mvn -q -o exec:java -Dbenchmark=org.inlier.benchmarks.OnnxRuntimeBenchmark -Dexec.args="$*"
