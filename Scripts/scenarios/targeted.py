"""Targeted events: concentrated on this network, each recorded in truth.json "events"."""

from . import model
from .context import US, count, loguniform, os_stack_rtx, ports_text, weighted
from .packets import Prober

_NMAP_FLAGS = {"SYN": ("SYN",), "FIN": ("FIN",), "NULL": (), "XMAS": ("URG", "PSH", "FIN")}


def n_events(ctx, kind):
    return max(1, count(ctx.rng(f"count:{kind}"), model.EVENTS_PER_WEEK[kind] * ctx.days / 7))


def _top_ports(rng, n):
    """A "top ports" list: the popular TCP ports first, then well-known and registered ports
    (more weight below 1024), like the lists scanners ship."""
    out = []
    for p, proto, _ in sorted(model.POPULAR_PORTS, key=lambda x: -x[2]):
        if proto == "TCP" and p not in out:
            out.append(p)
        if len(out) >= n:
            return out[:n]
    while len(out) < n:
        p = rng.randint(1, 1024) if rng.random() < 0.6 else rng.randint(1025, 10000)
        if p not in out:
            out.append(p)
    return out


def _target(ctx, rng, v6=False):
    h = rng.choice(ctx.hosts)
    return h, (h.v6 if v6 else rng.choice(h.v4))


def _place(ctx, rng, duration_s, margin_s=600):
    """A start time such that [start, start + duration] is inside the log."""
    span = (ctx.end_us - ctx.start_us) / US - duration_s - 2 * margin_s
    return ctx.start_us + int((margin_s + rng.uniform(0, max(span, 0))) * US)


def _new_event(ctx, kind, i, **kw):
    ev = {"id": f"{kind}-{i + 1}", "kind": kind, "class": "targeted"}
    ev.update(kw)
    return ctx.col.add_event(ev)


def _src(ctx, rng, pool, v6=False):
    return ctx.pools.v6(rng, pool, server_like=True) if v6 else ctx.pools.v4(rng, pool)


def _scan_ports(ctx, rng, ev, pr, h, dst, ports, t0, gaps, flags, tool, retry):
    """Probe `ports` in order starting at t0; `gaps` gives the delay (s) before each port.
    nmap re-probes ports that did not answer once, with source port + 1 (not a retransmission:
    another source port); connect() scans get kernel SYN retransmissions."""
    t = t0
    for i, port in enumerate(ports):
        t += int(gaps(i) * US)
        rtx = os_stack_rtx(rng, 0.6, 0.3) if tool in ("linux", "windows") else None
        spec, act = ctx.send(rng, pr, h, t, dst, port, "TCP", flags=flags, rtx=rtx)
        if tool == "nmap" and act == "BLOCK" and rng.random() < retry:
            ctx.send(rng, pr, h, t + int(rng.uniform(1.0, 2.5) * US), dst, port, "TCP",
                     flags=flags, sport=pr.fixed_sport + 1)
    return t


def vertical_scan(ctx):
    """Fast scans of many ports of one address from one source: 1000 ports in ~4 minutes, 100 or
    300 ports, a small one of 20; nmap SYN (sometimes FIN/NULL/XMAS), Masscan, or connect()."""
    kind = "vertical-scan"
    rng = ctx.rng(kind)
    n = n_events(ctx, kind)
    sizes = (1000, 20, 100, 1000, 300, 20, 1000, 100)
    for i in range(n):
        size = ctx.size(sizes[i % len(sizes)], min(20, sizes[i % len(sizes)]))
        v6 = (i == 2) or (i > 2 and rng.random() < 0.2)
        tool = weighted(rng, ("nmap", "masscan", "linux"), (0.65, 0.15, 0.20))
        mode = "SYN"
        if tool == "nmap":
            mode = weighted(rng, ("SYN", "FIN", "NULL", "XMAS"), (0.7, 0.1, 0.1, 0.1))
        if size >= 1000 and rng.random() < 0.5:
            ports = list(range(1, size + 25 if size == 1000 else size + 1))
        else:
            ports = _top_ports(rng, size)
        rng.shuffle(ports)
        per_port = (rng.uniform(3, 6) * 60 / 1000) if size >= 300 else rng.uniform(0.5, 4.0)
        duration = per_port * len(ports)
        h, dst = _target(ctx, rng, v6)
        src = _src(ctx, rng, kind, v6)
        ev = _new_event(ctx, kind, i, sources=[src], targets=[dst], ports=ports_text(ports),
                        protocol="TCP", flags=mode, fingerprint=tool,
                        description=f"{tool} {mode} scan of {len(ports)} ports in "
                                    f"{duration / 60:.1f} min" + (" over IPv6" if v6 else ""))
        ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
        pr = Prober(rng, tool, src, fam=6 if v6 else 4)
        t0 = _place(ctx, rng, duration)
        retry = rng.choice((0.0, 1.0, 0.6)) if tool == "nmap" else 0.0
        _scan_ports(ctx, rng, ev, pr, h, dst, ports, t0,
                    lambda _i: rng.expovariate(1 / per_port), _NMAP_FLAGS[mode], tool, retry)


