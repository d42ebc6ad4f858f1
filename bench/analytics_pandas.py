#!/usr/bin/env python3
"""analytics_pandas.py — the baseline of the research analytics benchmark (issue 6):
the same analytics suite as bench/analytics.c, computed with pandas, numpy,
scipy, statsmodels and scikit-learn on the same responses (the CSV written by
bench/gen_responses), with the same definitions (../shared/DOMAIN.md,
"Metrics users expect"; src/analytics/*.h), so that the figures agree with the
engine's and the times compare like for like.

usage: analytics_pandas.py RESPONSES.csv FIGURES_OUT [--runs R]

Reads the CSV (timed apart: not part of the computations' time), runs the
suite R times (default 1) and keeps the best time, then writes FIGURES_OUT:
"key value" lines — time_s (the suite), time_kmeans_s (its k-means part) and
the headline figures under the keys bench/analytics.c prints (its --pandas
option reads this file and prints both side by side).

Numerical libraries run single-threaded (OMP_NUM_THREADS and the BLAS
libraries' variables default to 1, as the C suite is single-threaded); set
them before running to change that.

The suite, as in bench/analytics.c:
  - NPS per respondent with its adjusted-Wald 95 % interval and distribution;
  - the latest answered response of each account (rows are in wave order:
    drop_duplicates(keep="last")): NPS, NPS weighted by revenue (Kish's
    effective n in the interval), and the negative base: churned against
    retained accounts, Welch's t-test per component (scipy ttest_ind,
    equal_var=False) and the pooled two-proportion z-test of their shares of
    promoters (statsmodels proportions_ztest);
  - component means, t intervals (scipy t quantile), top-2-box (>= 4),
    Cronbach's alpha of the ten components (listwise);
  - key drivers of NPS (listwise): Pearson r (pandas corr) with its t-test,
    standardised OLS (statsmodels OLS on z-scores) with p-values and R²,
    Johnson's relative weights (numpy eigh), exact LMG (the R² of every subset
    from the correlation matrix, Shapley weights); importance–performance
    quadrants (relative weight share × mean, split at their means);
  - competitor gaps: scipy ttest_rel of ours against the competitor's rating;
  - Jones & Sasser classes (numpy.select, thresholds 4 on both 1–5 scales);
  - the trend across waves: NPS per wave and the z-test of each change;
    component means per wave and Welch's test of each change
    (scipy ttest_ind_from_stats);
  - k-means on the ten components (complete rows, raw scale): the evenly
    spaced fit sample of 10000 rows, for k = 2..8 four k-means++ starts with
    the engine's splitmix64 draws (seed KMEANS_SEED + k), each run by Lloyd's
    algorithm in numpy, the lowest inertia kept, k chosen by scikit-learn's
    silhouette_score on the evenly spaced 2000 rows of the fit sample, then
    Lloyd over all complete rows from the chosen centres; sizes and profiles
    by numpy and pandas. Lloyd is numpy's rather than scikit-learn's KMeans:
    that one computes distances as |x|^2 - 2 x.c + |c|^2, whose rounding breaks
    near-ties otherwise than the engine's sum of (x - c)^2, and on runs that
    take many iterations the two then end in different local optima (the
    silhouettes of some k differed by up to 5 %); numpy's Lloyd here sums
    (x - c)^2 over the components in order and gives the engine's figures.
"""
import math
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.stats as st  # noqa: E402
import statsmodels  # noqa: E402
import statsmodels.api as sm  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402
from statsmodels.stats.proportion import proportions_ztest  # noqa: E402

NC = 10
COMP = [f"c{j}" for j in range(1, NC + 1)]
RIVAL = [f"k{j}" for j in range(1, NC + 1)]
SCALE_HI = 5.0
HIGH = SCALE_HI - 1  # top-2-box and the Jones & Sasser thresholds on 1..5
Q = 0.975
Z = st.norm.ppf(Q)
KMEANS_SEED = 1  # as bench/analytics.c
K_MIN, K_MAX, RESTARTS, FIT_SAMPLE, SIL_SAMPLE, MAX_ITER = 2, 8, 4, 10000, 2000, 100
SHOWN = [1, 6, 10]  # the components whose figures are compared
MASK64 = (1 << 64) - 1
JS_NAMES = ["apostle", "loyalist", "mercenary", "hostage", "defector"]


