"""Writes the log (time order, syslog envelope) and truth.json from what was actually written."""

import datetime
import json

from .collect import AUDIT_COPY, INBOUND, KERNEL, OUTBOUND, SYSTEM
from .context import US

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PREFIX = {"BLOCK": "[UFW BLOCK] ", "ALLOW": "[UFW ALLOW] ", "AUDIT": "[UFW AUDIT] "}
RETRANS_WINDOW_US = 3_500_000   # a copy within 3.5 s of the previous one is a retransmission


def rfc3339(t_us, frac=True):
    d = datetime.datetime.fromtimestamp(t_us // US, tz=datetime.timezone.utc)
    s = d.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{s}.{t_us % US:06d}Z" if frac else s + "Z"


class _Envelope:
    def __init__(self, style, uptime):
        self.style = style
        self.uptime = uptime
        self._sec = None
        self._stamp = None

    def stamp(self, t_us):
        sec = t_us // US
        if self.style == "rfc3339":
            if sec != self._sec:
                d = datetime.datetime.fromtimestamp(sec, tz=datetime.timezone.utc)
                self._sec, self._stamp = sec, d.strftime("%Y-%m-%dT%H:%M:%S")
            return f"{self._stamp}.{t_us % US:06d}+00:00"
        if sec != self._sec:
            d = datetime.datetime.fromtimestamp(sec, tz=datetime.timezone.utc)
            self._sec = sec
            self._stamp = f"{_MONTHS[d.month - 1]} {d.day:2d} {d.hour:02d}:{d.minute:02d}:{d.second:02d}"
        return self._stamp


def _rate_limited(packets, hosts):
    """ufw's `-m limit --limit 3/min --limit-burst 10` (logging levels low/medium), one bucket per
    host and prefix. Returns the set of seq numbers that are not written."""
    dropped = set()
    buckets = {}
    for (t, seq, hi, action, _b, _s, _g, flags) in packets:
        if action is None:
            continue
        key = (hi, action, bool(flags & OUTBOUND))
        tokens, last = buckets.get(key, (10.0, t))
        tokens = min(10.0, tokens + (t - last) / (20 * US))
        if tokens >= 1.0:
            buckets[key] = (tokens - 1.0, t)
        else:
            buckets[key] = (tokens, t)
            dropped.add(seq)
    return dropped


def write(ctx, out_dir, cfg, params):
    col = ctx.col
    hosts = ctx.hosts
    packets = col.packets
    packets.sort(key=lambda p: (p[0], p[1]))
    dropped = _rate_limited(packets, hosts) if cfg.rate_limit else set()

    env = _Envelope(cfg.envelope, cfg.uptime)
    counts = {"lines": 0, "firewall_lines": 0, "non_firewall_lines": 0, "probes": 0,
              "retransmissions": 0, "unique_probes": 0, "block_lines": 0, "allow_lines": 0,
              "audit_lines": 0, "outbound_lines": 0, "suppressed_by_rate_limit": 0}
    per_src = {}
    last_copy = {}          # retransmission key -> time of the last written copy
    src_meta = col.sources
    out_path = out_dir / "ufw.log"
    with open(out_path, "w", encoding="ascii", newline="\n") as f:
        buf = []
        for (t, seq, hi, action, text, src, key, flags) in packets:
            h = hosts[hi]
            if seq in dropped:
                counts["suppressed_by_rate_limit"] += 1
                if src is not None and flags & INBOUND and not flags & AUDIT_COPY:
                    st = per_src.setdefault(src, _new_stat())
                    st["suppressed"] += 1
                continue
            stamp = env.stamp(t)
            if flags & KERNEL:
                up = t - h.boot_us
                kern = f"kernel: [{up // US:5d}.{up % US:06d}] " if cfg.uptime else "kernel: "
            if flags & SYSTEM:
                if flags & KERNEL:
                    line = f"{stamp} {h.name} {kern}{text}"
                else:
                    line = f"{stamp} {h.name} {src}: {text}"
                counts["non_firewall_lines"] += 1
            else:
                line = f"{stamp} {h.name} {kern}{_PREFIX[action]}{text}"
                counts["firewall_lines"] += 1
                if flags & OUTBOUND:
                    counts["outbound_lines"] += 1
                elif flags & AUDIT_COPY:
                    counts["audit_lines"] += 1
                    st = per_src.setdefault(src, _new_stat())
                    st["audit_lines"] += 1
                    _seen(st, t)
                else:
                    counts["probes"] += 1
                    counts["block_lines" if action == "BLOCK" else "allow_lines"] += 1
                    st = per_src.setdefault(src, _new_stat())
                    st["probes"] += 1
                    _seen(st, t)
                    if key is not None:
                        prev = last_copy.get(key)
                        if prev is not None and t - prev <= RETRANS_WINDOW_US:
                            st["retransmissions"] += 1
                            counts["retransmissions"] += 1
                        last_copy[key] = t
                if flags & OUTBOUND and action == "AUDIT":
                    counts["audit_lines"] += 1
            counts["lines"] += 1
            buf.append(line)
            if len(buf) >= 8192:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")
    counts["unique_probes"] = counts["probes"] - counts["retransmissions"]
    truth = _truth(ctx, cfg, params, counts, per_src)
    with open(out_dir / "truth.json", "w", encoding="ascii", newline="\n") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    return truth


def _new_stat():
    return {"probes": 0, "retransmissions": 0, "audit_lines": 0, "suppressed": 0,
            "first": None, "last": None}


def _seen(st, t):
    if st["first"] is None:
        st["first"] = t
    st["last"] = t


def _truth(ctx, cfg, params, counts, per_src):
    col = ctx.col
    sources = {}
    by_kind, by_class = {}, {}
    for src, st in per_src.items():
        if st["probes"] == 0 and st["audit_lines"] == 0:
            continue          # every line of this source was suppressed by the rate limit
        meta = col.sources[src]
        entry = {"class": meta["class"], "kind": meta["kind"], "event": meta["event"],
                 "probes": st["probes"], "retransmissions": st["retransmissions"]}
        for k in ("profile", "group"):
            if k in meta:
                entry[k] = meta[k]
        if st["audit_lines"]:
            entry["audit_lines"] = st["audit_lines"]
        if st["suppressed"]:
            entry["suppressed"] = st["suppressed"]
        entry["first"] = rfc3339(st["first"])
        entry["last"] = rfc3339(st["last"])
        sources[src] = entry
        for table, key in ((by_kind, meta["kind"]), (by_class, meta["class"])):
            agg = table.setdefault(key, {"sources": 0, "probes": 0, "retransmissions": 0})
            agg["sources"] += 1
            agg["probes"] += st["probes"]
            agg["retransmissions"] += st["retransmissions"]
    counts["sources"] = len(sources)
    counts["by_class"] = dict(sorted(by_class.items()))
    counts["by_kind"] = dict(sorted(by_kind.items()))

    events = []
    for ev in col.events:
        members = [s for s in ev["sources"] if s in sources]
        if not members:
            continue
        e = dict(ev)
        e["sources"] = members
        e["probes"] = sum(sources[s]["probes"] for s in members)
        e["retransmissions"] = sum(sources[s]["retransmissions"] for s in members)
        e["start"] = min(sources[s]["first"] for s in members)
        e["end"] = max(sources[s]["last"] for s in members)
        if "member_ports" in e:
            e["member_ports"] = {s: v for s, v in e["member_ports"].items() if s in sources}
        events.append(e)
    groups = []
    for g in col.groups:
        members = [s for s in g["sources"] if s in sources]
        if not members:
            continue
        e = dict(g)
        e["sources"] = members
        e["probes"] = sum(sources[s]["probes"] for s in members)
        e["start"] = min(sources[s]["first"] for s in members)
        e["end"] = max(sources[s]["last"] for s in members)
        groups.append(e)

    hosts = [{"name": h.name, "interface": h.iface, "addresses": h.addresses(),
              "open_ports": list(h.open_ports), "uptime_at_start_s": (ctx.start_us - h.boot_us) // US}
             for h in ctx.hosts]
    return {
        "generator": "Scripts/generate-scenarios.py",
        "format_version": 1,
        "seed": cfg.seed,
        "days": cfg.days,
        "scale": cfg.scale,
        "start": rfc3339(ctx.start_us, frac=False),
        "end": rfc3339(ctx.end_us, frac=False),
        "params": params,
        "hosts": hosts,
        "local_addresses": [a for h in ctx.hosts for a in h.addresses()],
        "open_ports": sorted(set(p for h in ctx.hosts for p in h.open_ports)),
        "allow_log_fraction": {str(p): cfg.allow_log.get(p, cfg.default_allow_log)
                               for p in sorted(set(p for h in ctx.hosts for p in h.open_ports))},
        "outbound_peers": sorted(a for v in getattr(ctx, "outbound_peers", {}).values() for a in v),
        "definitions": {
            "probes": "inbound [UFW BLOCK] and [UFW ALLOW] lines from a remote source (IN=<if> "
                      "OUT= ); each line counts once, retransmissions included",
            "retransmissions": "TCP probe lines repeating an earlier probe line of the same source "
                               "with the same destination, source port, destination port and TCP "
                               "flags, within 3.5 s of the previous copy; unique_probes = probes - "
                               "retransmissions",
            "audit_lines": "[UFW AUDIT] lines: a copy of the next line's packet (inbound) or of an "
                           "outbound new connection; never probes",
            "sources": "every address that is SRC= of an inbound firewall line (outer header for "
                       "ICMP errors), IPv6 in the kernel's uncompressed form",
        },
        "counts": counts,
        "skipped_kinds": col.skipped,
        "events": events,
        "groups": groups,
        "sources": sources,
    }
