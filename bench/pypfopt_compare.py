"""PyPortfolioOpt (cvxpy) on a wide returns CSV: min volatility and max Sharpe, long-only, cap 0.3.
Prints the best of several wall times and the objective values, as JSON."""
import json, sys, time
import numpy as np
import pandas as pd
from pypfopt import EfficientFrontier, expected_returns, risk_models

path, cap, freq = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
returns = pd.read_csv(path, index_col=0)
mu = expected_returns.mean_historical_return(returns, returns_data=True, compounding=True, frequency=freq)
S = risk_models.sample_cov(returns, returns_data=True, frequency=freq)
out = {"assets": returns.shape[1], "periods": returns.shape[0]}
for name in ("min_volatility", "max_sharpe"):
    best, weights = float("inf"), None
    for _ in range(3):
        ef = EfficientFrontier(mu, S, weight_bounds=(0, cap))
        t0 = time.perf_counter()
        if name == "min_volatility":
            ef.min_volatility()
        else:
            ef.max_sharpe(risk_free_rate=0.0)
        best = min(best, time.perf_counter() - t0)
        weights = np.array(list(ef.clean_weights(cutoff=0, rounding=None).values()))
    var = float(weights @ S.values @ weights)
    out[name] = {"seconds": best, "variance": var, "sharpe": float(weights @ mu.values / np.sqrt(var)), "sum": float(weights.sum())}
# An independent high-accuracy reference for max Sharpe: the same problem in the
# Cornuejols–Tütüncü form, solved by Clarabel with tight tolerances.
import cvxpy as cp
y, k = cp.Variable(len(mu)), cp.Variable()
problem = cp.Problem(cp.Minimize(cp.quad_form(y, cp.psd_wrap(S.values))),
                     [mu.values @ y == 1, cp.sum(y) == k, y >= 0, y <= cap * k, k >= 0])
problem.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12, max_iter=500)
w = y.value / k.value
out["max_sharpe_reference"] = {"solver": "CLARABEL tight", "sharpe": float(w @ mu.values / np.sqrt(w @ S.values @ w))}
print(json.dumps(out))
