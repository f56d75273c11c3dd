"""Background: mass scanners and botnets, institutional scanners, backscatter."""

from . import model
from .context import (US, count, loguniform, os_stack_rtx, poisson, popular_port,
                      random_port, weighted)
from .packets import Prober

# profile -> (share of one-shot sweep sources, coverage model)
_SWEEP_PROFILES = ("zmap", "zmap41", "masscan", "mirai", "nmap", "linux", "windows")
_SWEEP_WEIGHTS = (0.20, 0.05, 0.30, 0.15, 0.05, 0.15, 0.10)


def _coverage(rng, profile):
    """Share of IPv4 a source's scan covers: each local address is hit with this probability.
    Durumeric 2014: most probe traffic comes from scans of >= 1% of IPv4; ZMap/Masscan runs
    usually cover all of it, bots scan random addresses."""
    if profile in ("zmap", "zmap41", "masscan"):
        return rng.uniform(0.9, 1.0) if rng.random() < 0.7 else rng.uniform(0.05, 0.5)
    return rng.uniform(0.02, 0.4)


_MEAN_COVERAGE = (0.20 * (0.7 * 0.95 + 0.3 * 0.275) + 0.05 * (0.7 * 0.95 + 0.3 * 0.275)
                  + 0.30 * (0.7 * 0.95 + 0.3 * 0.275) + (0.15 + 0.05 + 0.15 + 0.10) * 0.21)


def _sweep_ports(rng, profile, k):
    ports = []
    while len(ports) < k:
        if profile == "mirai":
            p = (23, "TCP") if rng.random() < 0.9 else (2323, "TCP")
        elif profile in ("linux", "windows"):
            p = (rng.choice(model.SERVICE_BOT_PORTS), "TCP")
        elif rng.random() < 0.6:
            p = popular_port(rng)
        else:
            p = random_port(rng)
        if p not in ports:
            ports.append(p)
        if profile == "mirai":
            break
    return ports


def background_sweep(ctx):
    """One-shot sources: 1-3 ports in one or two short visits, same behaviour against every local
    address; plus rotating sources on dormant ports, scanning hosters and a port surge."""
    rng = ctx.rng("background-sweep")
    col, pools = ctx.col, ctx.pools
    for day in range(ctx.days):
        per_addr = model.SWEEP_SOURCES_PER_ADDR_DAY * ctx.scale * ctx.day_factor(day)
        n_cand = count(rng, per_addr / _MEAN_COVERAGE)
        for _ in range(n_cand):
            profile = weighted(rng, _SWEEP_PROFILES, _SWEEP_WEIGHTS)
            c = _coverage(rng, profile)
            hit = [(h, a) for (h, a) in ctx.v4_targets if rng.random() < c]
            if not hit:
                continue
            src = pools.v4(rng, "background-sweep")
            col.register(src, "background", "background-sweep", profile=profile)
            pr = Prober(rng, profile, src)
            full = c > 0.85
            span = loguniform(rng, 300, 12 * 3600) if full else rng.uniform(60, 6 * 3600)
            k = weighted(rng, (1, 2, 3), (0.75, 0.17, 0.08))
            ports = _sweep_ports(rng, profile, k)
            visits = [ctx.day_start(day) + int(rng.uniform(0, 86400) * US)]
            if rng.random() < 0.25:
                visits.append(visits[0] + int(rng.uniform(2 * 3600, 36 * 3600) * US))
            for vi, v0 in enumerate(visits):
                if vi > 0 and rng.random() < 0.5:
                    ports = _sweep_ports(rng, profile, k)
                for (h, a) in hit:
                    base = v0 + int(rng.uniform(0, span) * US)
                    for pi, (port, proto) in enumerate(ports):
                        t = base + (0 if pi == 0 else int(rng.uniform(0.05, 30) * US))
                        rtx = os_stack_rtx(rng) if profile in ("linux", "windows") else None
                        ctx.send(rng, pr, h, t, a, port, proto, rtx=rtx)
        _ipv6_day(ctx, rng, day)
    _dormant(ctx)
    _hosters(ctx)
    _surges(ctx)


def _ipv6_day(ctx, rng, day):
    for h in ctx.hosts:
        n = count(rng, model.IPV6_SOURCES_PER_HOST_DAY * ctx.scale * ctx.day_factor(day))
        for _ in range(n):
            profile = weighted(rng, ("linux", "zmap", "masscan"), (0.5, 0.2, 0.3))
            src = ctx.pools.v6(rng, "background-sweep")
            ctx.col.register(src, "background", "background-sweep", profile=profile + "-ipv6")
            pr = Prober(rng, profile, src, fam=6)
            t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
            for pi, (port, proto) in enumerate(_sweep_ports(rng, "zmap", rng.choice((1, 1, 2)))):
                proto = "TCP"
                rtx = os_stack_rtx(rng) if profile == "linux" else None
                ctx.send(rng, pr, h, t + pi * int(rng.uniform(0.1, 20) * US), h.v6, port, proto,
                         rtx=rtx)


