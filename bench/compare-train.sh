#!/usr/bin/env bash
# Trainer speed: mlbot-bench train against scikit-learn on the same problem size and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup --no-build
swift build -c release --product mlbot-bench >/dev/null
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c "import sklearn" 2>/dev/null; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q numpy scikit-learn TA-Lib
fi
echo "== mlbot (release)"
.build/release/mlbot-bench train
echo "== scikit-learn $(bench/.venv/bin/python -c 'import sklearn; print(sklearn.__version__)')"
bench/.venv/bin/python bench/sklearn_train.py
