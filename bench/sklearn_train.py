#!/usr/bin/env python3
"""scikit-learn on the problem `mlbot-bench train` solves: 1,000,000 × 64 standardised Gaussian
features with a logistic ground truth. Ridge (solver="cholesky"), LogisticRegression (lbfgs,
C = 1 ↔ mlbot λ = 1), and one MLPClassifier (64, 32) epoch with adam, batch 512.
usage: sklearn_train.py [--rows N]"""
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
