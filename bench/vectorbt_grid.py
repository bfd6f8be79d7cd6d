#!/usr/bin/env python3
"""The MA-cross grid of `mlbot-bench backtest` with vectorbt: fast 5–50 step 5 × slow 20–200 step
20 (100 pairs) over BARS.csv (`mlbot data export`), long when SMA(fast) > SMA(slow), fills at the
next bar's open, fee 0.055 %, slippage 1 bp. Prints cold (first, with numba compilation) and warm
time, and the process's peak memory.
usage: vectorbt_grid.py BARS.csv"""
import resource, sys, time
import numpy as np
import pandas as pd
import vectorbt as vbt

d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
index = pd.to_datetime(d[:, 0].astype(np.int64), unit="ms")
open_, close = pd.Series(d[:, 1], index=index), pd.Series(d[:, 4], index=index)
fast_w = np.arange(5, 55, 5)
slow_w = np.arange(20, 220, 20)


def run():
    fast = vbt.MA.run(close, window=np.repeat(fast_w, len(slow_w))).ma.values
    slow = vbt.MA.run(close, window=np.tile(slow_w, len(fast_w))).ma.values
    state = fast > slow                                      # decided at each close
    del fast, slow
    # Acted on at the next open: an entry at bar t when the state turned on at t − 1.
    entries = np.zeros_like(state); entries[2:] = state[1:-1] & ~state[:-2]
    exits = np.zeros_like(state); exits[2:] = ~state[1:-1] & state[:-2]
    del state
    pf = vbt.Portfolio.from_signals(close, entries=entries, exits=exits, price=open_,
                                    fees=0.00055, slippage=0.0001, freq="1min")
    return pf.sharpe_ratio()


for label in ("cold (includes numba compilation)", "warm"):
    start = time.perf_counter()
    sharpe = run()
    elapsed = time.perf_counter() - start
    print(f"  vectorbt {vbt.__version__}, {label}: {elapsed:.2f} s, {len(sharpe)} combinations, {len(sharpe) / elapsed:.1f} combinations/s")
print(f"  peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