def nps_of(score, weight=None):
    """NPS of the answered scores (a Series, NAN = missing), optionally weighted."""
    answered = score.notna()
    s = score[answered]
    prom, det = s >= 9, s <= 6
    n = len(s)
    if weight is None:
        shares = s.value_counts(normalize=True).reindex(range(11), fill_value=0.0)
        p, d, m = prom.mean(), det.mean(), float(n)
        cp, cd = float(prom.sum()), float(det.sum())
    else:
        w = weight[answered]
        total = w.sum()
        shares = w.groupby(s).sum().reindex(range(11), fill_value=0.0) / total
        p, d = w[prom].sum() / total, w[det].sum() / total
        m = total * total / (w * w).sum()
        cp, cd = p * m, d * m
    ma = m + 3
    pa, da = (cp + 0.75) / ma, (cd + 0.75) / ma
    sea = np.sqrt((pa + da - (pa - da) ** 2) / ma)
    return {
        "n": n, "n_eff": m, "promoters": int(prom.sum()), "shares": shares,
        "nps": 100 * (p - d), "se": 100 * np.sqrt(max(0.0, p + d - (p - d) ** 2) / m),
        "ci_lo": max(-100.0, 100 * (pa - da) - Z * 100 * sea),
        "ci_hi": min(100.0, 100 * (pa - da) + Z * 100 * sea),
    }


def describe(df):
    """n, mean, t interval and top-2-box of each column of df."""
    agg = df.agg(["count", "mean", "std"]).T
    half = st.t.ppf(Q, agg["count"] - 1) * agg["std"] / np.sqrt(agg["count"])
    agg["ci_lo"], agg["ci_hi"] = agg["mean"] - half, agg["mean"] + half
    agg["top2"] = (df >= HIGH).sum() / agg["count"]
    return agg


def cronbach_alpha(items):
    items = items.dropna()
    k = items.shape[1]
    return len(items), k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())


def lmg(rxx, rxy):
    """Shapley values of R² over all subsets of the drivers, from the correlations."""
    p = len(rxy)
    r2 = np.zeros(1 << p)
    for mask in range(1, 1 << p):
        idx = [j for j in range(p) if mask >> j & 1]
        r = rxy[idx]
        r2[mask] = r @ np.linalg.solve(rxx[np.ix_(idx, idx)], r)
    fact = [float(math.factorial(i)) for i in range(p + 1)]
    out = np.zeros(p)
    for mask in range(1 << p):
        size = bin(mask).count("1")
        for j in range(p):
            if not mask >> j & 1:
                w = fact[size] * fact[p - size - 1] / fact[p]
                out[j] += w * (r2[mask | 1 << j] - r2[mask])
    return out


def drivers(df):
    d = df[["nps"] + COMP].dropna()
    n = len(d)
    corr = d.corr().to_numpy()
    rxy, rxx = corr[0, 1:], corr[1:, 1:]
    t = rxy * np.sqrt((n - 2) / ((1 - rxy) * (1 + rxy)))
    r_p = 2 * st.t.sf(np.abs(t), n - 2)
    z = (d - d.mean()) / d.std()
    ols = sm.OLS(z["nps"], sm.add_constant(z[COMP])).fit()
    lam, vec = np.linalg.eigh(rxx)
    big = vec @ np.diag(np.sqrt(lam)) @ vec.T
    bstar = np.linalg.solve(big, rxy)
    rw = (big ** 2) @ (bstar ** 2)
    shap = lmg(rxx, rxy)
    r2 = ols.rsquared
    return {
        "n": n, "r2": r2, "r2_adj": ols.rsquared_adj, "r": rxy, "r_p": r_p,
        "beta": ols.params[COMP].to_numpy(), "beta_se": ols.bse[COMP].to_numpy(),
        "beta_p": ols.pvalues[COMP].to_numpy(), "rw_share": rw / r2, "lmg_share": shap / r2,
    }


