#!/usr/bin/env bash
# Train-step clips/s and peak GPU memory of plain Recognizer3D vs SKD-SRL
# (R3D-18, 16x112x112, 32 clips per GPU), fp32 / AMP fp16 / AMP bf16, with
# and without channels_last_3d; synthetic inputs. Under 5 minutes on one GPU.
#
#   bash tools/analysis/gpu_benchmark.sh                       # on GPU 0
#   bash tools/analysis/gpu_benchmark.sh --device cpu --quick  # smoke test
#   PYTHON=.venv/bin/python bash tools/analysis/gpu_benchmark.sh
#
# Extra arguments go to tools/analysis/gpu_benchmark.py (see its --help).
# Prints a Markdown table, then one JSON line.
set -euo pipefail
PYTHON=${PYTHON:-python}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" tools/analysis/gpu_benchmark.py "$@"
