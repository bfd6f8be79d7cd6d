#!/usr/bin/env bash
# Trainer speed: mlbot-bench train against scikit-learn on the same problem size and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup --no-build
swift build -c release --product mlbot-bench >/dev/null
. bench/venv.sh
bench_venv "sklearn" numpy scikit-learn TA-Lib
echo "== mlbot (release)"
.build/release/mlbot-bench train
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product mlbot >/dev/null
mlbot=.build/release/mlbot
"$mlbot" data synth --db "$work/b.sqlite" --symbols BTCUSDT,ETHUSDT --days 695 --seed 42 >/dev/null
"$mlbot" data export --db "$work/b.sqlite" --symbol ETHUSDT --interval 1m --out "$work/eth.csv" >/dev/null
"$mlbot" features compute --db "$work/b.sqlite" --set default --symbol ETHUSDT --interval 1m --out "$work/eth_features.csv" >/dev/null
echo "== scikit-learn $(bench/.venv/bin/python -c 'import sklearn; print(sklearn.__version__)')"
bench/.venv/bin/python bench/sklearn_train.py --features "$work/eth_features.csv" "$work/eth.csv"
