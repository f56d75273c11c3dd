#!/usr/bin/python3
"""Count the captured kernel log lines independently of scanlog.

Reads Fixtures/captures/setup/scans.jsonl (one record per scan, written by
capture-fixtures.sh with the exact command line) and every log file under
Fixtures/captures/<scenario>/, parses the kernel LOG lines with plain regular
expressions, attributes lines to scans by source address + protocol, checks each
count a second way with zcat|grep -c, and writes expected.json and MANIFEST.md.
"""
import argparse
import collections
import datetime
import gzip
import ipaddress
import json
import os
import re
import subprocess
import sys

SCENARIOS = ["ufw-traditional", "rfc3339", "nftables", "demo", "ufw-high"]

ENVELOPES = {
    "ufw-traditional": "RFC3164 'Mmm dd HH:MM:SS host kernel: [uptime] ' (rsyslog RSYSLOG_TraditionalFileFormat, imklog) — formats.md E1",
    "rfc3339": "RFC3339 with microseconds and offset + kernel uptime bracket (RSYSLOG_FileFormat, imklog defaults) — formats.md E3b",
    "nftables": "RFC3339 with microseconds and offset, no uptime bracket (RSYSLOG_FileFormat, imklog ParseKernelTimestamp=on) — formats.md E3",
    "demo": "RFC3164 + kernel uptime (RSYSLOG_TraditionalFileFormat) — formats.md E1",
    "ufw-high": "RFC3164 + kernel uptime (RSYSLOG_TraditionalFileFormat) — formats.md E1",
}

PROTO_TOKEN = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6"}
FLAG_WORDS = ["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"]

RE_TRAD = re.compile(r"^(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) (?P<tag>[^:\s]+): (?P<msg>.*)$")
RE_3339 = re.compile(r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?P<host>\S+) (?P<tag>[^:\s]+): (?P<msg>.*)$")
RE_UPTIME = re.compile(r"^\[\s*(?P<up>\d+\.\d+)\] (?P<rest>.*)$")
RE_KV = re.compile(r"(?<![\w\[])([A-Z][A-Z0-9]*)=(\S*)")


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace").splitlines()


def parse(line):
    """Return a dict for a kernel firewall line, or None for any other line."""
    m = RE_TRAD.match(line) or RE_3339.match(line)
    if not m:
        return None
    msg = m.group("msg")
    up = None
    mu = RE_UPTIME.match(msg)
    if mu:
        up = float(mu.group("up"))
        msg = mu.group("rest")
    i = msg.find("IN=")
    if i < 0 or " SRC=" not in msg:
        return None
    prefix = msg[:i]
    body = msg[i:]
    outer = re.sub(r"\[SRC=.*?\] ", "", body)          # drop a quoted (ICMP error) header
    kv = {}
    for k, v in RE_KV.findall(outer):
        kv.setdefault(k, v)                             # first occurrence = outer header
    words = set(outer.split())
    return {
        "ts": m.group("ts"), "host": m.group("host"), "uptime": up, "prefix": prefix,
        "kv": kv, "flags": [w for w in FLAG_WORDS if w in words], "raw": line,
    }


def expand(addr):
    try:
        a = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    return a.exploded if a.version == 6 else str(a)


def ranges(nums):
    nums = sorted(set(nums))
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ",".join(out)


def is_audit(prefix):
    return prefix.startswith("[UFW AUDIT")


def load_files(cap):
    files = {}
    for sc in SCENARIOS:
        d = os.path.join(cap, sc)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            rel = f"{sc}/{name}"
            lines = read_lines(os.path.join(d, name))
            parsed = [parse(l) for l in lines]
            files[rel] = {"lines": lines, "parsed": parsed}
    return files


