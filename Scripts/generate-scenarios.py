#!/usr/bin/env python3
"""Generate a realistic multi-day ufw log with ground truth, for testing scanlog's classifier.

    Scripts/generate-scenarios.py --seed 1 --days 7 --scale 0.2 --out /tmp/s1

writes /tmp/s1/ufw.log (time-ordered syslog lines) and /tmp/s1/truth.json (what every source is).
Deterministic for a given seed and options. The model and its numbers: Scripts/scenarios/README.md.
Seeds 1-10 are for tuning; seeds 1001-1010 are held out.
"""

import argparse
import datetime
import pathlib
import random
import sys
import time

sys.dont_write_bytecode = True        # leave no __pycache__ in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from scenarios import ambient, background, model, targeted  # noqa: E402
from scenarios.collect import Collector  # noqa: E402
from scenarios.context import US, DAY_US, Context  # noqa: E402
from scenarios.net import AddressPools, build_hosts  # noqa: E402
from scenarios.writer import write  # noqa: E402

GENERATORS = {
    "background-sweep": background.background_sweep,
    "institutional-scanner": background.institutional,
    "backscatter": background.backscatter,
    "vertical-scan": targeted.vertical_scan,
    "slow-vertical-scan": targeted.slow_vertical_scan,
    "horizontal-sweep": targeted.horizontal_sweep,
    "service-hammering": targeted.service_hammering,
    "distributed-scan": targeted.distributed_scan,
    "returning-recon": targeted.returning_recon,
    "legitimate": ambient.legitimate,
    "outbound": ambient.outbound,
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="kinds: " + ", ".join(model.ALL_KINDS))
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--days", type=int, required=True, help="length of the log in days (>= 1)")
    p.add_argument("--out", required=True, help="output directory (created if missing)")
    p.add_argument("--hosts", type=int, default=1,
                   help="logging hosts, each with its own syslog hostname (default 1)")
    p.add_argument("--addrs-per-host", type=int, default=1,
                   help="IPv4 addresses per host, e.g. 14 for a /28 (default 1)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiplies background and legitimate volumes (default 1)")
    p.add_argument("--kinds", default=",".join(model.ALL_KINDS),
                   help="comma-separated kinds to generate (default: all)")
    p.add_argument("--event-size", type=float, default=1.0,
                   help="multiplies the size of targeted events (ports scanned, attempts); "
                        "floors keep each event recognisable (default 1)")
    p.add_argument("--envelope", choices=("traditional", "rfc3339"), default="traditional")
    p.add_argument("--no-uptime", action="store_true",
                   help="omit the kernel uptime bracket [  123.456789]")
    p.add_argument("--start", default="2026-11-01T00:00:00Z",
                   help="start of the log, RFC 3339 UTC (default 2026-11-01T00:00:00Z)")
    p.add_argument("--open-ports", default=",".join(map(str, model.DEFAULT_OPEN_PORTS)),
                   help="open TCP ports on every host (default 22,80,443)")
    p.add_argument("--allow-log", type=float, default=model.DEFAULT_ALLOW_LOG_FRACTION,
                   help="share of new connections to open ports other than 22 logged as "
                        "[UFW ALLOW] (22 is always logged; default 0.2)")
    p.add_argument("--audit-fraction", type=float, default=model.AUDIT_DUPLICATE_FRACTION,
                   help="share of inbound packets also logged as [UFW AUDIT] (default 0.003)")
    p.add_argument("--rate-limit", action="store_true",
                   help="apply ufw's 3/min burst 10 log limit (logging levels low/medium)")
    p.add_argument("--noise", choices=("none", "kernel", "syslog"), default="syslog",
                   help="non-firewall lines: none, kernel only, or kernel + daemons (default)")
    p.add_argument("--log-tcp-sequence", action="store_true",
                   help="print SEQ= ACK= in TCP lines (iptables --log-tcp-sequence; ufw never "
                        "does): makes the Masscan and Mirai fingerprints checkable")
    a = p.parse_args(argv)
    if a.days < 1:
        p.error("--days must be >= 1")
    if a.hosts < 1 or a.addrs_per_host < 1:
        p.error("--hosts and --addrs-per-host must be >= 1")
    if a.scale < 0 or a.event_size <= 0:
        p.error("--scale must be >= 0 and --event-size > 0")
    kinds = [k.strip() for k in a.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in model.ALL_KINDS]
    if bad:
        p.error(f"unknown kind(s): {', '.join(bad)}; known: {', '.join(model.ALL_KINDS)}")
    a.kinds = kinds
    try:
        st = datetime.datetime.fromisoformat(a.start.replace("Z", "+00:00"))
    except ValueError:
        p.error(f"--start: not an RFC 3339 time: {a.start}")
    if st.tzinfo is None:
        st = st.replace(tzinfo=datetime.timezone.utc)
    a.start_us = int(st.timestamp()) * US
    a.open_ports = tuple(int(x) for x in a.open_ports.split(",") if x.strip())
    return a


class Config:
    def __init__(self, a):
        self.seed = a.seed
        self.days = a.days
        self.scale = a.scale
        self.event_size = a.event_size
        self.envelope = a.envelope
        self.uptime = not a.no_uptime
        self.rate_limit = a.rate_limit
        self.log_tcp_sequence = a.log_tcp_sequence
        self.audit_fraction = a.audit_fraction
        self.allow_log = dict(model.ALLOW_LOG_FRACTION)
        self.default_allow_log = a.allow_log


def main(argv):
    a = parse_args(argv)
    t_begin = time.perf_counter()
    cfg = Config(a)
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    start_us = a.start_us
    end_us = start_us + a.days * DAY_US
    hosts = build_hosts(random.Random(f"{a.seed}:hosts"), a.hosts, a.addrs_per_host, start_us,
                        a.open_ports)
    col = Collector(cfg, start_us, end_us)
    ctx = Context(cfg, hosts, AddressPools(a.seed), col, start_us, end_us)
    for kind in model.ALL_KINDS:            # fixed order, whatever the order of --kinds
        if kind in a.kinds and kind in GENERATORS:
            GENERATORS[kind](ctx)
    if "system" in a.kinds:
        ambient.system(ctx, a.noise)
    params = {"hosts": a.hosts, "addrs_per_host": a.addrs_per_host, "kinds": a.kinds, "event_size": a.event_size,
              "envelope": a.envelope, "uptime": cfg.uptime, "rate_limit": a.rate_limit,
              "allow_log": a.allow_log, "audit_fraction": a.audit_fraction, "noise": a.noise,
              "log_tcp_sequence": a.log_tcp_sequence}
    truth = write(ctx, out, cfg, params)
    c = truth["counts"]
    took = time.perf_counter() - t_begin
    print(f"{out / 'ufw.log'}: {c['lines']} lines ({c['probes']} probes, {c['retransmissions']} "
          f"retransmissions, {c['sources']} sources, {len(truth['events'])} targeted events) "
          f"in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
