#!/usr/bin/env bash
# Portfolio optimiser: mlbot (release, in-process timing) beside PyPortfolioOpt + cvxpy on the same
# returns (factor model, 1,500 daily periods, 50 and 500 assets, long-only, cap 0.3, sample
# covariance, geometric expected returns, 365 periods a year, risk-free 0).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup --no-build
swift build -c release --product mlbot-bench >/dev/null
. bench/venv.sh
bench_venv "pypfopt, pandas" numpy pandas packaging pyportfolioopt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 50 500; do
  bench/.venv/bin/python bench/make_returns.py "$n" 1500 "$work/r$n.csv"
  echo "== $n assets: mlbot"
  .build/release/mlbot-bench portfolio --returns "$work/r$n.csv"
  echo "== $n assets: PyPortfolioOpt $(bench/.venv/bin/python -c 'import pypfopt; print(pypfopt.__version__)')"
  bench/.venv/bin/python bench/pypfopt_compare.py "$work/r$n.csv" 0.3 365
done
