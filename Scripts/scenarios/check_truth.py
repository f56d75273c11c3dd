#!/usr/bin/env python3
"""Independent check of a generated scenario: re-reads DIR/ufw.log with its own parser (nothing
imported from the generator) and compares what it counts with DIR/truth.json.

    python3 Scripts/scenarios/check_truth.py DIR [DIR ...]

Checks: line counts (all, firewall, non-firewall, probes, AUDIT, outbound); per-source probes
and retransmissions (timed on the kernel uptime, or the RFC 3339 envelope; with --no-uptime and
the traditional envelope only to the second, so expect small differences there); per-kind and per-event sums; that every source in the log is in the truth
and the reverse; time order (envelope and per-host uptime); kernel-line layout (trailing space,
14-byte MAC on inbound lines, no MAC on outbound lines, uncompressed IPv6, remote sources outside
private ranges). Exit status 1 on any mismatch.
"""

import datetime
import ipaddress
import json
import re
import sys

MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
TRAD = re.compile(r"^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) (.*)$")
ISO = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\+00:00 (\S+) (.*)$")
UPTIME = re.compile(r"^kernel: \[ *(\d+)\.(\d{6})\] (.*)$")
UFW = re.compile(r"^\[UFW (BLOCK|ALLOW|AUDIT)\] IN=(\S*) OUT=(\S*) (.*)$")
FLAGS = ("CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN")
PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                             "127.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16")]


def parse_fields(rest):
    """Outer header fields only (stops at a nested ICMP '[' block)."""
    outer = rest.split(" [", 1)[0]
    toks = outer.split(" ")
    kv, flags = {}, []
    for tok in toks:
        if "=" in tok:
            k, v = tok.split("=", 1)
            kv.setdefault(k, v)          # first occurrence: IP LEN, not UDP LEN
        elif tok in FLAGS:
            flags.append(tok)
    return kv, tuple(flags)