def quadrants(importance, performance):
    important = importance >= importance.mean()
    strong = performance >= performance.mean()
    letters = np.select([important & ~strong, important & strong, ~important & strong],
                        ["F", "K", "O"], "L")
    return "".join(letters)


def gaps(df):
    out = []
    for c, k in zip(COMP, RIVAL):
        pair = df[[c, k]].dropna()
        d = pair[c] - pair[k]
        n = len(d)
        res = st.ttest_rel(pair[c], pair[k])
        se = d.std() / np.sqrt(n)
        half = st.t.ppf(Q, n - 1) * se
        out.append({"n": n, "diff": d.mean(), "ci_lo": d.mean() - half, "t": res.statistic,
                    "p": res.pvalue})
    return out


def jones_sasser(df):
    sub = df[["sat", "intent"]].dropna()
    s, i = sub["sat"], sub["intent"]
    cls = np.select([(s == SCALE_HI) & (i == SCALE_HI), (s >= HIGH) & (i >= HIGH),
                     (s >= HIGH) & (i < HIGH), (s < HIGH) & (i >= HIGH)],
                    [0, 1, 2, 3], 4)
    shares = pd.Series(cls).value_counts(normalize=True).reindex(range(5), fill_value=0.0)
    return len(sub), shares.to_numpy()


def welch(a, b):
    """Welch's test of a against b (NAN dropped): diff, df, t, p."""
    a, b = a.dropna(), b.dropna()
    res = st.ttest_ind(a, b, equal_var=False)
    ua, ub = a.var() / len(a), b.var() / len(b)
    df = (ua + ub) ** 2 / (ua ** 2 / (len(a) - 1) + ub ** 2 / (len(b) - 1))
    return {"diff": a.mean() - b.mean(), "df": df, "t": res.statistic, "p": res.pvalue}


def negative_base(df):
    last = df[df["nps"].notna()].drop_duplicates("account_id", keep="last")
    churned, retained = last[last["churned"] == 1], last[last["churned"] == 0]
    tests = [welch(churned[c], retained[c]) for c in COMP]
    x = [int((churned["nps"] >= 9).sum()), int((retained["nps"] >= 9).sum())]
    nobs = [len(churned), len(retained)]
    z, p = proportions_ztest(x, nobs)
    return last, {"churned_n": nobs[0], "retained_n": nobs[1], "tests": tests,
                  "prom_diff": x[0] / nobs[0] - x[1] / nobs[1], "prom_z": z, "prom_p": p}


def trend(df):
    waves = df.groupby("wave")
    per = [nps_of(g["nps"]) for _, g in waves]
    nps_changes = []
    for e, l in zip(per, per[1:]):
        diff, se = l["nps"] - e["nps"], np.hypot(e["se"], l["se"])
        nps_changes.append({"diff": diff, "p": 2 * st.norm.sf(abs(diff / se))})
    stats = waves[COMP].agg(["count", "mean", "std"])
    comp_changes = {}
    for c in COMP:
        s = stats[c].to_numpy()
        rows = []
        for e, l in zip(s, s[1:]):
            res = st.ttest_ind_from_stats(l[1], l[2], l[0], e[1], e[2], e[0], equal_var=False)
            rows.append({"diff": l[1] - e[1], "t": res.statistic, "p": res.pvalue})
        comp_changes[c] = rows
    return per, nps_changes, comp_changes


class SplitMix64:
    """The engine's generator of the k-means++ draws (src/analytics/segments.c)."""

    def __init__(self, state):
        self.state = state & MASK64

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return ((z ^ (z >> 31)) >> 11) * 2.0 ** -53


