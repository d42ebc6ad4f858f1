#!/usr/bin/env python3
"""Reference values for tests/unit/test_analytics_drivers.c.

Reads the fixed data (empty cell = missing answer):
  drivers_main.csv      y (0..10, likelihood to recommend), x1..x6 (1..5 ratings);
  drivers_singular.csv  y, a, b, s = a + b exactly (collinear), c = 3 (constant), d;
  drivers_wide.csv      y, x1..x15 (15 drivers, fractional component scores);
and writes drivers_refs.h: the data as C arrays and the reference figures,
computed here independently of the C code (rows with any missing answer
dropped first, pandas DataFrame.dropna: listwise, as the C code):

- moments: n, numpy mean, numpy.cov(ddof=1), numpy.corrcoef;
- Pearson r and its two-sided p-value: scipy.stats.pearsonr;
- standardised OLS: statsmodels OLS of the z-scored outcome on the z-scored
  drivers (pandas std, ddof=1) with a constant: params, bse, tvalues,
  pvalues, rsquared, rsquared_adj, nobs;
- Johnson's (2000) relative weights: implemented here independently with
  numpy (numpy.linalg.eigh of the drivers' correlation matrix, Lambda = V
  diag(sqrt(lambda)) V', beta = solve(Lambda, r_xy), weights = Lambda**2 @
  beta**2) — no packaged implementation is installed;
- LMG (Shapley value of R^2): an independent brute force — statsmodels OLS
  R^2 of the raw outcome on every subset of the drivers (with a constant,
  has_constant='add'; the empty subset has R^2 = 0), combined with the
  Shapley weights |S|! (p - |S| - 1)! / p! (math.factorial). On collinear
  drivers statsmodels fits through the pseudo-inverse (its default), which
  is what the C code's treatment of collinear subsets reproduces;
- importance-performance quadrants: the rule of drivers.h restated with
  numpy (importance >= its mean, performance >= its mean) on the relative
  weight shares above and the numpy means of the drivers.

Run from anywhere: python3 tests/data/analytics/drivers_make_refs.py
(--data regenerates the CSV files from a fixed numpy seed first; they are
committed, so this is only needed to change them).
"""
import itertools
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data():
    rng = np.random.default_rng(20240606)
    # main: six correlated 1..5 ratings driving a 0..10 answer, some missing.
    n = 240
    latent = rng.normal(size=n)
    xs = {}
    for j, load in enumerate([0.8, 0.7, 0.6, 0.5, 0.3, 0.1], start=1):
        raw = load * latent + rng.normal(scale=0.8, size=n) + 3.2
        xs[f"x{j}"] = np.clip(np.round(raw), 1, 5)
    y = (1.1 * xs["x1"] + 0.6 * xs["x2"] + 0.4 * xs["x3"] + 0.2 * xs["x5"]
         - 0.15 * xs["x6"] + rng.normal(scale=1.3, size=n))
    y = np.clip(np.round(y - 1.0), 0, 10)
    df = pd.DataFrame({"y": y, **xs})
    for col in df.columns:
        miss = rng.random(n) < 0.03
        df.loc[miss, col] = np.nan
    df.to_csv(os.path.join(HERE, "drivers_main.csv"), index=False, float_format="%.0f")
    # singular: s = a + b exactly; c constant.
    n = 80
    a = rng.integers(1, 6, size=n).astype(float)
    b = rng.integers(1, 6, size=n).astype(float)
    d = rng.integers(1, 6, size=n).astype(float)
    y = np.clip(np.round(0.9 * a + 0.5 * b + 0.3 * d + rng.normal(scale=1.2, size=n)), 0, 10)
    df = pd.DataFrame({"y": y, "a": a, "b": b, "s": a + b, "c": np.full(n, 3.0), "d": d})
    df.loc[[5, 17], "d"] = np.nan
    df.to_csv(os.path.join(HERE, "drivers_singular.csv"), index=False, float_format="%.0f")
    # wide: fifteen component scores (means of sub-questions, two decimals).
    n = 400
    latent = rng.normal(size=(n, 3))
    load = rng.uniform(0.1, 0.9, size=(3, 15))
    x = latent @ load + rng.normal(scale=0.9, size=(n, 15)) + 3.5
    x = np.round(np.clip(x, 1, 5), 2)
    coef = rng.uniform(-0.2, 0.8, size=15)
    y = np.round(x @ coef + rng.normal(scale=1.5, size=n), 2)
    df = pd.DataFrame({"y": y, **{f"x{j + 1}": x[:, j] for j in range(15)}})
    df.to_csv(os.path.join(HERE, "drivers_wide.csv"), index=False, float_format="%.2f")