def file_stats(rel, f, cap):
    fw = [p for p in f["parsed"] if p]
    by_prefix = collections.Counter(p["prefix"] for p in fw)
    by_proto = collections.Counter(p["kv"].get("PROTO", "?") for p in fw)
    fam = collections.Counter("ipv6" if ":" in p["kv"].get("SRC", "") else "ipv4" for p in fw)
    ups = [p["uptime"] for p in fw if p["uptime"] is not None]
    path = os.path.join(cap, rel)
    return {
        "lines": len(f["lines"]),
        "firewall_lines": len(fw),
        "other_lines": len(f["lines"]) - len(fw),
        "by_prefix": dict(sorted(by_prefix.items())),
        "by_proto": dict(sorted(by_proto.items())),
        "by_family": dict(sorted(fam.items())),
        "distinct_src": len({p["kv"].get("SRC") for p in fw}),
        "gzip": rel.endswith(".gz"),
        "bytes": os.path.getsize(path),
        "first_timestamp": fw[0]["ts"] if fw else None,
        "last_timestamp": fw[-1]["ts"] if fw else None,
        "first_uptime": min(ups) if ups else None,
        "last_uptime": max(ups) if ups else None,
        "trailing_space_lines": sum(1 for p in fw if p["raw"].endswith(" ")),
    }


def grep_count(cap, files, srcs, proto, dsts=None, window=None):
    alt = "|".join(re.escape(s) for s in srcs)
    cmd = f"zcat -f {' '.join(files)} | grep -E 'SRC=({alt}) '"
    if dsts:
        cmd += " | grep -E 'DST=(" + "|".join(re.escape(d) for d in dsts) + ") '"
    if window:
        cmd += (f" | awk -v a={window[0]:.3f} -v b={window[1]:.3f} "
                "'{ if (match($0, /\\[ *[0-9]+\\.[0-9]+\\]/)) { u = substr($0, RSTART+1, RLENGTH-2) + 0; if (u >= a && u <= b) print } }'")
    if proto in PROTO_TOKEN:
        cmd += f" | grep -c 'PROTO={PROTO_TOKEN[proto]} '"
    else:
        cmd += " | grep -c ."
    r = subprocess.run(["bash", "-c", cmd], cwd=cap, capture_output=True, text=True)
    try:
        n = int(r.stdout.strip() or "0")
    except ValueError:
        n = -1
    return cmd, n