def seed_pp(fit, k, rng):
    """k-means++ seeds as the engine draws them; None when fewer than k distinct rows."""
    m = len(fit)
    pick = [int(rng.uniform() * m)]
    d2 = ((fit - fit[pick[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        cum = np.cumsum(d2)
        if not cum[-1] > 0:
            return None
        i = int(np.searchsorted(cum, rng.uniform() * cum[-1], side="right"))
        if i >= m:
            i = int(np.flatnonzero(d2 > 0)[-1])
        pick.append(i)
        d2 = np.minimum(d2, ((fit - fit[i]) ** 2).sum(axis=1))
    return pick


def distances(x, centres):
    """Squared Euclidean distances of the rows of x to the centres, summed over the
    components in order (as the engine does, so that near-ties break the same way)."""
    d = np.zeros((len(x), len(centres)))
    for j in range(x.shape[1]):
        d += (x[:, j, None] - centres[None, :, j]) ** 2
    return d


def lloyd(x, init):
    """Lloyd's algorithm from the centres init until no label changes or MAX_ITER
    iterations; returns (labels, centres, inertia)."""
    centres = np.array(init, dtype=float)
    k = len(centres)
    labels = np.full(len(x), -1)
    for _ in range(MAX_ITER):
        d = distances(x, centres)
        new = d.argmin(axis=1)  # the lowest index on a tie
        if np.array_equal(new, labels):
            break
        labels = new
        count = np.bincount(labels, minlength=k)
        used = count > 0  # a centre left without rows stays
        for j in range(x.shape[1]):
            centres[used, j] = np.bincount(labels, x[:, j], minlength=k)[used] / count[used]
    else:
        d = distances(x, centres)
        labels = d.argmin(axis=1)
    return labels, centres, np.cumsum(d[np.arange(len(x)), labels])[-1]


def kmeans(df):
    x = df[COMP].dropna().to_numpy()
    n = len(x)
    m = min(n, FIT_SAMPLE)
    fit_idx = np.arange(m) * n // m
    fit = x[fit_idx]
    s = min(m, SIL_SAMPLE)
    sil_idx = np.arange(s) * m // s
    sil_by_k = {}
    chosen = None
    for k in range(K_MIN, min(K_MAX, m - 1) + 1):
        rng = SplitMix64(KMEANS_SEED + k)
        best = None
        for _ in range(RESTARTS):
            pick = seed_pp(fit, k, rng)
            if pick is None:
                break
            run = lloyd(fit, fit[pick])
            if best is None or run[2] < best[2]:
                best = run
        if best is None:
            break
        sil = silhouette_score(fit[sil_idx], best[0][sil_idx])
        sil_by_k[k] = sil
        if chosen is None or sil > chosen[1]:
            chosen = (best, sil, k)
    best, sil, k = chosen
    if m < n:
        best = lloyd(x, best[1])
        sil = silhouette_score(fit[sil_idx], best[0][fit_idx][sil_idx])
    labels, _, inertia = best
    sizes = np.bincount(labels, minlength=k)
    profiles = pd.DataFrame(x, columns=COMP).groupby(labels).mean()
    return {"n": n, "k": k, "silhouette": sil, "sil_by_k": sil_by_k,
            "inertia": inertia, "sizes": sizes, "profiles": profiles}


def suite(df):
    """Everything; returns the results and the seconds of the k-means part."""
    res = {"nps": nps_of(df["nps"])}
    last, res["neg"] = negative_base(df)
    res["account"] = nps_of(last["nps"])
    res["revenue"] = nps_of(last["nps"], last["revenue"])
    res["comp"] = describe(df[COMP])
    res["alpha_n"], res["alpha"] = cronbach_alpha(df[COMP])
    res["drivers"] = drivers(df)
    res["ipa"] = quadrants(res["drivers"]["rw_share"], res["comp"]["mean"].to_numpy())
    res["gaps"] = gaps(df)
    res["js_n"], res["js"] = jones_sasser(df)
    res["wave_nps"], res["wave_nps_change"], res["wave_comp_change"] = trend(df)
    t0 = time.perf_counter()
    res["km"] = kmeans(df)
    return res, time.perf_counter() - t0


def figures(df, res):
    """The headline figures under bench/analytics.c's keys."""
    f = {"rows": len(df)}
    nps, acc, rev = res["nps"], res["account"], res["revenue"]
    f["nps.n"], f["nps.value"] = nps["n"], nps["nps"]
    f["nps.share10"], f["nps.share0"] = nps["shares"][10], nps["shares"][0]
    f["account.n"], f["account.nps"] = acc["n"], acc["nps"]
    f["revenue.nps"], f["revenue.n_eff"] = rev["nps"], rev["n_eff"]
    for key, r in (("nps", nps), ("account", acc), ("revenue", rev)):
        f[f"{key}.ci_lo"], f[f"{key}.ci_hi"] = r["ci_lo"], r["ci_hi"]
    for j in SHOWN:
        row = res["comp"].loc[f"c{j}"]
        f[f"c{j}.n"] = int(row["count"])
        for name in ("mean", "ci_lo", "ci_hi", "top2"):
            f[f"c{j}.{name}"] = row[name]
    f["alpha.n"], f["alpha"] = res["alpha_n"], res["alpha"]
    d = res["drivers"]
    f["drivers.n"], f["drivers.r2"], f["drivers.r2_adj"] = d["n"], d["r2"], d["r2_adj"]
    for j in SHOWN:
        for name in ("r", "beta", "beta_se", "beta_p", "rw_share", "lmg_share"):
            f[f"drivers.c{j}.{name}"] = d[name][j - 1]
    f["ipa.quadrants"] = res["ipa"]
    for j in SHOWN:
        for name, v in res["gaps"][j - 1].items():
            f[f"gap.c{j}.{name}"] = v
    f["js.n"] = res["js_n"]
    for name, v in zip(JS_NAMES, res["js"]):
        f[f"js.{name}"] = v
    neg = res["neg"]
    f["neg.churned_n"], f["neg.retained_n"] = neg["churned_n"], neg["retained_n"]
    for name in ("diff", "df", "t", "p"):
        f[f"neg.c1.{name}"] = neg["tests"][0][name]
    f["neg.c10.t"], f["neg.c10.p"] = neg["tests"][NC - 1]["t"], neg["tests"][NC - 1]["p"]
    f["neg.promoters.diff"], f["neg.promoters.z"] = neg["prom_diff"], neg["prom_z"]
    f["neg.promoters.p"] = neg["prom_p"]
    for w, ch in enumerate(res["wave_nps_change"], start=2):
        f[f"trend.nps.w{w}.diff"], f[f"trend.nps.w{w}.p"] = ch["diff"], ch["p"]
    last = res["wave_comp_change"]["c1"][-1]
    w = len(res["wave_comp_change"]["c1"]) + 1
    for name in ("diff", "t", "p"):
        f[f"trend.c1.w{w}.{name}"] = last[name]
    km = res["km"]
    f["kmeans.n"] = km["n"]
    for k in range(K_MIN, K_MAX + 1):
        f[f"kmeans.silhouette.k{k}"] = km["sil_by_k"].get(k, float("nan"))
    f["kmeans.k"], f["kmeans.silhouette"], f["kmeans.inertia"] = km["k"], km["silhouette"], \
        km["inertia"]
    for c in range(km["k"]):
        f[f"kmeans.size{c}"] = int(km["sizes"][c])
        f[f"kmeans.profile{c}.c1"] = km["profiles"].loc[c, "c1"]
    return f


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--runs"):
        print("usage: analytics_pandas.py RESPONSES.csv FIGURES_OUT [--runs R]", file=sys.stderr)
        return 2
    runs = int(argv[4]) if len(argv) == 5 else 1
    t0 = time.perf_counter()
    df = pd.read_csv(argv[1], dtype={c: "float64" for c in ["nps", "sat", "intent"] + COMP + RIVAL})
    print(f"pandas: read {len(df)} rows in {time.perf_counter() - t0:.1f} s (not timed)")
    best = best_km = None
    for _ in range(runs):
        t0 = time.perf_counter()
        res, t_km = suite(df)
        t = time.perf_counter() - t0
        print(f"  run: {t:.3f} s (k-means {t_km:.3f} s)")
        if best is None or t < best:
            best, best_km = t, t_km
    print(f"pandas {pd.__version__}, numpy {np.__version__}, statsmodels {statsmodels.__version__},"
          f" threads {os.environ['OMP_NUM_THREADS']}: suite {best:.3f} s"
          f" (k-means {best_km:.3f} s), best of {runs}")
    with open(argv[2], "w", encoding="utf-8") as out:
        out.write(f"time_s {best!r}\ntime_kmeans_s {best_km!r}\n")
        for key, v in figures(df, res).items():
            out.write(f"{key} {v if isinstance(v, (str, int, np.integer)) else repr(float(v))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
