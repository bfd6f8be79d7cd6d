#!/usr/bin/env bash
# The engine's bar cycle (release) beside backtrader on an EMA(10)/EMA(50) cross over the same
# number of one-minute bars.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup --no-build
swift build -c release --product mlbot >/dev/null && swift build -c release --product mlbot-bench >/dev/null
. bench/venv.sh
bench_venv "backtrader, pandas" backtrader pandas
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/mlbot data synth --db "$work/b.sqlite" --symbols BTCUSDT,ETHUSDT --days 695 --seed 42 >/dev/null
.build/release/mlbot data export --db "$work/b.sqlite" --symbol ETHUSDT --interval 1m --to 2025-11-25T10:39:00Z --out "$work/eth.csv" >/dev/null
echo "== mlbot (release)"
.build/release/mlbot-bench engine
echo "== backtrader, $(($(wc -l < "$work/eth.csv") - 1)) bars"
bench/.venv/bin/python bench/backtrader_ema.py "$work/eth.csv"
