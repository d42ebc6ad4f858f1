#!/usr/bin/env python3
"""Reference values for tests/unit/test_analytics_segments.c.

Reads the fixed data (empty cell = missing answer):
  segments_js.csv     sat (1..5 overall satisfaction), intent (0..10 intention);
  segments_blobs.csv  c1..c4: component profiles of three well separated groups;
  segments_ties.csv   x, y: small integers with duplicate rows and exact ties;
and writes segments_refs.h: the data as C arrays and the reference figures,
computed here independently of the C code:

- Jones & Sasser classes: the rules of segments.h restated with numpy
  (numpy.select), counted with numpy;
- k-means: the k-means++ seeding of segments.h is re-implemented here in
  plain Python (the same splitmix64 generator and D^2 draws, so the same
  initial centres are picked); from those centres Lloyd's algorithm is run by
  scikit-learn (sklearn.cluster.KMeans(init=centres, n_init=1, max_iter=100,
  tol=0, algorithm="lloyd")) for the well separated data, and by an
  independent numpy Lloyd (ties to the lowest index through numpy.argmin, an
  empty cluster keeps its centre) for the data with ties, where scikit-learn's
  distance shortcut may break exact ties differently. Standardising:
  sklearn.preprocessing.StandardScaler. Restarts, the choice of the lowest
  inertia, the evenly spaced samples and the refinement on all rows follow
  segments.h; profiles are numpy means of the raw columns per cluster;
- silhouette: sklearn.metrics.silhouette_score on exact Euclidean distances
  (scipy.spatial.distance.cdist, metric="precomputed").

Run from anywhere: python3 tests/data/analytics/segments_make_refs.py
(--data regenerates the CSV files from a fixed numpy seed first; they are
committed, so this is only needed to change them).
"""
import math
import os
import sys

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
MASK = (1 << 64) - 1
K_MIN, K_MAX, MAX_ITER = 2, 8, 100


def make_data():
    rng = np.random.default_rng(7020)
    n = 150
    sat = np.clip(np.round(rng.normal(3.8, 1.0, n)), 1, 5)
    intent = np.clip(np.round(1.6 * sat + rng.normal(1.5, 1.6, n)), 0, 10)
    df = pd.DataFrame({"sat": sat, "intent": intent})
    df.loc[rng.random(n) < 0.06, "sat"] = np.nan
    df.loc[rng.random(n) < 0.06, "intent"] = np.nan
    df.to_csv(os.path.join(HERE, "segments_js.csv"), index=False, float_format="%.0f")
    centres = np.array([[4.2, 4.5, 4.0, 4.4], [2.0, 2.5, 3.0, 1.8], [3.5, 1.5, 2.0, 4.5]])
    sizes = [100, 80, 60]
    x = np.vstack([c + rng.normal(scale=0.3, size=(s, 4)) for c, s in zip(centres, sizes)])
    x = np.round(x[rng.permutation(len(x))], 2)
    df = pd.DataFrame(x, columns=["c1", "c2", "c3", "c4"])
    for i, j in zip(rng.choice(len(df), 6, replace=False), rng.integers(0, 4, 6)):
        df.iloc[i, j] = np.nan
    df.to_csv(os.path.join(HERE, "segments_blobs.csv"), index=False, float_format="%.2f")
    rows = [(0, 0)] * 6 + [(4, 0)] * 6 + [(2, 0)] + [(0, 6)] * 3 + [(4, 6)] * 3 + [(2, 3)] * 2
    rows = [rows[i] for i in rng.permutation(len(rows))]
    df = pd.DataFrame(rows, columns=["x", "y"], dtype=float)
    df.to_csv(os.path.join(HERE, "segments_ties.csv"), index=False, float_format="%.0f")


class SplitMix64:
    def __init__(self, state):
        self.state = state & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def d2(a, b):
    s = 0.0
    for u, v in zip(a, b):
        d = float(u) - float(v)
        s += d * d
    return s