def slow_vertical_scan(ctx):
    """300 ports at one port every 10-20 minutes (2-3 days); fewer ports when the log is shorter.
    Below every windowed detector: Zeek 15 ports / 5 min, CrowdSec 15 ports leaking 1 / 5 s,
    psad state expiring after 3600 s."""
    kind = "slow-vertical-scan"
    rng = ctx.rng(kind)
    n = n_events(ctx, kind)
    for i in range(n):
        mean_gap = rng.uniform(10, 20) * 60
        avail = (ctx.end_us - ctx.start_us) / US - 3600
        size = max(20, min(ctx.size(300, 20), int(avail * 0.9 / mean_gap)))
        tool = rng.choice(("nmap", "linux"))
        ports = list(range(1, 1025)) if rng.random() < 0.5 else _top_ports(rng, 1000)
        rng.shuffle(ports)
        ports = ports[:size]
        duration = size * mean_gap
        h, dst = _target(ctx, rng)
        src = _src(ctx, rng, kind)
        ev = _new_event(ctx, kind, i, sources=[src], targets=[dst], ports=ports_text(ports),
                        protocol="TCP", flags="SYN", fingerprint=tool,
                        description=f"{tool} scan of {size} ports, one every "
                                    f"{mean_gap / 60:.0f} min on average "
                                    f"({duration / 3600:.1f} h)")
        ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
        pr = Prober(rng, tool, src)
        t0 = _place(ctx, rng, duration, margin_s=300)
        lo, hi = mean_gap * 2 / 3, mean_gap * 4 / 3
        _scan_ports(ctx, rng, ev, pr, h, dst, ports, t0, lambda _i: rng.uniform(lo, hi),
                    ("SYN",), tool, 0.3)


def horizontal_sweep(ctx):
    """One or a few ports across every local address, in address order, fast or slow. Targeted
    by construction: aimed at this network only (every local address, a port open here)."""
    kind = "horizontal-sweep"
    rng = ctx.rng(kind)
    targets = [(h, a) for h in ctx.hosts for a in h.v4]
    if len(targets) < 4:
        ctx.col.skipped.append({"kind": kind, "reason": "needs at least 4 local IPv4 addresses "
                                "(--hosts or --addrs-per-host)"})
        return
    n = n_events(ctx, kind)
    open_ports = sorted(set(p for h in ctx.hosts for p in h.open_ports))
    for i in range(n):
        main = 22 if 22 in open_ports and rng.random() < 0.6 else rng.choice(open_ports)
        extra = [p for p in (2222, 3389, 8443, 8080, 443, 22) if p != main]
        ports = [main] + rng.sample(extra, rng.choice((0, 0, 1, 2)))
        if main not in (22,) and not any(p not in open_ports for p in ports):
            ports.append(8443 if 8443 not in ports else 2222)
        fast = rng.random() < 0.6
        gap = (lambda: rng.uniform(0.02, 1.0)) if fast else (lambda: rng.uniform(20, 300))
        tool = weighted(rng, ("nmap", "linux", "masscan"), (0.5, 0.3, 0.2))
        chosen = [x for x in targets if rng.random() < 0.97] or targets
        src = _src(ctx, rng, kind)
        t0 = _place(ctx, rng, len(chosen) * len(ports) * (1 if fast else 300))
        ev = _new_event(ctx, kind, i, sources=[src], targets=[a for _, a in chosen],
                        ports=ports_text(ports), protocol="TCP", flags="SYN", fingerprint=tool,
                        description=f"{'fast' if fast else 'slow'} sweep of {len(chosen)} local "
                                    f"addresses in order on port(s) {', '.join(map(str, ports))}",
                        rule="targeted: hits (nearly) every local address, in address order, on "
                             "a port open here")
        ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
        pr = Prober(rng, tool, src)
        t = t0
        for (h, a) in sorted(chosen, key=lambda x: tuple(int(o) for o in x[1].split("."))):
            for port in ports:
                t += int(gap() * US)
                rtx = os_stack_rtx(rng) if tool == "linux" else None
                ctx.send(rng, pr, h, t, a, port, "TCP", rtx=rtx)