def _dormant(ctx):
    """Ports.md: 3089, 3706, 3126 get dozens of probes a day from rotating IPs. One tool
    (a shared fingerprint), a fresh address for every probe."""
    rng = ctx.rng("dormant-rotation")
    for port in model.DORMANT_PORTS:
        gid = f"dormant-{port}"
        sport = rng.randint(40000, 65000)
        ttl_init = rng.choice((255, 64))
        srcs = []
        for day in range(ctx.days):
            for (h, a) in ctx.v4_targets:
                n = poisson(rng, model.DORMANT_PROBES_PER_PORT_DAY * ctx.scale * ctx.day_factor(day))
                for _ in range(n):
                    src = ctx.pools.v4(rng, "background-sweep")
                    ctx.col.register(src, "background", "background-sweep",
                                     profile="dormant-rotation", group=gid)
                    pr = Prober(rng, "masscan", src, sport=sport, ttl_init=ttl_init)
                    t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                    ctx.send(rng, pr, h, t, a, port, "TCP")
                    srcs.append(src)
        ctx.col.add_group({"id": gid, "kind": "background-sweep", "profile": "dormant-rotation",
                           "description": f"rotating sources, one probe each, on dormant port {port}",
                           "sources": srcs, "ports": [port]})


def _hosters(ctx):
    """Scanning hosters (teliten: 79.124.62.0/24, Masscan-like, shared fixed source port):
    5-30 addresses of one /24, each active a few days, random ports on every local address."""
    rng = ctx.rng("hosters")
    n_groups = rng.randint(2, 4)
    shares = [rng.uniform(0.5, 1.5) for _ in range(n_groups)]
    total = sum(shares)
    for g in range(n_groups):
        gid = f"hoster-{g + 1}"
        prefix = ctx.pools.claim24(rng, "background-sweep", gid)
        n_ips = rng.randint(5, 30)
        octets = sorted(rng.sample(range(1, 255), n_ips))
        sport_base = rng.randint(40000, 60000)
        lines_per_addr_day = model.HOSTER_LINES_PER_ADDR_DAY * ctx.scale * shares[g] / total
        members = []
        for j, o in enumerate(octets):
            src = ctx.pools.v4_in24(prefix, o)
            ctx.col.register(src, "background", "background-sweep", profile="hoster", group=gid)
            length = rng.randint(1, ctx.days)
            first = rng.randint(0, ctx.days - length)
            members.append((src, Prober(rng, "masscan", src, sport=sport_base + j % 3, length=40),
                            range(first, first + length)))
        active_per_day = sum(len(m[2]) for m in members) / ctx.days
        lam = lines_per_addr_day / max(active_per_day, 1e-9)
        for src, pr, days in members:
            for day in days:
                for (h, a) in ctx.v4_targets:
                    for _ in range(poisson(rng, lam * ctx.day_factor(day))):
                        if rng.random() < 0.75:
                            port, proto = rng.randint(1, 65535), "TCP"
                        else:
                            port, proto = popular_port(rng)
                        t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                        ctx.send(rng, pr, h, t, a, port, proto)
        ctx.col.add_group({"id": gid, "kind": "background-sweep", "profile": "hoster",
                           "description": "scanning hoster: one /24, Masscan-like, shared source "
                                          "port, random ports on every local address",
                           "sources": [m[0] for m in members], "network": prefix + ".0/24"})


def _surges(ctx):
    """A port that suddenly gets many new sources on one day (a new exploit), on every address."""
    rng = ctx.rng("surges")
    n = count(rng, model.SURGES_PER_WEEK * ctx.days / 7)
    for i in range(n):
        port = rng.choice(model.SURGE_PORTS)
        day = rng.randrange(ctx.days)
        gid = f"surge-{port}-day{day + 1}"
        srcs = []
        n_src = count(rng, model.SURGE_SOURCES_PER_ADDR * ctx.scale / 0.8)
        for _ in range(n_src):
            hit = [(h, a) for (h, a) in ctx.v4_targets if rng.random() < 0.8]
            if not hit:
                continue
            profile = weighted(rng, ("linux", "masscan", "mirai", "zmap"), (0.4, 0.3, 0.2, 0.1))
            src = ctx.pools.v4(rng, "background-sweep")
            ctx.col.register(src, "background", "background-sweep", profile="surge", group=gid)
            pr = Prober(rng, profile, src)
            # arrivals rise through the day: triangular, peak late
            t0 = ctx.day_start(day) + int(rng.triangular(0, 86400, 64800) * US)
            for (h, a) in hit:
                t = t0 + int(rng.uniform(0, 1800) * US)
                rtx = os_stack_rtx(rng) if profile == "linux" else None
                ctx.send(rng, pr, h, t, a, port, "TCP", rtx=rtx)
            srcs.append(src)
        ctx.col.add_group({"id": gid, "kind": "background-sweep", "profile": "surge",
                           "description": f"many new sources on port {port} during day {day + 1} "
                                          "(exploit wave), every local address alike",
                           "sources": srcs, "ports": [port]})