def check(dirpath):
    errors = []

    def err(msg):
        if len(errors) < 40:
            errors.append(msg)

    truth = json.load(open(f"{dirpath}/truth.json"))
    year = int(truth["start"][:4])
    local = set(truth["local_addresses"])
    c = dict(lines=0, firewall=0, nonfw=0, probes=0, retrans=0, audit=0, outbound=0,
             block=0, allow=0)
    per_src = {}
    last_copy = {}
    last_t = None
    last_up = {}
    with open(f"{dirpath}/ufw.log", "rb") as f:
        data = f.read()
    if not data.endswith(b"\n"):
        err("file does not end with a newline")
    for n, raw in enumerate(data.decode("ascii").split("\n")[:-1], 1):
        c["lines"] += 1
        m = ISO.match(raw)
        if m:
            t = datetime.datetime.fromisoformat(m.group(1) + "+00:00").timestamp()
            host, msg = m.group(2), m.group(3)
        else:
            m = TRAD.match(raw)
            if not m:
                err(f"line {n}: no syslog envelope: {raw[:80]}")
                continue
            mon, day, hh, mm, ss, host, msg = m.groups()
            t = datetime.datetime(year, MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                                  tzinfo=datetime.timezone.utc).timestamp()
        if last_t is not None and t < last_t:
            err(f"line {n}: time goes backwards")
        last_t = t
        um = UPTIME.match(msg)
        if um:
            up = int(um.group(1)) + int(um.group(2)) / 1e6
            if host in last_up and up < last_up[host]:
                err(f"line {n}: uptime goes backwards on {host}")
            last_up[host] = up
            t_precise = up                  # per-host precise clock for retransmission gaps
            msg = um.group(3)
        else:
            t_precise = t
            if msg.startswith("kernel: "):
                msg = msg[len("kernel: "):]
        fm = UFW.match(msg)
        if not fm:
            if "[UFW " in msg:
                err(f"line {n}: unparsed UFW line")
            c["nonfw"] += 1
            continue
        c["firewall"] += 1
        action, iface_in, iface_out, rest = fm.groups()
        if not raw.endswith(" "):
            err(f"line {n}: firewall line without trailing space")
        kv, flags = parse_fields(rest)
        src, dst = kv.get("SRC"), kv.get("DST")
        if "::" in src or "::" in dst:
            err(f"line {n}: compressed IPv6 address")
        if iface_in == "":
            c["outbound"] += 1
            if "MAC" in kv:
                err(f"line {n}: MAC= on an outbound line")
            if action == "AUDIT":
                c["audit"] += 1
            if src not in local:
                err(f"line {n}: outbound line from a non-local address {src}")
            continue
        mac = kv.get("MAC", "")
        if len(mac.split(":")) != 14:
            err(f"line {n}: MAC is not 14 bytes")
        if dst not in local:
            err(f"line {n}: inbound line to a non-local address {dst}")
        if ":" not in src and any(ipaddress.ip_address(src) in p for p in PRIVATE):
            err(f"line {n}: private source {src}")
        st = per_src.setdefault(src, {"probes": 0, "retransmissions": 0, "audit": 0})
        if action == "AUDIT":
            c["audit"] += 1
            st["audit"] += 1
            continue
        c["probes"] += 1
        c["block" if action == "BLOCK" else "allow"] += 1
        st["probes"] += 1
        if kv.get("PROTO") == "TCP" and "SPT" in kv:
            key = (host, src, dst, kv.get("SPT"), kv.get("DPT"), flags)
            prev = last_copy.get(key)
            if prev is not None and t_precise - prev <= 3.5:
                st["retransmissions"] += 1
                c["retrans"] += 1
            last_copy[key] = t_precise

    tc = truth["counts"]
    pairs = (("lines", "lines"), ("firewall_lines", "firewall"), ("non_firewall_lines", "nonfw"),
             ("probes", "probes"), ("retransmissions", "retrans"), ("audit_lines", "audit"),
             ("outbound_lines", "outbound"), ("block_lines", "block"), ("allow_lines", "allow"))
    for tk, ck in pairs:
        if tc[tk] != c[ck]:
            err(f"counts.{tk}: truth {tc[tk]} != log {c[ck]}")
    if tc["unique_probes"] != c["probes"] - c["retrans"]:
        err("counts.unique_probes mismatch")
    ts = truth["sources"]
    for s in per_src:
        if s not in ts:
            err(f"source {s} in the log but not in truth")
    for s, e in ts.items():
        got = per_src.get(s)
        if got is None:
            err(f"source {s} in truth but not in the log")
            continue
        if e["probes"] != got["probes"] or e["retransmissions"] != got["retransmissions"]:
            err(f"source {s}: truth {e['probes']}/{e['retransmissions']} != log "
                f"{got['probes']}/{got['retransmissions']}")
        if e.get("audit_lines", 0) != got["audit"]:
            err(f"source {s}: audit lines differ")
    kinds = {}
    for s, e in ts.items():
        k = kinds.setdefault(e["kind"], [0, 0, 0])
        k[0] += 1
        k[1] += per_src.get(s, {}).get("probes", 0)
        k[2] += per_src.get(s, {}).get("retransmissions", 0)
    for kind, agg in tc["by_kind"].items():
        if [agg["sources"], agg["probes"], agg["retransmissions"]] != kinds.get(kind):
            err(f"by_kind {kind}: truth {agg} != log {kinds.get(kind)}")
    for ev in truth["events"]:
        got = sum(per_src[s]["probes"] for s in ev["sources"])
        if got != ev["probes"]:
            err(f"event {ev['id']}: truth {ev['probes']} != log {got}")
        for s in ev["sources"]:
            if ts[s]["event"] != ev["id"] or ts[s]["class"] != "targeted":
                err(f"event {ev['id']}: source {s} not marked as its member")
    return c, errors, kinds


def main(argv):
    status = 0
    for d in argv:
        c, errors, kinds = check(d)
        print(f"{d}: {c['lines']} lines, {c['firewall']} firewall, {c['nonfw']} other, "
              f"{c['probes']} probes ({c['block']} BLOCK, {c['allow']} ALLOW), "
              f"{c['retrans']} retransmissions, {c['audit']} AUDIT, {c['outbound']} outbound")
        for k in sorted(kinds):
            print(f"  {k:22s} sources {kinds[k][0]:6d}  probes {kinds[k][1]:7d}  "
                  f"retransmissions {kinds[k][2]:5d}")
        if errors:
            status = 1
            for e in errors:
                print("  MISMATCH: " + e)
        else:
            print("  OK: truth.json matches the log")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) if len(sys.argv) > 1 else (print(__doc__) or 2))
