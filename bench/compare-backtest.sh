#!/usr/bin/env bash
# Backtest kernel: the MA-cross grid in mlbot (release) and in vectorbt on the same bars.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup --no-build
swift build -c release --product mlbot >/dev/null && swift build -c release --product mlbot-bench >/dev/null
. bench/venv.sh
bench_venv "vectorbt" numpy vectorbt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/mlbot data synth --db "$work/b.sqlite" --symbols BTCUSDT --days 695 --seed 42 >/dev/null
.build/release/mlbot data export --db "$work/b.sqlite" --symbol BTCUSDT --interval 1m --to 2025-11-25T10:39:00Z --out "$work/btc.csv" >/dev/null
echo "== mlbot (release)"
.build/release/mlbot-bench backtest
echo "== vectorbt, same bars ($(($(wc -l < "$work/btc.csv") - 1)) bars)"
bench/.venv/bin/python bench/vectorbt_grid.py "$work/btc.csv"