# --- institutional scanners ---------------------------------------------------------------------------
_INSTITUTIONS = (
    ("search-engine", "zmap41"), ("research", "zmap"), ("security-company", "censys"),
    ("search-engine", "censys"), ("research", "zmap"), ("security-company", "masscan"),
)


def institutional(ctx):
    """A few networks (a /24 each, 3-8 scanning addresses), steady rate over every day, ports
    drawn from the whole range, every local address alike (Griffioen et al. 2024)."""
    rng = ctx.rng("institutional-scanner")
    n_nets = rng.randint(3, 5)
    insts = rng.sample(_INSTITUTIONS, n_nets)
    other = (model.SWEEP_SOURCES_PER_ADDR_DAY * 1.45 + model.HOSTER_LINES_PER_ADDR_DAY
             + len(model.DORMANT_PORTS) * model.DORMANT_PROBES_PER_PORT_DAY)
    share = model.INSTITUTIONAL_SHARE
    lines_per_addr_day = other * share / (1 - share) * ctx.scale
    nets = []
    for k, (org, profile) in enumerate(insts):
        gid = f"institutional-{k + 1}"
        prefix = ctx.pools.claim24(rng, "institutional-scanner", gid)
        n_ips = rng.randint(3, 8)
        first = rng.randint(1, 254 - n_ips)
        hops = rng.randint(8, 20)
        ips = []
        for j in range(n_ips):
            src = ctx.pools.v4_in24(prefix, first + j)
            ctx.col.register(src, "background", "institutional-scanner", profile=profile, group=gid)
            ips.append((src, Prober(rng, profile, src, hops=hops)))
        nets.append((gid, org, profile, prefix, ips))
    total_ips = sum(len(n[4]) for n in nets)
    lam = lines_per_addr_day / total_ips
    for gid, org, profile, prefix, ips in nets:
        for src, pr in ips:
            for day in range(ctx.days):
                if rng.random() < 0.1:
                    continue        # an address idle for a day
                for (h, a) in ctx.v4_targets:
                    for _ in range(poisson(rng, lam * ctx.day_factor(day))):
                        r = rng.random()
                        if r < 0.85:
                            port, proto = rng.randint(1, 65535), "TCP"
                        elif r < 0.95:
                            port, proto = popular_port(rng)
                        else:
                            port, proto = rng.randint(1, 65535), "UDP"
                        t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                        ctx.send(rng, pr, h, t, a, port, proto)
        ctx.col.add_group({"id": gid, "kind": "institutional-scanner", "profile": profile,
                           "description": f"{org} scanner network, steady rate, whole port range",
                           "network": prefix + ".0/24", "sources": [s for s, _ in ips]})


# --- backscatter ----------------------------------------------------------------------------------------
_SERVICE_PORTS = (80, 443, 443, 22, 25, 53, 3389, 6667, 8080, 27015, 3074, 25565)


def backscatter(ctx):
    """Replies of victims of spoofed floods that used a local address as source: SYN-ACK, RST,
    ICMP errors quoting a packet "we" sent, echo/timestamp replies."""
    rng = ctx.rng("backscatter")
    col = ctx.col
    for day in range(ctx.days):
        for (h, a) in ctx.v4_targets:
            n_ep = poisson(rng, model.BACKSCATTER_EPISODES_PER_ADDR_DAY * ctx.scale
                           * ctx.day_factor(day))
            for _ in range(n_ep):
                kind = weighted(rng, ("synack", "rst", "unreach", "echo", "tstamp", "ttl"),
                                (0.50, 0.25, 0.15, 0.04, 0.02, 0.04))
                src = ctx.pools.v4(rng, "backscatter")
                col.register(src, "background", "backscatter", profile=kind)
                n = rng.randint(1, 15) if rng.random() < 0.8 else rng.randint(15, 120)
                if rng.random() < 0.6:
                    n = max(1, min(n, int(rng.expovariate(1 / 3)) + 1))
                t0 = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                dur = rng.uniform(1, 1800)
                times = sorted(t0 + int(rng.uniform(0, dur) * US) for _ in range(n))
                _episode(ctx, rng, h, a, src, kind, times)


