#!/usr/bin/env bash
# The default feature set over ~1,000,000 one-minute bars: mlbot (release) against TA-Lib + numpy
# on the same bars, with the largest difference per output. Creates bench/.venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
days=${DAYS:-695}   # 695 days of 1m bars ≈ 1,000,800 bars
./scripts/setup --no-build
swift build -c release --product mlbot >/dev/null && swift build -c release --product mlbot-bench >/dev/null
. bench/venv.sh
bench_venv "numpy, talib" numpy TA-Lib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mlbot=.build/release/mlbot
"$mlbot" data synth --db "$work/b.sqlite" --symbols BTCUSDT,ETHUSDT --days "$days" --seed 42 >/dev/null
"$mlbot" data export --db "$work/b.sqlite" --symbol ETHUSDT --interval 1m --out "$work/eth.csv" >/dev/null
"$mlbot" data export --db "$work/b.sqlite" --symbol BTCUSDT --interval 1m --out "$work/btc.csv" >/dev/null
"$mlbot" features compute --db "$work/b.sqlite" --set default --symbol ETHUSDT --interval 1m --out "$work/eth_features.csv" >/dev/null
echo "== mlbot (release)"
.build/release/mlbot-bench features
echo "== TA-Lib + numpy, same bars, and agreement with mlbot's output"
bench/.venv/bin/python bench/talib_features.py "$work/eth.csv" "$work/btc.csv" "$work/eth_features.csv" --repeat 5
