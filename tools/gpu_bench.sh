#!/usr/bin/env bash
# The engine's GPU benchmark in one run (a few minutes on an H100 or H200): vanilla, checkpoint, reversible,
# reversible_full and pareprop at the article's size (width 768, 8 heads, depth 8, 12 tokens), batch 4, 16 and 64,
# t = 1, 4, 16, 64, each eager and with its sub-blocks compiled (tvf_revbench --compile), with the peak memory of a step.
# Writes $OUT/revbench_batch{4,16,64}.json (OUT defaults to ./gpu_bench) and prints the tables.
#
# On a lent device (it has PyTorch but not this project's other packages, and no network):
#   here:    tools/gpu_bench.sh --wheels 3.12          # wheels of numpy, pyyaml, pydantic, tqdm for the device's Python, into gpu_wheels/
#   device:  bash tools/gpu_bench.sh                   # run with carry=["gpu_wheels"]; installs from gpu_wheels/ only what is missing
# Then put the tables into 08_revbench's "On a GPU" section.
# A dry run of the script itself on a CPU: DEVICE=cpu PRESET=tiny BATCHES=2 HORIZONS=1,2 bash tools/gpu_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--wheels" ]; then
  pip download -q --only-binary=:all: --python-version "${2:?give the device Python version, e.g. 3.12}" -d gpu_wheels numpy pyyaml pydantic tqdm
  du -sh gpu_wheels; exit 0
fi
python -c "import numpy, yaml, pydantic, tqdm" 2>/dev/null || pip install -q --no-index --find-links gpu_wheels numpy pyyaml pydantic tqdm
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
out="${OUT:-gpu_bench}"; mkdir -p "$out"
python -c "import torch; print('torch', torch.__version__, '|', torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA')"
for batch in ${BATCHES:-4 16 64}; do
  echo "== batch $batch"
  python -c "from tempverseformer.cli import tvf_revbench; tvf_revbench()" --preset "${PRESET:-article}" --batch-size "$batch" \
    --horizons "${HORIZONS:-1,4,16,64}" --variants checkpoint reversible reversible_full pareprop --dropouts 0 --compile \
    --device "${DEVICE:-cuda}" --min-seconds 2 --no-progress --out "$out/revbench_batch$batch.json" > /dev/null
done