def c_double(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NAN"
    return repr(float(x))


def c_array(name, values, ctype="double"):
    fmt = c_double if ctype == "double" else str
    vals = list(values)
    body = ",\n\t".join(", ".join(fmt(v) for v in vals[i:i + 8])
                       for i in range(0, len(vals), 8))
    return f"static const {ctype} {name}[] = {{\n\t{body}\n}};\n"


def johnson(df, y, xs):
    """Johnson's relative weights, numpy, from the listwise correlations."""
    r = df[[y] + xs].corr().to_numpy()
    rxx, rxy = r[1:, 1:], r[1:, 0]
    lam, v = np.linalg.eigh(rxx)
    big_lambda = v @ np.diag(np.sqrt(lam)) @ v.T
    beta = np.linalg.solve(big_lambda, rxy)
    return (big_lambda ** 2) @ (beta ** 2)


def lmg(df, y, xs):
    """Exact Shapley decomposition of R^2 by brute force over statsmodels fits."""
    p = len(xs)
    yv = df[y].to_numpy()
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for sub in itertools.combinations(range(p), size):
            exog = sm.add_constant(df[[xs[j] for j in sub]].to_numpy(), has_constant="add")
            r2[sub] = sm.OLS(yv, exog).fit().rsquared
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for size in range(0, p):
            w = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for sub in itertools.combinations(others, size):
                with_j = tuple(sorted(sub + (j,)))
                out[j] += w * (r2[with_j] - r2[sub])
    return out, r2[tuple(range(p))]


def block(prefix, df, y, xs, lines, singular=False):
    d = df[[y] + xs].dropna()
    n = len(d)
    lines.append(f"/* {prefix}: listwise n = {n}. */")
    lines.append(f"#define {prefix}_N {n}")
    lines.append(f"#define {prefix}_P {len(xs)}")
    rs, ps = [], []
    for x in xs:
        if d[x].std() == 0:
            rs.append(float("nan"))
            ps.append(float("nan"))
            continue
        res = st.pearsonr(d[x], d[y])
        rs.append(res[0])
        ps.append(res[1])
    lines.append("/* scipy.stats.pearsonr */")
    lines.append(c_array(f"{prefix}_R", rs))
    lines.append(c_array(f"{prefix}_R_P", ps))
    w, r2 = lmg(d, y, xs)
    exog = sm.add_constant(d[xs].to_numpy(), has_constant="add")
    full = sm.OLS(d[y].to_numpy(), exog).fit()
    lines.append("/* LMG: brute force over statsmodels OLS R^2 of every subset */")
    lines.append(c_array(f"{prefix}_LMG", w))
    lines.append(c_array(f"{prefix}_LMG_SHARE", w / r2))
    lines.append("/* statsmodels OLS (raw data; R^2 invariant to standardising) */")
    lines.append(f"#define {prefix}_R2 {c_double(full.rsquared)}")
    lines.append(f"#define {prefix}_R2_ADJ {c_double(full.rsquared_adj)}")
    lines.append(f"#define {prefix}_RANK {int(round(full.df_model))}")
    if singular:
        return
    z = (d - d.mean()) / d.std(ddof=1)
    ols = sm.OLS(z[y].to_numpy(), sm.add_constant(z[xs].to_numpy())).fit()
    lines.append("/* statsmodels OLS on z-scores: params, bse, tvalues, pvalues */")
    lines.append(c_array(f"{prefix}_BETA", ols.params[1:]))
    lines.append(c_array(f"{prefix}_BETA_SE", ols.bse[1:]))
    lines.append(c_array(f"{prefix}_BETA_T", ols.tvalues[1:]))
    lines.append(c_array(f"{prefix}_BETA_P", ols.pvalues[1:]))
    lines.append(f"#define {prefix}_Z_R2 {c_double(ols.rsquared)}")
    lines.append(f"#define {prefix}_Z_R2_ADJ {c_double(ols.rsquared_adj)}")
    lines.append(f"#define {prefix}_Z_NOBS {int(ols.nobs)}")
    rw = johnson(d, y, xs)
    lines.append("/* Johnson's relative weights, numpy (see the script) */")
    lines.append(c_array(f"{prefix}_RW", rw))
    lines.append(c_array(f"{prefix}_RW_SHARE", rw / rw.sum()))
    return d, rw / rw.sum()


def main():
    if "--data" in sys.argv:
        make_data()
    main_df = pd.read_csv(os.path.join(HERE, "drivers_main.csv"))
    sing = pd.read_csv(os.path.join(HERE, "drivers_singular.csv"))
    wide = pd.read_csv(os.path.join(HERE, "drivers_wide.csv"))
    lines = ["/* Generated by drivers_make_refs.py from drivers_*.csv: do not edit.",
             " * Data as C arrays (NAN = missing) and reference figures (see the script). */",
             "#ifndef DRIVERS_REFS_H", "#define DRIVERS_REFS_H", "", "#include <math.h>", ""]
    for name, df in (("MAIN", main_df), ("SING", sing), ("WIDE", wide)):
        for col in df.columns:
            lines.append(c_array(f"{name}_{col.upper()}", df[col]))
    lines.append(f"#define MAIN_ROWS {len(main_df)}")
    lines.append(f"#define SING_ROWS {len(sing)}")
    lines.append(f"#define WIDE_ROWS {len(wide)}")
    xs = [f"x{j}" for j in range(1, 7)]
    # moments of y, x1..x6, listwise
    d = main_df[["y"] + xs].dropna().to_numpy()
    lines.append("/* moments of y, x1..x6 after dropna: numpy mean, cov(ddof=1), corrcoef */")
    lines.append(f"#define MOM_N {len(d)}")
    lines.append(c_array("MOM_MEAN", d.mean(axis=0)))
    lines.append(c_array("MOM_COV", np.cov(d, rowvar=False, ddof=1).ravel()))
    lines.append(c_array("MOM_CORR", np.corrcoef(d, rowvar=False).ravel()))
    lines.append("")
    dm, share = block("KDA", main_df, "y", xs, lines)
    # quadrants: importance = relative weight share, performance = driver mean (listwise)
    perf = dm[xs].mean().to_numpy()
    important = share >= share.mean()
    strong = perf >= perf.mean()
    quad = np.where(important, np.where(strong, 1, 0), np.where(strong, 2, 3))
    lines.append("/* quadrants: 0 fix_first, 1 keep_up, 2 possible_overkill, 3 low_priority;")
    lines.append(" * rule restated with numpy on KDA_RW_SHARE and the numpy means PERF */")
    lines.append(c_array("KDA_PERF", perf))
    lines.append(c_array("KDA_QUADRANT", quad, "int"))
    lines.append(f"#define KDA_IMP_MID {c_double(share.mean())}")
    lines.append(f"#define KDA_PERF_MID {c_double(perf.mean())}")
    block("COL", sing, "y", ["a", "b", "s", "d"], lines, singular=True)
    block("CONST", sing, "y", ["a", "c", "d"], lines, singular=True)
    block("WIDE", wide, "y", [f"x{j}" for j in range(1, 16)], lines)
    lines += ["#endif", ""]
    with open(os.path.join(HERE, "drivers_refs.h"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
