#!/usr/bin/env python3
"""Summarise the raw measurements that Scripts/benchmark.sh writes (one TSV row per run).

Columns: scenario, role, label, bytes, lines, ns, rss_kb. Roles: `subject` (scanlog), `base` (a baseline;
a scenario may have several, their medians are summed), `memo` (single informative run: extra columns
sources, ports). Prints the table, the target verdicts, the linear fits; exit status is always 0.
"""

import json
import statistics
import sys
from collections import defaultdict


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fit_linear(xs, ys):
    """Least squares y = a + b x; returns a, b, r2."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return my, 0.0, 0.0
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def fit_two(x1, x2, ys):
    """Least squares y = a + b x1 + c x2 (normal equations, 3x3)."""
    rows = [(1.0, u, v) for u, v in zip(x1, x2)]
    m = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    rhs = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(3)]
    # Gaussian elimination.
    for col in range(3):
        piv = max(range(col, 3), key=lambda r: abs(m[r][col]))
        if abs(m[piv][col]) < 1e-12:
            return None
        m[col], m[piv] = m[piv], m[col]
        rhs[col], rhs[piv] = rhs[piv], rhs[col]
        for r in range(3):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
                rhs[r] -= f * rhs[col]
    return [rhs[i] / m[i][i] for i in range(3)]


def main():
    path = sys.argv[1]
    meta = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
    runs = defaultdict(lambda: defaultdict(list))  # scenario -> (role,label) -> [(ns, rss)]
    info = {}  # scenario -> (bytes, lines) of the subject
    memos = []
    order = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 7:
            continue
        scen, role, label, nbytes, nlines, ns, rss = parts[:7]
        if scen not in order:
            order.append(scen)
        if role == "memo":
            memos.append(dict(scenario=scen, label=label, bytes=int(nbytes), lines=int(nlines), ns=int(ns),
                              rss=int(rss), sources=int(parts[7]), ports=int(parts[8])))
            continue
        runs[scen][(role, label)].append((int(ns), int(rss)))
        if role == "subject":
            info[scen] = (int(nbytes), int(nlines))

    print()
    print("%-26s %-40s %5s %9s %7s %11s %8s %9s" % ("scenario", "command", "runs", "median s", "ratio", "lines/s", "MB/s", "peak RSS"))
    print("-" * 122)
    results = {}
    for scen in order:
        if scen not in runs:
            continue
        groups = runs[scen]
        nbytes, nlines = info.get(scen, (0, 0))
        subj = [g for g in groups if g[0] == "subject"]
        bases = [g for g in groups if g[0] == "base"]
        base_total = sum(median([r[0] for r in groups[b]]) for b in bases) / 1e9 if bases else None
        res = {"bases": {}}
        for key in subj + bases:
            role, label = key
            times = [r[0] / 1e9 for r in groups[key]]
            rsss = [r[1] for r in groups[key]]
            med = median(times)
            ratio = ""
            if role == "subject" and base_total:
                ratio = "%.3f" % (med / base_total)
                res["subject"] = med
                res["ratio"] = med / base_total
                res["rss"] = max(rsss)
            elif role == "subject":
                res["subject"] = med
                res["rss"] = max(rsss)
            else:
                res["bases"][label] = med
            lps = "%.0f" % (nlines / med) if med and nlines else ""
            mbs = "%.1f" % (nbytes / med / 1e6) if med and nbytes else ""
            print("%-26s %-40s %5d %9.3f %7s %11s %8s %7.1fMB" % (
                scen, label[:40], len(times), med, ratio if role == "subject" else "(base)", lps, mbs, max(rsss) / 1024))
        if len(bases) > 1:
            print("%-26s %-40s %5s %9.3f" % (scen, "  = sum of baselines", "", base_total))
        res["base_total"] = base_total
        res["bytes"], res["lines"] = nbytes, nlines
        results[scen] = res
    print()

    # ---- Targets -----------------------------------------------------------------------------------
    print("Targets (issue 6) - ratios against baselines measured in the same run:")

    def verdict(ok):
        return "MET" if ok else "NOT MET"

    plain = results.get("plain")
    if plain and "ratio" in plain:
        print("  plain file   <= 0.33 x mawk count     : %.3f x  -> %s" % (plain["ratio"], verdict(plain["ratio"] <= 0.33)))
    gz = results.get("gzip")
    if gz and "ratio" in gz:
        print("  gzip file    <= 1.15 x zcat >/dev/null: %.3f x  -> %s" % (gz["ratio"], verdict(gz["ratio"] <= 1.15)))
    for name, base in (("plain-1-thread", "mawk count"), ("gzip-1-thread", "zcat")):
        one = results.get(name)
        two = results.get(name.replace("-1-thread", ""))
        if one and two and "ratio" in one and "ratio" in two:
            print("  %-12s one thread (--jobs 1): %.3f x %s; two threads: %.3f x (the second thread: %.2f x faster)" % (
                name.replace("-1-thread", ""), one["ratio"], base, two["ratio"], one["ratio"] / two["ratio"]))
    three = results.get("three-files")
    if three and "subject" in three:
        b = three["bases"]
        awk = sum(v for k, v in b.items() if k.startswith("mawk"))
        zc = sum(v for k, v in b.items() if k.startswith("zcat"))
        budget = 0.33 * awk + 1.15 * zc
        print("  three files  <= 0.33 x mawk(plain) + 1.15 x zcat(gz) = %.3f s: scanlog %.3f s (%.2f x budget) -> %s" % (
            budget, three["subject"], three["subject"] / budget, verdict(three["subject"] <= budget)))
        seq = results.get("three-files-each")
        if seq and "subject" in seq:
            print("               parallel speed-up: sum of the three files read one by one %.3f s / set %.3f s = %.2f x" % (
                seq["subject"], three["subject"], seq["subject"] / three["subject"]))
    for key, text in meta.get("checks", {}).items():
        print("  %-12s %s" % (key, text))

    # ---- Scaling in lines --------------------------------------------------------------------------
    pts = [(r["lines"], r["subject"], r.get("ratio")) for s, r in results.items() if s.startswith("lines-") and "subject" in r]
    if len(pts) >= 2:
        pts.sort()
        print()
        print("Time against lines (same number of sources):")
        for n, t, ratio in pts:
            print("  %9d lines: %.3f s = %6.0f ns/line%s" % (n, t, t / n * 1e9, "  (%.3f x mawk)" % ratio if ratio else ""))
        a, b, r2 = fit_linear([p[0] for p in pts], [p[1] for p in pts])
        small, big = pts[0], pts[-1]
        growth = (big[1] / big[0]) / (small[1] / small[0])
        print("  fit: t = %.3f s + %.0f ns x lines (r2 %.4f); ns/line at %d vs %d lines: %.2f x -> %s" % (
            a, b * 1e9, r2, big[0], small[0], growth, "linear (MET)" if growth <= 1.15 else "super-linear (NOT MET)"))
        rss = [(n, runs["lines-%d" % n][("subject", "scanlog")]) for n, _, _ in pts if ("lines-%d" % n) in runs]
        if rss:
            print("  peak RSS: " + ", ".join("%d lines %.0f MB" % (n, max(r[1] for r in rr) / 1024) for n, rr in rss))
            lo, hi = max(r[1] for r in rss[0][1]), max(r[1] for r in rss[-1][1])
            print("  memory x %.2f for x %.0f lines at the same sources -> %s" % (
                hi / lo, rss[-1][0] / rss[0][0], "grows with buckets, not lines (MET)" if hi / lo <= 1.5 else "grows with lines (NOT MET)"))

    def pair(prefix, what):
        rs = sorted(((s, r) for s, r in results.items() if s.startswith(prefix) and "subject" in r), key=lambda x: x[0])
        if len(rs) < 2:
            return
        print()
        print("Time against %s (same number of lines):" % what)
        for s, r in rs:
            print("  %-22s %.3f s  %6.0f ns/line  %s peak RSS %.0f MB" % (
                s, r["subject"], r["subject"] / r["lines"] * 1e9,
                ("(%.3f x mawk)" % r["ratio"]) if r.get("ratio") else "", r["rss"] / 1024))
        first, last = rs[0][1], rs[-1][1]
        print("  %s -> %s: time x %.2f, RSS x %.2f" % (rs[0][0], rs[-1][0], last["subject"] / first["subject"], last["rss"] / first["rss"]))

    pair("sources-", "distinct sources")
    pair("days-", "time span")

    # ---- Memory ------------------------------------------------------------------------------------
    if memos:
        print()
        print("Memory (single runs, JSON output counted):")
        print("  %-26s %9s %9s %8s %10s" % ("run", "lines", "sources", "ports", "peak RSS"))
        for m in memos:
            print("  %-26s %9d %9d %8d %8.1fMB" % (m["label"], m["lines"], m["sources"], m["ports"], m["rss"] / 1024))
        same_lines = [m for m in memos if m["lines"] == max(x["lines"] for x in memos if not x["label"].startswith("full"))
                      and not m["label"].startswith("full")]
        if len(same_lines) >= 3:
            co = fit_two([m["sources"] for m in same_lines], [m["ports"] for m in same_lines], [m["rss"] * 1024 for m in same_lines])
            if co:
                print("  fit at %d lines: RSS = %.1f MB + %.0f bytes x sources + %.0f bytes x ports" % (
                    same_lines[0]["lines"], co[0] / 1e6, co[1], co[2]))
        if len(same_lines) >= 2:
            a, b, r2 = fit_linear([m["sources"] for m in same_lines], [m["rss"] * 1024 for m in same_lines])
            print("  fit (sources only): RSS = %.1f MB + %.0f bytes x sources (r2 %.3f)" % (a / 1e6, b, r2))
        for m in memos:
            if m["label"].startswith("full"):
                print("  %d lines, %d sources: peak RSS %.0f MB (target < 300 MB) -> %s; %.1f s, %.0f ns/line" % (
                    m["lines"], m["sources"], m["rss"] / 1024, verdict(m["rss"] / 1024 < 300), m["ns"] / 1e9, m["ns"] / m["lines"]))
    print()


if __name__ == "__main__":
    main()
