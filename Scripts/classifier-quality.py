#!/usr/bin/env python3
"""Classifier quality on labelled scenarios: precision and recall per kind, background called targeted.

Generates each seed with Scripts/generate-scenarios.py, runs `scanlog analyze --format json` on it and compares
every source's class and kind with truth.json. Seeds 1-10 are for tuning; 1001-1010 are held out.

    Scripts/classifier-quality.py [--seeds 1-10] [--days 7] [--scale 0.2] [--addrs-per-host 1] [--scanlog PATH]
"""
import argparse, collections, ipaddress, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seeds(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def run(seed, args, workdir):
    out = os.path.join(workdir, f"seed{seed}")
    cmd = [sys.executable, os.path.join(ROOT, "Scripts/generate-scenarios.py"), "--seed", str(seed), "--days", str(args.days),
           "--scale", str(args.scale), "--out", out, "--addrs-per-host", str(args.addrs_per_host)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    truth = json.load(open(os.path.join(out, "truth.json")))
    year = truth["start"][:4]
    report = subprocess.run([args.scanlog, "analyze", "--format", "json", "--year", year, os.path.join(out, "ufw.log")],
                            check=True, capture_output=True, text=True, env=dict(os.environ, TZ="UTC")).stdout
    return truth, json.loads(report)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--addrs-per-host", type=int, default=1)
    parser.add_argument("--scanlog", default=os.path.join(ROOT, ".build/release/scanlog"))
    parser.add_argument("--show", type=int, default=5, help="examples of each kind of mistake to print")
    args = parser.parse_args()
    confusion = collections.Counter()
    background_total = background_targeted = 0
    events_total = events_found = 0
    missed_events = []
    allowed_only = collections.Counter()
    examples = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as workdir:
        for seed in seeds(args.seeds):
            truth, report = run(seed, args, workdir)
            got = {s["ip"]: s for s in report["sources"]}
            for address, label in truth["sources"].items():
                if label["class"] not in ("background", "targeted"):
                    continue
                ip = str(ipaddress.ip_address(address))
                verdict = got.get(ip)
                if verdict is None:
                    # Every line of it was allowed (an open port): not a probe, so no verdict by definition.
                    allowed_only[label["kind"]] += 1
                    continue
                predicted = (verdict["class"], verdict["kind"]) if verdict and verdict["class"] else ("none", "none")
                confusion[(label["kind"], predicted[1])] += 1
                if label["class"] == "background":
                    background_total += 1
                    if predicted[0] == "targeted":
                        background_targeted += 1
                if predicted[1] != label["kind"] and len(examples[(label["kind"], predicted[1])]) < args.show:
                    examples[(label["kind"], predicted[1])].append((seed, ip, verdict["evidence"][:1] if verdict else None))
            for event in truth["events"]:
                events_total += 1
                members = {str(ipaddress.ip_address(a)) for a in event["sources"]}
                found = any(got.get(m, {}).get("class") == "targeted" for m in members) or any(
                    m in e["sources"] for e in report["events"] for m in members)
                events_found += found
                if not found:
                    missed_events.append((seed, event["id"], event["kind"], sorted(members)[:3]))
    kinds = sorted({k for k, _ in confusion} | {p for _, p in confusion})
    print(f"seeds {args.seeds}, {args.days} days, scale {args.scale}, {args.addrs_per_host} address(es) per host\n")
    print(f"{'kind':24} {'truth':>7} {'called':>7} {'right':>7} {'recall':>7} {'precision':>9}")
    for kind in kinds:
        truth_n = sum(n for (t, _), n in confusion.items() if t == kind)
        called = sum(n for (_, p), n in confusion.items() if p == kind)
        right = confusion[(kind, kind)]
        if truth_n == 0 and called == 0:
            continue
        recall = f"{right / truth_n:.3f}" if truth_n else "-"
        precision = f"{right / called:.3f}" if called else "-"
        print(f"{kind:24} {truth_n:7} {called:7} {right:7} {recall:>7} {precision:>9}")
    if allowed_only:
        print("\nsources seen only as allowed connections (not probes, no verdict): "
              + ", ".join(f"{k} {n}" for k, n in sorted(allowed_only.items())))
    print(f"\ntargeted events found: {events_found} of {events_total}")
    print(f"background sources called targeted: {background_targeted} of {background_total}"
          f" ({background_targeted / max(background_total, 1) * 200:.2f} in 200)")
    for seed, event, kind, members in missed_events[: args.show * 3]:
        print(f"  missed seed {seed} {event} ({kind}): {', '.join(members)}")
    print("\nconfusions (truth -> called):")
    for (t, p), n in sorted(confusion.items(), key=lambda x: -x[1]):
        if t != p:
            print(f"  {t} -> {p}: {n}")
            for seed, ip, evidence in examples[(t, p)]:
                print(f"      seed {seed} {ip}: {evidence}")


if __name__ == "__main__":
    main()