def seed_pp(fit, k, rng):
    """k-means++ as in segments.h; None when fewer than k distinct rows."""
    m = len(fit)
    rows = [list(map(float, r)) for r in fit]
    pick = [int(rng.uniform() * m)]
    dist = [d2(r, rows[pick[0]]) for r in rows]
    for _ in range(1, k):
        total = 0.0
        for v in dist:
            total += v
        if not total > 0:
            return None
        r = rng.uniform() * total
        acc, chosen = 0.0, None
        for i, v in enumerate(dist):
            acc += v
            if acc > r:
                chosen = i
                break
        if chosen is None:
            chosen = max(i for i, v in enumerate(dist) if v > 0)
        pick.append(chosen)
        dist = [min(v, d2(rows[i], rows[chosen])) for i, v in enumerate(dist)]
    return pick


def lloyd_sklearn(x, init):
    km = KMeans(n_clusters=len(init), init=init, n_init=1, max_iter=MAX_ITER, tol=0,
                algorithm="lloyd").fit(x)
    return km.labels_.astype(int), km.cluster_centers_, km.inertia_, km.n_iter_


def lloyd_numpy(x, init):
    """Plain Lloyd: nearest centre (numpy.argmin: lowest index on a tie)."""
    c = np.array(init, dtype=float)
    labels = np.full(len(x), -1)
    for it in range(MAX_ITER):
        dist = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if np.array_equal(new, labels):
            return labels, c, dist.min(axis=1).sum(), it + 1
        labels = new
        for j in range(len(c)):
            if (labels == j).any():
                c[j] = x[labels == j].mean(axis=0)
    dist = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    return dist.argmin(axis=1), c, dist.min(axis=1).sum(), MAX_ITER


def silhouette(x, labels):
    if len(set(labels)) < 2:
        return float("nan")
    return silhouette_score(cdist(x, x), labels, metric="precomputed")