def scan_stats(rec, files, cap, versions):
    run_files = rec.get("files", "").split()
    present = [f for f in run_files if f in files]
    # the primary set is the first scenario of the run (e.g. ufw-traditional for run ufw)
    primary_sc = present[0].split("/")[0] if present else None
    primary = [f for f in present if f.startswith(primary_sc + "/")]
    others = sorted({f.split("/")[0] for f in present} - {primary_sc})
    srcs = [expand(s) for s in rec.get("src", "").split()]
    proto = rec.get("proto", "")
    token = PROTO_TOKEN.get(proto)

    spec = set(rec.get("match", "src,proto").split(","))
    dsts = {expand(d) for d in rec.get("dst", "").split()}
    u0, u1 = float(rec["uptime_start"]) - 0.5, float(rec["uptime_end"]) + 0.5
    w0, w1 = float(rec["wall_start"]) - 1.0, float(rec["wall_end"]) + 1.0

    def in_window(p):
        if p["uptime"] is not None:
            return u0 <= p["uptime"] <= u1
        try:
            t = datetime.datetime.fromisoformat(p["ts"]).timestamp()
        except ValueError:
            return True
        return w0 <= t <= w1

    def match(p):
        return (p and p["kv"].get("SRC") in srcs
                and (token is None or "proto" not in spec or p["kv"].get("PROTO") == token)
                and ("dst" not in spec or p["kv"].get("DST") in dsts)
                and ("time" not in spec or in_window(p)))

    def collect(flist):
        out = []
        for fn in flist:
            out += [(fn, p) for p in files[fn]["parsed"] if match(p)]
        return out

    hits = collect(primary)
    ps = [p for _, p in hits]
    dpts = [int(p["kv"]["DPT"]) for p in ps if p["kv"].get("DPT", "").isdigit()]
    ups = [p["uptime"] for p in ps if p["uptime"] is not None]
    by_file = collections.Counter(fn for fn, _ in hits)
    flags = collections.Counter(" ".join(p["flags"]) or "-" for p in ps if token == "TCP")
    icmp_types = collections.Counter(p["kv"].get("TYPE") for p in ps if proto in ("icmp", "icmpv6"))
    tool = rec.get("tool", "")
    st = {
        "id": f"{rec['run']}/{rec['name']}",
        "name": rec["name"],
        "run": rec["run"],
        "group": rec.get("group"),
        "tool": tool,
        "tool_version": versions.get(tool, ""),
        "expected_kind": None if rec.get("kind") in (None, "", "none") else rec["kind"],
        "alt_kinds": rec.get("alt_kinds", "").split() or None,
        "command": rec["command"],
        "exit_status": int(rec.get("rc", "0")),
        "told": rec.get("told", ""),
        "note": rec.get("note"),
        "src": rec.get("src", "").split(),
        "dst": rec.get("dst", "").split(),
        "proto": proto,
        "ports": rec.get("ports", ""),
        "file": primary[0] if len(primary) == 1 else (f"{primary_sc}/*" if primary else None),
        "files": primary,
        "lines": len(ps),
        "packets": sum(1 for p in ps if not is_audit(p["prefix"])),
        "by_prefix": dict(sorted(collections.Counter(p["prefix"] for p in ps).items())),
        "distinct_dst": len({p["kv"].get("DST") for p in ps}),
        "dst_seen": sorted({p["kv"].get("DST") for p in ps}),
        "distinct_ports": len(set(dpts)),
        "dpt_ranges": ranges(dpts),
        "lines_by_file": dict(sorted(by_file.items())),
        "tcp_flags": dict(sorted(flags.items())) or None,
        "icmp_types": dict(sorted(icmp_types.items())) or None,
        "ttl": sorted({int(p["kv"]["TTL"]) for p in ps if p["kv"].get("TTL", "").isdigit()}) or None,
        "hoplimit": sorted({int(p["kv"]["HOPLIMIT"]) for p in ps if p["kv"].get("HOPLIMIT", "").isdigit()}) or None,
        "window": sorted({int(p["kv"]["WINDOW"]) for p in ps if p["kv"].get("WINDOW", "").isdigit()}) or None,
        "ip_id_54321": sum(1 for p in ps if p["kv"].get("ID") == "54321") if token == "TCP" else None,
        "first_uptime": min(ups) if ups else None,
        "last_uptime": max(ups) if ups else None,
        "first_timestamp": ps[0]["ts"] if ps else None,
        "last_timestamp": ps[-1]["ts"] if ps else None,
        "wall_start": float(rec["wall_start"]),
        "wall_end": float(rec["wall_end"]),
    }
    if ups:
        st["duration_s"] = round(max(ups) - min(ups), 3)
    st["match"] = sorted(spec)
    if "time" in spec:
        st["uptime_window"] = [round(u0, 3), round(u1, 3)]
    cmd, n = grep_count(cap, primary, srcs, proto, sorted(dsts) if "dst" in spec else None,
                        (u0, u1) if "time" in spec else None)
    st["grep_check"] = {"command": cmd, "count": n, "agrees": n == len(ps)}
    # the same scan as seen in the other file set of the run (e.g. rfc3339/kern.log*)
    st["also_in"] = {}
    for sc in others:
        ofl = [f for f in present if f.startswith(sc + "/")]
        oh = collect(ofl)
        st["also_in"][sc] = {"files": ofl, "lines": len(oh),
                             "lines_by_file": dict(sorted(collections.Counter(fn for fn, _ in oh).items()))}
    return st


