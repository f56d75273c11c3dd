"""Shared state of one generation run and small helpers used by every scenario."""

import math
import random

from . import model

US = 1_000_000
DAY_US = 86400 * US


class Context:
    def __init__(self, cfg, hosts, pools, collector, start_us, end_us):
        self.cfg = cfg
        self.hosts = hosts
        self.pools = pools
        self.col = collector
        self.start_us = start_us
        self.end_us = end_us
        self.days = cfg.days
        self.scale = cfg.scale
        self.v4_targets = [(h, a) for h in hosts for a in h.v4]
        self.host_of = {a: h for h in hosts for a in h.addresses()}
        self._day_factor = None

    def size(self, n, floor):
        """A targeted event's size (ports, attempts) times --event-size, never below `floor`."""
        return max(floor, int(round(n * self.cfg.event_size)))

    def rng(self, name):
        """An independent stream per scenario: random.Random seeded with "<seed>:<name>", so
        asking for fewer kinds does not change what the others generate."""
        return random.Random(f"{self.cfg.seed}:{name}")

    def day_factor(self, day):
        if self._day_factor is None:
            r = self.rng("day-factors")
            j = model.DAY_VOLUME_JITTER
            self._day_factor = [r.uniform(1 - j, 1 + j) for _ in range(self.days)]
        return self._day_factor[day]

    def day_start(self, day):
        return self.start_us + day * DAY_US

    # -- firewall decision ----------------------------------------------------------------------
    def action(self, rng, host, proto, dport, flags):
        """What ufw writes for an inbound packet: "BLOCK", "ALLOW" (a logged new connection to an
        open port) or None (an accepted connection that was not logged)."""
        if proto == "TCP" and dport in host.open_ports and "SYN" in flags and "ACK" not in flags:
            frac = self.cfg.allow_log.get(dport, self.cfg.default_allow_log)
            return "ALLOW" if rng.random() < frac else None
        return "BLOCK"

    def send(self, rng, prober, host, t, dst, dport, proto="TCP", flags=("SYN",), rtx=None,
             sport=None):
        """Send one probe; if it is blocked, add the retransmissions listed in `rtx` (delays in
        seconds after the first copy). Returns (spec, action) or (None, None) if not written."""
        spec = prober.probe(dst, dport, proto, flags, sport=sport)
        act = self.action(rng, host, proto, dport, spec.get("flags", ()))
        if act is None:
            return spec, None
        gid = self.col.inbound(t, host, spec, act)
        if gid is not None and act == "BLOCK" and rtx:
            prev = spec
            for d in rtx:
                prev = prober.retransmit(prev)
                self.col.inbound(t + int(d * US), host, prev, "BLOCK", rtx_of=gid)
        return spec, act


# -- random helpers ---------------------------------------------------------------------------------
def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam < 30:
        l, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= l:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def count(rng, x):
    """Round a non-negative expected count up or down at random (keeps the mean)."""
    n = int(x)
    return n + (1 if rng.random() < x - n else 0)


def loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def os_stack_rtx(rng, p_first=0.5, p_second=0.4):
    """Linux/Windows connect() to a filtered port: the SYN is sent again after ~1 s and again
    ~2 s later (initial RTO 1 s, doubled). Returns delays in seconds after the first copy."""
    if rng.random() >= p_first:
        return []
    d1 = 1.0 + rng.uniform(0.0, 0.06)
    if rng.random() >= p_second:
        return [d1]
    return [d1, d1 + 2.0 + rng.uniform(0.0, 0.08)]


def popular_port(rng):
    p = weighted(rng, model.POPULAR_PORTS, [w for _, _, w in model.POPULAR_PORTS])
    return p[0], p[1]


def random_port(rng, udp_share=0.08):
    return rng.randint(1, 65535), ("UDP" if rng.random() < udp_share else "TCP")


def ports_text(ports):
    """"lo-hi" for a contiguous set, else the sorted list."""
    ps = sorted(set(ports))
    if len(ps) > 1 and ps[-1] - ps[0] + 1 == len(ps):
        return f"{ps[0]}-{ps[-1]}"
    return ps
