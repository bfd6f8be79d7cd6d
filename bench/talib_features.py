#!/usr/bin/env python3
"""The default feature set computed with TA-Lib + numpy: timing, and agreement with mlbot.

usage: talib_features.py BARS.csv REFERENCE.csv [MLBOT_FEATURES.csv] [--repeat N]

BARS.csv / REFERENCE.csv: `mlbot data export` output (timestamp,open,high,low,close,volume) with
the same timestamps. With MLBOT_FEATURES.csv (`mlbot features compute --set default`), every
output is compared after its warm-up and the largest differences are printed.
"""
import sys, time
import numpy as np
import talib


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, 0].astype(np.int64), d[:, 1], d[:, 2], d[:, 3], d[:, 4], d[:, 5]


def rolling_sum(x, n):
    c = np.concatenate(([0.0], np.cumsum(x)))
    out = np.full(len(x), np.nan)
    out[n - 1:] = c[n:] - c[:-n]
    return out


def features(t, o, h, l, c, v, ref_close):
    f = {}
    lc = np.log(c)
    for n in (1, 5, 15, 60):
        r = np.full(len(c), np.nan); r[n:] = lc[n:] - lc[:-n]; f[f"log_return_{n}"] = r
    f["rsi_14"] = talib.RSI(c, 14)
    m, s, hist = talib.MACD(c, 12, 26, 9)
    f["macd_12_26_9"], f["macd_signal_12_26_9"], f["macd_hist_12_26_9"] = m / c, s / c, hist / c
    up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
    width = up - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        f["bb_percent_b_20_2"] = np.where(width == 0, 0.5, (c - lo) / width)
    f["bb_bandwidth_20_2"] = width / mid
    f["atr_ratio_14"] = talib.ATR(h, l, c, 14) / c
    r1 = np.full(len(c), np.nan); r1[1:] = np.diff(lc)
    for n in (20, 60):
        s1 = rolling_sum(np.nan_to_num(r1), n); s2 = rolling_sum(np.nan_to_num(r1) ** 2, n)
        rv = np.sqrt(np.maximum(0, (s2 - s1 * s1 / n) / (n - 1))); rv[:n] = np.nan
        f[f"rv_{n}"] = rv
    sd = talib.STDDEV(v, 20, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f["volume_z_20"] = np.where(sd > 0, (v - talib.SMA(v, 20)) / sd, 0.0)
    f["volume_z_20"][:19] = np.nan
    f["ema_ratio_10_50"] = talib.EMA(c, 10) / talib.EMA(c, 50) - 1
    k, d = talib.STOCH(h, l, c, 14, 3, 0, 3, 0)
    f["stoch_k_14_3_3"], f["stoch_d_14_3_3"] = k, d
    f["adx_14"] = talib.ADX(h, l, c, 14)
    f["obv_slope_20"] = talib.LINEARREG_SLOPE(talib.OBV(c, v), 20)
    x = np.diff(lc); y = np.diff(np.log(ref_close)); n = 60
    rr = np.full(len(c), np.nan); rr[1:] = y; f["ref_return_BTCUSDT"] = rr
    corr = np.full(len(c), np.nan); corr[1:] = talib.CORREL(x, y, n); f["ref_corr_BTCUSDT_60"] = corr
    sx, sy, sxy, syy = rolling_sum(x, n), rolling_sum(y, n), rolling_sum(x * y, n), rolling_sum(y * y, n)
    vy = n * syy - sy * sy
    beta = np.full(len(c), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta[1:] = np.where(np.isnan(vy), np.nan, np.where(vy > 0, (n * sxy - sx * sy) / vy, 0.0))
    f["ref_beta_BTCUSDT_60"] = beta
    day = 86_400_000
    tod = (t % day) / day
    dow = (((t // day) + 3) % 7) / 7
    f["tod_sin"], f["tod_cos"] = np.sin(2 * np.pi * tod), np.cos(2 * np.pi * tod)
    f["dow_sin"], f["dow_cos"] = np.sin(2 * np.pi * dow), np.cos(2 * np.pi * dow)
    return f


def main():
    argv = sys.argv[1:]
    if "--repeat" in argv:
        i = argv.index("--repeat"); del argv[i:i + 2]
    args = argv
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    if len(args) < 2:
        print(__doc__); sys.exit(2)
    t, o, h, l, c, v = load(args[0])
    _, _, _, _, ref_close, _ = load(args[1])
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        f = features(t, o, h, l, c, v, ref_close)
        best = min(best, time.perf_counter() - start)
    print(f"TA-Lib {talib.__ta_version__.decode().split()[0]} + numpy {np.__version__}: {len(c):,} bars, {len(f)} outputs: "
          f"{best:.3f} s ({len(c) / best / 1e6:.1f} M bars/s, best of {repeat})")
    if len(args) < 3:
        return
    with open(args[2]) as fh:
        names = fh.readline().strip().split(",")[1:]
    ours = np.genfromtxt(args[2], delimiter=",", skip_header=1)
    worst = 0.0
    for j, name in enumerate(names):
        a, b = ours[:, j + 1], f[name]
        both = ~np.isnan(a) & ~np.isnan(b)
        nan_mismatch = int(np.sum(np.isnan(a) != np.isnan(b)))
        diff = np.abs(a[both] - b[both]) / np.maximum(1.0, np.abs(b[both]))
        m = float(diff.max()) if diff.size else 0.0
        worst = max(worst, m)
        first = int(np.argmax(~np.isnan(a))) if np.any(~np.isnan(a)) else -1
        print(f"  {name:24s} max rel diff {m:9.2e}   first valid row {first:4d}   NaN-pattern mismatches {nan_mismatch}")
    print(f"largest relative difference: {worst:.2e}")


if __name__ == "__main__":
    main()