def group_stats(scans):
    groups = collections.OrderedDict()
    for s in scans:
        if s["group"]:
            groups.setdefault((s["run"], s["group"]), []).append(s)
    out = []
    for (run, g), members in groups.items():
        ports = [set() for _ in members]
        for i, s in enumerate(members):
            for r in s["dpt_ranges"].split(","):
                if not r:
                    continue
                a, _, b = r.partition("-")
                ports[i].update(range(int(a), int(b or a) + 1))
        union = set().union(*ports) if ports else set()
        overlap = sum(len(ports[i] & ports[j]) for i in range(len(ports)) for j in range(i + 1, len(ports)))
        srcs = sorted({x for s in members for x in s["src"]})
        out.append({
            "id": f"{run}/{g}", "run": run, "group": g, "members": [s["id"] for s in members],
            "expected_kind": members[0]["expected_kind"], "src": srcs,
            "dst": sorted({x for s in members for x in s["dst_seen"]}),
            "lines": sum(s["lines"] for s in members),
            "lines_by_file": dict(sorted(sum((collections.Counter(s["lines_by_file"]) for s in members), collections.Counter()).items())),
            "distinct_ports": len(union), "dpt_ranges": ranges(union), "pairwise_port_overlap": overlap,
            "start_spread_s": round(max(s["wall_start"] for s in members) - min(s["wall_start"] for s in members), 3),
        })
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--captures", required=True)
    ap.add_argument("--seconds", default="")
    a = ap.parse_args()
    cap = os.path.abspath(a.captures)
    versions = {}
    with open(os.path.join(cap, "setup/versions.txt")) as f:
        for l in f:
            k, _, v = l.rstrip("\n").partition("=")
            versions[k] = v
    versions["bash"] = "bash " + subprocess.run(["bash", "-c", "echo $BASH_VERSION"], capture_output=True, text=True).stdout.strip()
    recs = [json.loads(l) for l in open(os.path.join(cap, "setup/scans.jsonl")) if l.strip()]
    checks = [json.loads(l) for l in open(os.path.join(cap, "setup/checks.jsonl")) if l.strip()]
    files = load_files(cap)
    fstats = {rel: file_stats(rel, f, cap) for rel, f in files.items()}
    for rel in fstats:
        fstats[rel]["envelope"] = ENVELOPES.get(rel.split("/")[0])
    recs.sort(key=lambda r: (["ufw", "nftables", "demo", "ufw-high"].index(r["run"]), float(r["wall_start"])))
    scans = [scan_stats(r, files, cap, versions) for r in recs]
    groups = group_stats(scans)

    # lines of each file that no scan explains
    unattributed = {}
    for rel, f in files.items():
        run_scans = [s for s in scans if rel in s["files"] or any(rel in v["files"] for v in s["also_in"].values())]
        keys = set()
        for s in run_scans:
            token = PROTO_TOKEN.get(s["proto"])
            for src in s["src"]:
                keys.add((expand(src), token))
        left = [p for p in f["parsed"] if p and (p["kv"].get("SRC"), p["kv"].get("PROTO")) not in keys
                and (p["kv"].get("SRC"), None) not in keys]
        unattributed[rel] = {"lines": len(left), "samples": [p["raw"] for p in left[:3]]}

    expected = {
        "generated_by": "Scripts/capture-fixtures.sh + Scripts/capture/summarize.py (counts from the log files, not from scanlog)",
        "date_utc": versions.get("date_utc"),
        "kernel": versions.get("kernel"),
        "debian": versions.get("debian"),
        "tools": {k: versions.get(k) for k in ["nmap", "zmap", "masscan", "hping3", "ping", "rsyslogd", "logrotate", "iptables", "nft", "ufw"]},
        "demo": "demo/ufw.log",
        "victim": {"ipv4": "192.0.2.17-192.0.2.30 (192.0.2.16/28, primary 192.0.2.20)", "ipv6": "2001:db8:20::20",
                   "ipv6_as_logged": expand("2001:db8:20::20"), "interface": "eth0", "mac": "02:00:c0:00:02:14"},
        "kinds": ["background-sweep", "institutional-scanner", "vertical-scan", "slow-vertical-scan", "horizontal-sweep",
                  "service-hammering", "distributed-scan", "returning-recon", "backscatter"],
        "files": fstats,
        "scans": scans,
        "groups": groups,
        "unattributed": unattributed,
        "checks": checks,
    }
    with open(os.path.join(cap, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=False)
        f.write("\n")
    write_manifest(cap, expected, versions, a.seconds)
    bad = [s["id"] for s in scans if not s["grep_check"]["agrees"]]
    print(f"summarize: {len(fstats)} files, {len(scans)} scans, {len(groups)} groups; grep disagreements: {bad or 'none'}")
    return 1 if bad else 0


def md_escape(s):
    return str(s).replace("|", "\\|")


def write_manifest(cap, e, versions, seconds):
    L = []
    w = L.append
    w("# Captured firewall logs: manifest")
    w("")
    w("Every firewall line in these files was **printed by the Linux kernel** (netfilter `LOG` target or nftables `log` "
      "statement) in a network namespace on a real machine, read from `/proc/kmsg` by rsyslogd's imklog and written by "
      "rsyslog's omfile. Nothing was edited afterwards. Made by `Scripts/capture-fixtures.sh` (helpers in "
      "`Scripts/capture/`); re-run it as root to regenerate everything (the counts below change with each run).")
    w("")
    w(f"* date (UTC): {e['date_utc']}; machine: Debian {e['debian']}, kernel `{e['kernel']}`, 2 cores; run took {seconds} s")
    w("* tools: " + "; ".join(f"{k}: `{v}`" for k, v in e["tools"].items()))
    deb = {k[4:]: v for k, v in versions.items() if k.startswith("deb_")}
    w("* Debian package versions: " + ", ".join(f"{k} {v}" for k, v in deb.items()))
    miss = versions.get("missing_packages", "").strip()
    w(f"* packages not available in Debian 12: {miss or 'none (all of nmap, zmap, masscan, hping3, rsyslog, iptables, nftables, logrotate, iproute2, ufw exist)'}")
    w(f"* **demo input**: `demo/ufw.log` is scanlog's embedded default demo (ufw, traditional envelope, a mix of everything).")
    w("* machine-readable truth: `expected.json` (same numbers as below). Configs used: `setup/<run>/` "
      "(rsyslog.conf, logrotate.conf, iptables/ip6tables-save output, ufw commands, nft ruleset); "
      "every scan's record: `setup/scans.jsonl`; counter checks: `setup/checks.jsonl`.")
    w("")
    w("## Setup")
    w("")
    w("* Namespaces: `sl-victim` (the firewalled host: `eth0`, MAC 02:00:c0:00:02:14, IPv4 192.0.2.17–192.0.2.30 on "
      "192.0.2.16/28 with 192.0.2.20 primary, IPv6 2001:db8:20::20/64), `sl-scan-a` (MAC 02:00:c6:33:64:0a, "
      "198.51.100.10–14, .20, .30, .40, .41, .42, .50, .60, .61, .70, .200 /24; 2001:db8:100::10 and ::11), `sl-scan-b` "
      "(MAC 02:00:cb:00:71:0a, 203.0.113.10–13 and 203.0.113.100–119), joined by bridge `br0` in `sl-net`. "
      "Routes are on-link; every source address is really owned by a scanner namespace, so nothing is dropped as "
      "martian (rp_filter is 0 in the victim anyway). Only documentation ranges are used and no packet leaves the namespaces.")
    w("* `net.netfilter.nf_log_all_netns=1` during the run (restored afterwards): without it the kernel drops LOG output from non-initial namespaces.")
    w("* A small TCP listener (`Scripts/capture/listener.py`) runs in the victim on 22, 80, 443, so allowed ports answer like services.")
    w("* Kernel log reader: no other syslog daemon or journald was running; the script starts its own rsyslogd 8.2302 "
      "(own config, pid file and work dir, module imklog = `/proc/kmsg`), one at a time, with `TZ=Europe/Berlin` "
      "(so RFC 3339 stamps carry `+01:00`), and drains `/proc/kmsg` before each start so files begin with the run.")
    w("* **ufw runs** (`ufw-traditional`, `rfc3339`, `demo`): the real ufw 0.36.2 Debian package run inside the victim "
      "(`ufw --rootdir/--datadir` on a private copy of the package's rules): `default deny incoming`, `logging high`, "
      "`allow log 22/tcp`, `allow 80/tcp`, `allow 443/tcp`, `enable` — run in an empty scratch namespace; then, so that counts are exact, the rate-limited "
      "`[UFW AUDIT] ` rules were deleted and `-m limit --limit 3/min --limit-burst 10` was removed from the remaining LOG "
      "rules (`setup/ufw/iptables.ufw-original.rules` vs `setup/ufw/iptables.rules`), and the result was loaded into the victim with iptables-restore/ip6tables-restore. Consequences visible in the logs: "
      "port 22 gives `[UFW ALLOW] ` lines (new connections only); 80/443 are accepted **without any line**; TCP 139/445 "
      "and UDP 67/68/137/138 and broadcast are dropped **without any line** (ufw after.rules); ICMP echo is accepted "
      "without a line; packets conntrack finds INVALID (FIN/NULL/XMAS probes, unsolicited SYN-ACK/RST-ACK) are logged "
      "**twice**, `[UFW AUDIT INVALID] ` then `[UFW BLOCK] ` (ufw's own rules at level high).")
    w("* **ufw-high run**: the same ufw setup left untouched (real `logging high` with its limits): `[UFW AUDIT] ` lines "
      "for the first packets (limit 3/min, burst 10), `[UFW ALLOW] ` of the per-rule log also limited — counts there "
      "are *not* the number of packets sent.")
    w("* **nftables run**: `Scripts/capture/victim.nft` (table inet filter, policy drop, `counter log prefix \"nft input drop: \" "
      "flags all`, `\"nft invalid drop: \"`, `\"nft ssh accept: \"`, `\"nft icmp accept: \"`); `flags all` adds "
      "`MACSRC=/MACDST=/MACPROTO=` instead of `MAC=`, `SEQ=`/`ACK=` and TCP `OPT (...)`.")
    w("* Rotation (ufw run): real logrotate 3.21 with its own state file and config (`setup/ufw/logrotate.conf`: rotate 4, "
      "compress, delaycompress, sharedscripts, postrotate `kill -HUP` of our rsyslogd), forced with `logrotate -f` after "
      "phases 1, 2 and 3. So phase 1 is in `ufw.log.3.gz`, phase 2 in `ufw.log.2.gz`, phase 3 in `ufw.log.1`, "
      "phase 4 in `ufw.log` (and the same for `rfc3339/kern.log*`).")
    w("* Completeness: before each rotation and at the end the script waited until the number of firewall lines in the "
      "files equalled the packet counters of the kernel's LOG rules (table below).")
    w("")
    w("## Files")
    w("")
    w("| file | envelope | bytes | lines | firewall lines | other lines | by prefix |")
    w("|---|---|---:|---:|---:|---:|---|")
    for rel, s in e["files"].items():
        bp = ", ".join(f"`{md_escape(k)}` {v}" for k, v in s["by_prefix"].items())
        w(f"| `{rel}` | {s['envelope'].split(' — ')[-1]} | {s['bytes']} | {s['lines']} | {s['firewall_lines']} | {s['other_lines']} | {bp} |")
    w("")
    w("Envelopes: " + "; ".join(f"`{k}`: {v}" for k, v in ENVELOPES.items()) + ". "
      "`other lines` are non-firewall kernel messages (bridge/veth state changes when the namespaces were built and torn down) — only in kern.log files.")
    w("")
    w("## Checks: kernel LOG rule counters vs lines in the files")
    w("")
    w("Counts are cumulative over the run (all rotated files together).")
    w("")
    w("| run | when | packets counted by LOG rules | firewall lines in files |")
    w("|---|---|---:|---:|")
    for c in e["checks"]:
        w(f"| {c['run']} | {c['label']} | {c['log_rule_packets']} | {c['lines_in_files']} |")
    w("")
    w("## Scans")
    w("")
    w("`lines` = log lines whose SRC is the scan's source and whose PROTO is the scan's protocol, counted by "
      "summarize.py's parser in the run's primary file set; `grep` = the same count by the shown `zcat -f | grep` "
      "pipeline (run in `Fixtures/captures/`). `packets` = lines not starting with `[UFW AUDIT` (one per packet). "
      "IPv6 addresses appear in the logs in full form (`2001:0db8:0100:0000:0000:0000:0000:0010`).")
    run = None
    for s in e["scans"]:
        if s["run"] != run:
            run = s["run"]
            w("")
            w(f"### run `{run}`")
        w("")
        w(f"#### {s['id']}" + (f" — expected kind `{s['expected_kind']}`" if s["expected_kind"] else " — not a scan"))
        w("")
        w(f"* command (exit {s['exit_status']}): `{s['command']}`")
        w(f"* tool: {s['tool_version'] or s['tool']}; told to send: {s['told']}")
        w(f"* src {', '.join(s['src'])} → dst {', '.join(s['dst'])}, proto {s['proto']}, ports {s['ports'] or '-'}")
        w(f"* **lines {s['lines']}** (grep: {s['grep_check']['count']}{'' if s['grep_check']['agrees'] else ' DISAGREES'}), "
          f"packets {s['packets']}, distinct ports {s['distinct_ports']} ({s['dpt_ranges'] or '-'}), "
          f"distinct dst {s['distinct_dst']}, by prefix: " + ", ".join(f"`{md_escape(k)}` {v}" for k, v in s["by_prefix"].items()))
        extra = []
        if s.get("tcp_flags"):
            extra.append("TCP flags " + ", ".join(f"{k}: {v}" for k, v in s["tcp_flags"].items()))
        if s.get("icmp_types"):
            extra.append("ICMP types " + ", ".join(f"{k}: {v}" for k, v in s["icmp_types"].items()))
        if s.get("ttl"):
            extra.append(f"TTL {s['ttl'] if len(s['ttl']) < 6 else str(s['ttl'][:3])[:-1] + ', … ' + str(s['ttl'][-1]) + ']'}")
        if s.get("hoplimit"):
            extra.append(f"HOPLIMIT {s['hoplimit']}")
        if s.get("window"):
            extra.append(f"WINDOW {s['window'] if len(s['window']) < 6 else str(len(s['window'])) + ' values'}")
        if s.get("ip_id_54321"):
            extra.append(f"ID=54321 on {s['ip_id_54321']} lines")
        if s.get("duration_s") is not None:
            extra.append(f"kernel-time span {s['duration_s']} s")
        if extra:
            w("* " + "; ".join(extra))
        if len(s["lines_by_file"]) > 1:
            w("* lines by file: " + ", ".join(f"`{k}` {v}" for k, v in s["lines_by_file"].items()))
        for sc, v in s["also_in"].items():
            w(f"* same scan in `{sc}/`: {v['lines']} lines (" + ", ".join(f"`{k}` {n}" for k, n in v["lines_by_file"].items()) + ")")
        w(f"* grep: `{s['grep_check']['command']}`")
        if s.get("note"):
            w(f"* note: {s['note']}")
    w("")
    w("## Groups (several scan records that form one behaviour)")
    w("")
    w("| group | kind | sources | dst | lines | distinct ports | port overlap between members | start spread s |")
    w("|---|---|---|---|---:|---:|---:|---:|")
    for g in e["groups"]:
        w(f"| {g['id']} | {g['expected_kind']} | {len(g['src'])}: {', '.join(g['src'][:4])}{' …' if len(g['src']) > 4 else ''} | "
          f"{', '.join(g['dst'][:4])}{' …' if len(g['dst']) > 4 else ''} | {g['lines']} | {g['distinct_ports']} | {g['pairwise_port_overlap']} | {g['start_spread_s']} |")
    w("")
    w("## Lines no scan record explains")
    w("")
    for rel, u in e["unattributed"].items():
        w(f"* `{rel}`: {u['lines']}" + (" — e.g. `" + md_escape(u['samples'][0][:200]) + "`" if u["samples"] else ""))
    w("")
    w("## Limits and what was done instead")
    w("")
    w("* **institutional-scanner**: cannot be produced here (it is recognised by who the source is — research/search-engine "
      "ranges, rDNS — not by packets); no fixture claims it.")
    w("* **returning-recon** and **slow-vertical-scan** are compressed in time: the returning source visits once per "
      "phase (minutes apart, in four different rotated files) and the slow scan sends one probe every 8 s. Real ones "
      "span days/hours; the envelopes carry wall-clock time so the gaps cannot be faked without faking the clock.")
    w("* zmap 2.1.1's default blacklist excludes 192.0.2.0/24 (TEST-NET-1): the script passes an empty blacklist and an "
      "allow-list of exactly 192.0.2.16/28 (plus --max-targets=16).")
    w("* masscan 1.3.2 keeps waiting long after `--wait` in this VM, so it runs under `timeout -s INT 40`; all probes "
      "are sent in the first seconds (count them in the table).")
    w("* nmap was told `--max-retries 0`; the line counts above are what the kernel logged, whatever nmap sent. "
      "nmap still sends extra 'timing ping' SYNs to a port that answered (22 here, new source port each time), "
      "so a 1000-port `-sS` scan has a few more lines than distinct ports; `-sU` sends several payloads to some "
      "ports (nmap-payloads), so UDP lines > distinct ports. Neither is a retransmission of the same probe.")
    w("* hping3 3.0.0-alpha-2 hangs after its last packet in count mode when the interval is given as `-i u1000000`; "
      "the script uses `-i 1` there. hping3 exits 1 when it got no reply (expected: the victim drops).")
    w("* Records that share a source address are told apart by destination (`match` contains `dst`, backscatter) "
      "or by the kernel-time window of the command (`match` contains `time`, returning-recon visits, admin logins); "
      "the `grep` column then adds the same DST or uptime-window filter.")
    w("* ufw's real default (`logging low`) and `medium`/`high` rate-limit logging (3/min, burst 10): see `ufw-high/`. "
      "The other ufw files have the limits removed so that lines = packets.")
    w("* Time stamps: the RFC3164 envelope has no year and no zone; the machine clock said "
      f"{e['date_utc']} and rsyslogd ran with TZ=Europe/Berlin.")
    with open(os.path.join(cap, "MANIFEST.md"), "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    sys.exit(main())
