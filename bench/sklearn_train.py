#!/usr/bin/env python3
"""scikit-learn on the problem `mlbot-bench train` solves: 1,000,000 × 64 standardised Gaussian
features with a logistic ground truth. Ridge (solver="cholesky"), LogisticRegression (lbfgs,
C = 1 ↔ mlbot λ = 1), and one MLPClassifier (64, 32) epoch with adam, batch 512.
With --features FEATURES.csv BARS.csv (`mlbot features compute --set default` and `mlbot data export`
of the same symbol), also LogisticRegression on that realistic design matrix, label = 15-bar forward
log return > 0, as `mlbot-bench train` does.
usage: sklearn_train.py [--rows N] [--features FEATURES.csv BARS.csv]"""
import sys, time, warnings
import numpy as np
from sklearn.linear_model import Ridge, LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.exceptions import ConvergenceWarning

rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 1_000_000
k = 64
rng = np.random.default_rng(7)
x = rng.standard_normal((rows, k))
w = 0.2 * rng.standard_normal(k)
y = (rng.random(rows) < 1 / (1 + np.exp(-(x @ w)))).astype(float)


def best(f, repeat=3):
    t = float("inf")
    for _ in range(repeat):
        s = time.perf_counter(); out = f(); t = min(t, time.perf_counter() - s)
    return t, out


t, _ = best(lambda: Ridge(alpha=1.0, solver="cholesky").fit(x, y))
print(f"  ridge (cholesky)                          {t:8.3f} s")
t, m = best(lambda: LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000).fit(x, y))
print(f"  logistic (lbfgs, C = 1)                   {t:8.3f} s   {int(m.n_iter_[0])} iterations")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    t, _ = best(lambda: MLPClassifier(hidden_layer_sizes=(64, 32), solver="adam", batch_size=512, max_iter=1,
                                      shuffle=True, random_state=0).fit(x, y), repeat=2)
print(f"  MLP (64, 32), one epoch, adam, batch 512  {t:8.3f} s")

if "--features" in sys.argv:
    i = sys.argv.index("--features")
    d = np.genfromtxt(sys.argv[i + 1], delimiter=",", skip_header=1)
    closes = np.loadtxt(sys.argv[i + 2], delimiter=",", skiprows=1)[:, 4]
    fx = d[:, 1:]
    ok = ~np.isnan(fx).any(axis=1)
    r = np.r_[np.log(closes[15:] / closes[:-15]), np.full(15, np.nan)]
    ok &= ~np.isnan(r)
    fx, fy = fx[ok], (r[ok] > 0).astype(float)
    fx = (fx - fx.mean(0)) / fx.std(0)
    t, m = best(lambda: LogisticRegression(C=1.0, solver="lbfgs", max_iter=5000).fit(fx, fy), repeat=2)
    print(f"  logistic on the default feature set ({fx.shape[0]} × {fx.shape[1]})  {t:8.3f} s   {int(m.n_iter_[0])} iterations")
