"""Writes a wide CSV of daily simple returns from a seeded factor model: timestamp,A0,A1,…"""
import sys
import numpy as np

n, t, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(42 + n)
factors = rng.normal(0, 0.01, size=(t, 5))
loadings = rng.normal(0, 1, size=(5, n))
drift = rng.normal(0.0004, 0.0006, size=n)
returns = drift + factors @ loadings + rng.normal(0, 0.015, size=(t, n))
start = np.datetime64("2020-01-01")
with open(path, "w") as f:
    f.write("timestamp," + ",".join(f"A{i}" for i in range(n)) + "\n")
    for k in range(t):
        f.write(str(start + np.timedelta64(k, "D")) + "T00:00:00Z," + ",".join(f"{x:.10g}" for x in returns[k]) + "\n")