def kmeans_ref(df, k, standardise, seed, restarts=4, fit_sample=20000, sil_sample=2000,
               lloyd=lloyd_sklearn):
    raw = df.to_numpy(dtype=float)
    keep = ~np.isnan(raw).any(axis=1)
    rows = np.flatnonzero(keep)
    xc = raw[keep]
    z = StandardScaler().fit_transform(xc) if standardise else xc.copy()
    n = len(z)
    m = min(n, fit_sample)
    fit_idx = [t * n // m for t in range(m)]
    fit = z[fit_idx]
    s = min(m, sil_sample)
    sil_idx = [t * m // s for t in range(s)]
    ks = [k] if k else list(range(K_MIN, min(K_MAX, m - 1) + 1))
    sil_by_k = [float("nan")] * (K_MAX + 1)
    chosen = None
    for kk in ks:
        rng = SplitMix64(seed + kk)
        runs = []
        for _ in range(restarts):
            pick = seed_pp(fit, kk, rng)
            if pick is None:
                break
            runs.append((pick,) + lloyd(fit, fit[pick]))
        if not runs:
            break
        low = min(r[3] for r in runs)
        best = next(r for r in runs if r[3] <= low * (1 + 1e-12))
        sil = silhouette(fit[sil_idx], best[1][sil_idx])
        sil_by_k[kk] = sil
        if chosen is None or (math.isnan(chosen[1]) and not math.isnan(sil)) or sil > chosen[1]:
            chosen = (best, sil, kk)
    best, sil, kk = chosen
    pick, labels, centres, inertia, iters = best
    if m < n:
        labels, centres, inertia, iters = lloyd(z, centres)
        fit_labels = labels[fit_idx]
        sil = silhouette(fit[sil_idx], fit_labels[sil_idx])
    all_labels = np.full(len(raw), -1)
    all_labels[rows] = labels
    sizes = [int((labels == c).sum()) for c in range(kk)]
    profile = [xc[labels == c].mean(axis=0) for c in range(kk)]
    return {"K": kk, "N": n, "FIT_N": m, "SIL_N": s, "INERTIA": inertia, "SIL": sil,
            "ITER": int(iters), "INIT_ROW": [int(rows[fit_idx[i]]) for i in pick],
            "SIL_BY_K": sil_by_k, "LABEL": all_labels, "SIZE": sizes,
            "PROFILE": np.concatenate(profile)}


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


def emit(prefix, ref, lines, what):
    lines.append(f"/* {prefix}: {what} */")
    for key in ("K", "N", "FIT_N", "SIL_N", "ITER"):
        lines.append(f"#define {prefix}_{key} {ref[key]}")
    lines.append(f"#define {prefix}_INERTIA {c_double(ref['INERTIA'])}")
    lines.append(f"#define {prefix}_SIL {c_double(ref['SIL'])}")
    lines.append(c_array(f"{prefix}_SIL_BY_K", ref["SIL_BY_K"]))
    lines.append(c_array(f"{prefix}_INIT_ROW", ref["INIT_ROW"], "size_t"))
    lines.append(c_array(f"{prefix}_SIZE", ref["SIZE"], "size_t"))
    lines.append(c_array(f"{prefix}_PROFILE", ref["PROFILE"]))
    lines.append(c_array(f"{prefix}_LABEL", ref["LABEL"], "int32_t"))


def js(df, sat_high, int_high, sat_hi=5, int_hi=10):
    s, t = df["sat"].to_numpy(), df["intent"].to_numpy()
    ok = ~(np.isnan(s) | np.isnan(t))
    hs, ht = s >= sat_high, t >= int_high
    cls = np.select([~ok, hs & ht & (s == sat_hi) & (t == int_hi), hs & ht, hs & ~ht, ~hs & ht],
                    [-1, 0, 1, 2, 3], default=4)
    counts = [int((cls == c).sum()) for c in range(5)]
    return cls, counts, int(ok.sum())


def main():
    if "--data" in sys.argv:
        make_data()
    jsd = pd.read_csv(os.path.join(HERE, "segments_js.csv"))
    blobs = pd.read_csv(os.path.join(HERE, "segments_blobs.csv"))
    ties = pd.read_csv(os.path.join(HERE, "segments_ties.csv"))
    lines = ["/* Generated by segments_make_refs.py from segments_*.csv: do not edit.",
             " * Data as C arrays (NAN = missing) and reference figures (see the script). */",
             "#ifndef SEGMENTS_REFS_H", "#define SEGMENTS_REFS_H", "", "#include <math.h>",
             "#include <stddef.h>", "#include <stdint.h>", ""]
    for name, df in (("JS", jsd), ("BLOBS", blobs), ("TIES", ties)):
        for col in df.columns:
            lines.append(c_array(f"{name}_{col.upper()}", df[col]))
        lines.append(f"#define {name}_ROWS {len(df)}")
    lines.append("/* Jones & Sasser classes (0 apostle .. 4 defector, -1 missing), numpy.select */")
    for prefix, sh, ih in (("JSD", 4, 9), ("JSC", 5, 7)):
        cls, counts, n = js(jsd, sh, ih)
        lines.append(f"#define {prefix}_N {n}")
        lines.append(c_array(f"{prefix}_COUNT", counts, "size_t"))
        lines.append(c_array(f"{prefix}_CLASS", cls, "int"))
    emit("KM3", kmeans_ref(blobs, 3, False, 7), lines,
         "k = 3, raw, seed 7; sklearn Lloyd from the replicated k-means++ seeds")
    emit("KMA", kmeans_ref(blobs, 0, True, 11), lines,
         "k chosen, standardised, seed 11; sklearn Lloyd, silhouette_score")
    emit("KMS", kmeans_ref(blobs, 0, True, 5, fit_sample=60, sil_sample=40), lines,
         "k chosen on a 60-row fit sample, silhouette on 40 rows, refined on all rows")
    emit("KT2", kmeans_ref(ties, 2, False, 3, lloyd=lloyd_numpy), lines,
         "ties, k = 2, raw, seed 3; numpy Lloyd")
    emit("KT3", kmeans_ref(ties, 3, False, 1, lloyd=lloyd_numpy), lines,
         "ties, k = 3, raw, seed 1; numpy Lloyd")
    emit("KTA", kmeans_ref(ties, 0, False, 2, restarts=2, lloyd=lloyd_numpy), lines,
         "ties, k chosen, raw, seed 2, 2 restarts; numpy Lloyd")
    lines += ["#endif", ""]
    with open(os.path.join(HERE, "segments_refs.h"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