def service_hammering(ctx):
    """One source, one closed service, hundreds to thousands of attempts with changing source
    ports (real TCP stack: SYN retransmissions). psad never alerts on this."""
    kind = "service-hammering"
    rng = ctx.rng(kind)
    n = n_events(ctx, kind)
    open_ports = set(p for h in ctx.hosts for p in h.open_ports)
    choices = [x for x in model.HAMMER_TARGETS if x[0] not in open_ports]
    for i in range(n):
        port, proto, what = rng.choice(choices)
        attempts = ctx.size(int(loguniform(rng, 300, 3000)), 30)
        avail = (ctx.end_us - ctx.start_us) / US - 2400
        span = min(rng.uniform(3600, 48 * 3600), avail * 0.9)
        sessions = rng.randint(1, 4)
        tool = "windows" if port == 3389 and rng.random() < 0.6 else "linux"
        h, dst = _target(ctx, rng)
        src = _src(ctx, rng, kind)
        ev = _new_event(ctx, kind, i, sources=[src], targets=[dst], ports=[port], protocol=proto,
                        flags="SYN" if proto == "TCP" else None, fingerprint=tool,
                        description=f"{attempts} attempts on {what} ({port}/{proto.lower()}) in "
                                    f"{sessions} session(s) over {span / 3600:.1f} h")
        ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
        pr = Prober(rng, tool, src)
        t0 = _place(ctx, rng, span)
        # sessions: equal slices of the span, each busy for part of its slice
        per = [attempts // sessions + (1 if k < attempts % sessions else 0) for k in range(sessions)]
        p_rtx = rng.uniform(0.2, 0.6)
        sip_sport = rng.choice((5060, 5061, rng.randint(1024, 65535)))
        for k in range(sessions):
            s0 = t0 + int(span * k / sessions * US)
            busy = span / sessions * rng.uniform(0.3, 1.0)
            times = sorted(s0 + int(rng.uniform(0, busy) * US) for _ in range(per[k]))
            for t in times:
                if proto == "UDP":
                    ctx.send(rng, pr, h, t, dst, port, "UDP", sport=sip_sport)
                else:
                    ctx.send(rng, pr, h, t, dst, port, "TCP", rtx=os_stack_rtx(rng, p_rtx, 0.4))


def distributed_scan(ctx):
    """4-20 sources of one /24 (or sharing one fingerprint) split a port range of one address
    between them, close in time, with little overlap (Gates 2006)."""
    kind = "distributed-scan"
    rng = ctx.rng(kind)
    n = n_events(ctx, kind)
    for i in range(n):
        members = rng.randint(4, 20)
        lo, hi = rng.choice(((1, 1024), (1, 5000), (1, 5000), (1, 10000), (1024, 5000)))
        hi = lo - 1 + ctx.size(hi - lo + 1, 10 * members)
        ports = list(range(lo, hi + 1))
        split = rng.choice(("contiguous", "stripes", "random"))
        if split == "contiguous":
            size = len(ports) // members
            parts = [ports[k * size:(k + 1) * size] if k < members - 1 else ports[k * size:]
                     for k in range(members)]
        elif split == "stripes":
            parts = [ports[k::members] for k in range(members)]
        else:
            shuffled = ports[:]
            rng.shuffle(shuffled)
            parts = [shuffled[k::members] for k in range(members)]
        overlap = rng.uniform(0.0, 0.03)
        n_dup = int(len(ports) * overlap)
        for _ in range(n_dup):
            k = rng.randrange(members)
            parts[k].append(rng.choice(parts[(k + 1) % members]))
        parts = [list(dict.fromkeys(p)) for p in parts]      # a member probes a port once
        same24 = rng.random() < 0.7
        tool = rng.choice(("nmap", "masscan")) if same24 else "custom"
        h, dst = _target(ctx, rng)
        if same24:
            prefix = ctx.pools.claim24(rng, kind, f"{kind}-{i + 1}")
            first = rng.randint(1, 254 - members)
            srcs = [ctx.pools.v4_in24(prefix, first + k) for k in range(members)]
        else:
            srcs = [ctx.pools.v4(rng, kind) for _ in range(members)]
        spread = rng.uniform(60, 600)
        durations = [rng.uniform(600, 3 * 3600) for _ in range(members)]
        t0 = _place(ctx, rng, spread + max(durations))
        shared = {"window": rng.choice((5840, 14600, 4128, 512, 29200)),
                  "ttl_init": rng.choice((64, 128))}
        ev = _new_event(ctx, kind, i, sources=srcs, targets=[dst], ports=f"{lo}-{hi}",
                        protocol="TCP", flags="SYN", fingerprint=tool,
                        description=f"{members} sources "
                                    f"{'of one /24' if same24 else 'sharing one fingerprint'} "
                                    f"split {lo}-{hi} ({split}, {overlap * 100:.1f}% overlap)",
                        split=split,
                        member_ports={s: ports_text(p) if split == "contiguous" else len(set(p))
                                      for s, p in zip(srcs, parts)})
        for k, (src, part) in enumerate(zip(srcs, parts)):
            ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
            if tool == "custom":
                pr = Prober(rng, "custom", src, sport=rng.randint(30000, 60000), **shared)
            else:
                pr = Prober(rng, tool, src)
            rng.shuffle(part)
            start = t0 + int(rng.uniform(0, spread) * US)
            gap = durations[k] / max(1, len(part))
            _scan_ports(ctx, rng, ev, pr, h, dst, part, start,
                        lambda _i: rng.expovariate(1 / gap), ("SYN",), tool, 0.0)


def returning_recon(ctx):
    """One source back on 3+ different days to the same few ports (often the open ones)."""
    kind = "returning-recon"
    rng = ctx.rng(kind)
    if ctx.days < 3:
        ctx.col.skipped.append({"kind": kind, "reason": "needs --days 3 or more"})
        return
    n = n_events(ctx, kind)
    for i in range(n):
        n_days = rng.randint(3, min(ctx.days, 6))
        days = sorted(rng.sample(range(ctx.days), n_days))
        ports = [22] + rng.sample(model.RECON_PORT_CHOICES, rng.randint(1, 3))
        tool = rng.choice(("linux", "linux", "nmap"))
        h, dst = _target(ctx, rng)
        src = _src(ctx, rng, kind)
        ev = _new_event(ctx, kind, i, sources=[src], targets=[dst], ports=sorted(ports),
                        protocol="TCP", flags="SYN", fingerprint=tool,
                        description=f"back on {n_days} days to ports "
                                    f"{', '.join(map(str, sorted(ports)))}",
                        days=[d + 1 for d in days])
        ctx.col.register(src, "targeted", kind, event=ev["id"], profile=tool)
        pr = Prober(rng, tool, src)
        hour = rng.uniform(1, 22)
        for d in days:
            if tool == "nmap":
                pr = Prober(rng, "nmap", src, hops=pr.hops)     # a new run: a new source port
            t = ctx.day_start(d) + int((hour * 3600 + rng.uniform(-5400, 5400)) * US)
            order = ports[:]
            rng.shuffle(order)
            for port in order:
                t += int(rng.uniform(0.2, 5.0) * US)
                rtx = os_stack_rtx(rng) if tool == "linux" else None
                ctx.send(rng, pr, h, t, dst, port, "TCP", rtx=rtx)