def _episode(ctx, rng, h, a, src, kind, times):
    col = ctx.col
    linux = rng.random() < 0.6
    hops = rng.randint(6, 24)
    ttl = (64 if linux else rng.choice((128, 255, 64))) - hops
    ip_id = rng.randint(0, 65535)
    if kind in ("synack", "rst"):
        sport = rng.choice(_SERVICE_PORTS)
        random_sport = kind == "rst" and rng.random() < 0.3
        win = (rng.choice((65160, 64240, 28960)) if linux else rng.choice((16384, 8192, 65535, 14600)))
        dports = rng.sample(range(1024, 65536), len(times))    # the flood's spoofed source ports
        for t, dport in zip(times, dports):
            ip_id = (ip_id + rng.randint(1, 50)) & 0xFFFF
            spec = {"fam": 4, "src": src, "dst": a, "ttl": ttl, "proto": "TCP",
                    "spt": rng.randint(1, 65535) if random_sport else sport,
                    "dpt": dport, "seq": rng.getrandbits(32),
                    "ack": rng.getrandbits(32), "id": 0 if linux else ip_id, "df": linux}
            if kind == "synack":
                spec.update(len=(60 if linux else 44), win=win, flags=("ACK", "SYN"))
            else:
                spec.update(len=40, win=0, flags=("ACK", "RST"))
            gid = col.inbound(t, h, spec, "BLOCK")
            if gid is not None and kind == "synack" and linux and rng.random() < 0.5:
                # the victim's stack sends its SYN-ACK again after 1 s and 3 s
                d1 = 1.0 + rng.uniform(0, 0.05)
                for d in (d1, d1 + 2.0 + rng.uniform(0, 0.05)):
                    col.inbound(t + int(d * US), h, dict(spec), "BLOCK", rtx_of=gid)
    elif kind in ("unreach", "ttl"):
        victim = ctx.pools.v4(rng, "backscatter")          # quoted destination, never a source
        from_router = kind == "ttl" or rng.random() < 0.4
        code = 0 if kind == "ttl" else (rng.choice((1, 13, 10)) if from_router else 3)
        if kind != "ttl" and not from_router and rng.random() < 0.15:
            code = 4
        icmp_type = 11 if kind == "ttl" else 3
        inner_proto = "UDP" if code == 3 or rng.random() < 0.6 else "TCP"
        flood_port = rng.choice((53, 123, 80, 443, 27015, rng.randint(1, 65535)))
        inner_ttl = rng.randint(30, 250)
        for t in times:
            inner = {"fam": 4, "src": a, "dst": victim, "ttl": inner_ttl if kind != "ttl" else 1,
                     "id": rng.randint(0, 65535), "df": rng.random() < 0.3, "proto": inner_proto}
            if inner_proto == "UDP":
                ulen = rng.choice((8, 40, 100, 512, 1200))
                inner.update(len=20 + ulen, spt=rng.randint(1024, 65535), dpt=flood_port,
                             udplen=ulen)
                quoted = min(inner["len"], 548) if linux and not from_router else 28
            else:
                inner.update(len=rng.choice((40, 44, 60)), spt=rng.randint(1024, 65535),
                             dpt=flood_port, win=rng.choice((1024, 65535, 29200)),
                             flags=("SYN",), seq=rng.getrandbits(32), ack=0)
                quoted = inner["len"] if linux and not from_router else 28
                if quoted == 28:
                    inner["incomplete"] = 8
            spec = {"fam": 4, "src": src, "dst": a, "ttl": ttl, "proto": "ICMP",
                    "type": icmp_type, "code": code, "inner": inner, "len": 20 + 8 + quoted,
                    "id": rng.randint(0, 65535), "prec": 0xC0 if linux else 0}
            if code == 4:
                spec["mtu"] = rng.choice((1492, 1480, 1400, 1280))
            col.inbound(t, h, spec, "BLOCK")
    else:
        icmp_id = rng.randint(0, 65535)
        seq0 = rng.randint(0, 4000)
        echo_len = rng.choice((28, 84, 84, 1028))
        for i, t in enumerate(times):
            ip_id = (ip_id + rng.randint(1, 50)) & 0xFFFF
            spec = {"fam": 4, "src": src, "dst": a, "ttl": ttl, "proto": "ICMP", "id": ip_id,
                    "type": 0 if kind == "echo" else 14, "code": 0}
            if kind == "echo":
                spec.update(len=echo_len, icmp_id=icmp_id, icmp_seq=seq0 + i)
            else:
                spec["len"] = 40
            col.inbound(t, h, spec, "BLOCK")
