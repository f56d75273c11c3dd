"""Everything that is not scanning: legitimate clients, outbound connections, other syslog lines."""

from . import model
from .context import US, count, weighted
from .packets import Prober


def legitimate(ctx):
    """Web clients on 80/443 (a sample logged as [UFW ALLOW]), regular visitors who come back on
    several days, and administrators who log in over SSH every working day."""
    rng = ctx.rng("legitimate")
    col = ctx.col
    for h in ctx.hosts:
        web = [p for p in h.open_ports if p != 22] or list(h.open_ports)
        regulars = []
        for _ in range(max(2, count(rng, 20 * ctx.scale))):
            v6 = rng.random() < 0.15
            src = ctx.pools.v6(rng, "legitimate") if v6 else ctx.pools.v4(rng, "legitimate")
            col.register(src, "legitimate", "client", profile="regular")
            regulars.append(Prober(rng, rng.choice(("linux", "windows")), src, fam=6 if v6 else 4))
        for day in range(ctx.days):
            visitors = [p for p in regulars if rng.random() < 0.5]
            for _ in range(count(rng, model.CLIENTS_PER_HOST_DAY * ctx.scale * ctx.day_factor(day))):
                v6 = rng.random() < 0.15
                src = ctx.pools.v6(rng, "legitimate") if v6 else ctx.pools.v4(rng, "legitimate")
                col.register(src, "legitimate", "client")
                visitors.append(Prober(rng, rng.choice(("linux", "windows", "windows")), src,
                                       fam=6 if v6 else 4))
            for pr in visitors:
                dst = h.v6 if pr.fam == 6 else rng.choice(h.v4)
                t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                for _ in range(rng.randint(1, 6)):
                    t += int(rng.expovariate(1 / 20) * US)
                    port = weighted(rng, web, [4 if p == 443 else 1 for p in web])
                    ctx.send(rng, pr, h, t, dst, port, "TCP")
    # administrators: the same few addresses, SSH on working days
    admins = []
    for k in range(model.ADMIN_SOURCES):
        src = ctx.pools.v4(rng, "legitimate")
        col.register(src, "legitimate", "admin")
        admins.append(Prober(rng, "linux", src))
    for day in range(ctx.days):
        for pr in admins:
            if rng.random() < 0.2:
                continue
            for h in ctx.hosts:
                if 22 not in h.open_ports or rng.random() < 0.3:
                    continue
                for _ in range(rng.randint(1, 4)):
                    t = ctx.day_start(day) + int(rng.uniform(7 * 3600, 19 * 3600) * US)
                    ctx.send(rng, pr, h, t, rng.choice(h.v4), 22, "TCP")


_OUTBOUND = (("resolver", "UDP", 53, 0.40), ("ntp", "UDP", 123, 0.15), ("mirror", "TCP", 80, 0.15),
             ("mirror", "TCP", 443, 0.15), ("api", "TCP", 443, 0.10), ("relay", "TCP", 587, 0.05))


def outbound(ctx):
    """New outbound connections (IN= OUT=eth0, no MAC), logged AUDIT then ALLOW as at level high."""
    rng = ctx.rng("outbound")
    peers = {}
    for name in ("resolver", "ntp", "mirror", "api", "relay"):
        peers[name] = [ctx.pools.v4(rng, "outbound") for _ in range(rng.randint(1, 3))]
    for h in ctx.hosts:
        ip_id = rng.randint(0, 65535)
        port = rng.randint(32768, 60999)
        for day in range(ctx.days):
            n = count(rng, max(5.0, model.OUTBOUND_CONNECTIONS_PER_HOST_DAY * min(1.0, ctx.scale * 5)))
            for _ in range(n):
                name, proto, dport, _w = weighted(rng, _OUTBOUND, [x[3] for x in _OUTBOUND])
                ip_id = (ip_id + rng.randint(1, 200)) & 0xFFFF
                port = 32768 + (port - 32768 + rng.randint(1, 500)) % 28232
                spec = {"fam": 4, "src": rng.choice(h.v4), "dst": rng.choice(peers[name]),
                        "ttl": 64, "id": ip_id, "df": True, "proto": proto, "spt": port,
                        "dpt": dport}
                if proto == "UDP":
                    ulen = rng.randint(30, 60) if dport == 53 else 56
                    spec.update(len=20 + ulen, udplen=ulen)
                else:
                    spec.update(len=60, win=64240, flags=("SYN",), seq=rng.getrandbits(32), ack=0)
                t = ctx.day_start(day) + int(rng.uniform(0, 86400) * US)
                ctx.col.outbound(t, h, spec)
    ctx.outbound_peers = peers


_KERNEL_MSGS = (
    "perf: interrupt took too long ({a} > {b}), lowering kernel.perf_event_max_sample_rate to {c}",
    "hrtimer: interrupt took {ns} ns",
    "TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.",
    "net_ratelimit: {n} callbacks suppressed",
    "audit: type=1400 audit({epoch}.{ms:03d}:{serial}): apparmor=\"DENIED\" operation=\"open\" "
    "profile=\"/usr/sbin/chronyd\" name=\"/proc/{pid}/status\" pid={pid} comm=\"chronyd\" "
    "requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0",
    "loop{loop}: detected capacity change from 0 to {cap}",
    "IPv4: martian source {local} from 100.64.{x}.{y}, on dev eth0",
    "EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
)

_DAILY = (
    # (hour, minute, program, message): the usual Debian/Ubuntu timers
    (0, 0, "rsyslogd", "[origin software=\"rsyslogd\" swVersion=\"8.2312.0\" x-pid=\"{pid}\" "
                       "x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"),
    (None, None, "systemd", "Starting Daily apt download activities..."),
    (None, None, "systemd", "apt-daily.service: Deactivated successfully."),
    (None, None, "systemd-timesyncd", "Initial synchronization to time server {ntp}:123 (ntp.ubuntu.com)."),
    (None, None, "systemd", "Started Session {n} of User deploy."),
)


def system(ctx, noise):
    """A few non-firewall lines per host and day: kernel messages; with noise=syslog also the
    hourly cron job, daily timers, and sshd lines naming addresses that reached port 22."""
    if noise == "none":
        return
    rng = ctx.rng("system")
    col = ctx.col
    for h in ctx.hosts:
        minute = rng.randint(10, 25)
        for day in range(ctx.days):
            d0 = ctx.day_start(day)
            for _ in range(count(rng, model.KERNEL_LINES_PER_HOST_DAY)):
                t = d0 + int(rng.uniform(0, 86400) * US)
                tmpl = rng.choice(_KERNEL_MSGS)
                msg = tmpl.format(a=rng.randint(2501, 4000), b=2500, c=rng.randint(40000, 80000),
                                  ns=rng.randint(100000, 9000000), n=rng.randint(2, 400),
                                  epoch=t // US, ms=(t // 1000) % 1000,
                                  serial=rng.randint(100, 9999), pid=rng.randint(300, 40000),
                                  loop=rng.randint(0, 9), cap=rng.choice((8, 113592, 130960)),
                                  local=rng.choice(h.v4), x=rng.randint(0, 63),
                                  y=rng.randint(1, 254))
                col.system(t, h, "kernel", msg)
                if msg.startswith("IPv4: martian"):
                    col.system(t + 9, h, "kernel", "ll header: 00000000: "
                               + h.mac4.replace(":", " ") + "        RT..4V.T..4V..E.")
            if noise != "syslog":
                continue
            for hour in range(24):
                t = d0 + (hour * 3600 + minute * 60 + 1) * US + rng.randint(0, 400_000)
                col.system(t, h, f"CRON[{rng.randint(1000, 99999)}]",
                           "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)")
            apt = d0 + int(rng.uniform(6 * 3600, 18 * 3600) * US)
            for hh, mm, prog, tmpl in _DAILY:
                if hh is not None:
                    t = d0 + (hh * 3600 + mm * 60) * US + rng.randint(0, 900_000)
                elif "apt" in tmpl:
                    t = apt + (rng.randint(20, 90) * US if "Deactivated" in tmpl else 0)
                elif rng.random() < 0.5:
                    continue
                else:
                    t = d0 + int(rng.uniform(0, 86400) * US)
                pid = 1 if prog == "systemd" else rng.randint(300, 2000)
                msg = tmpl.format(n=rng.randint(1, 900), pid=pid, ntp="185.125.190.57")
                col.system(t, h, prog if prog == "rsyslogd" else f"{prog}[{pid}]", msg)
    if noise != "syslog":
        return
    # sshd lines for connections that reached an open port 22 (an ALLOW line was written)
    hosts = {h.index: h for h in ctx.hosts}
    for (t, _seq, hi, action, body, src, _g, _f) in list(col.packets):
        if action != "ALLOW" or src is None or " DPT=22 " not in body:
            continue
        meta = col.sources.get(src, {})
        if meta.get("kind") == "admin":
            msg = (f"Accepted publickey for deploy from {src} port "
                   f"{body.split(' SPT=')[1].split(' ')[0]} ssh2: ED25519 SHA256:"
                   "Zm9yIHRlc3RpbmcgdGhlIHNjYW5sb2cgcGFyc2VyIG9ubHk")
        elif rng.random() < 0.3:
            spt = body.split(" SPT=")[1].split(" ")[0]
            msg = rng.choice((f"Connection closed by {src} port {spt} [preauth]",
                              f"Invalid user admin from {src} port {spt}",
                              f"Received disconnect from {src} port {spt}:11: Bye Bye [preauth]"))
        else:
            continue
        col.system(t + int(rng.uniform(0.05, 2.0) * US), hosts[hi], f"sshd[{rng.randint(1000, 99999)}]",
                   msg)
