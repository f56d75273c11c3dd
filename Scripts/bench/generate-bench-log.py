#!/usr/bin/env python3
"""Generate a large, realistic, deterministic ufw log for benchmarking scanlog.

Lines look exactly like what the kernel writes through rsyslog into /var/log/ufw.log (see
/work/shared/corpus/teliten-log.plemma-ufw.log):

    Oct  1 00:00:03 bench kernel: [ 1234.567890] [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=... DST=... LEN=40
    TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=60834 DPT=5985 WINDOW=65535 RES=0x00 SYN URGP=0 <- trailing space

Mix (per firewall line): ~72% TCP SYN, ~15% UDP (second LEN=), ~3% ICMP echo (TYPE/CODE/ID/SEQ), 10% of sources
IPv6 (full uncompressed addresses, TC/HOPLIMIT/FLOWLBL, ICMPv6); ~3% [UFW ALLOW] and ~1.5% [UFW AUDIT]
(inbound to 22/80/443 or outbound from the host); ~2% non-firewall kernel lines.

Sources: exactly --sources distinct addresses among the inbound firewall lines (capped at their number): each
line either introduces the next unused source (with the probability needed to use them all by the end) or draws
an already-known-or-not source by a Zipf (s=1) rank, so a few heavy scanners and a long tail of one-shot sources.
Destination ports: Zipf over a list of commonly probed ports (60%) and uniform 1..--port-range (40%).
Time: evenly spread over --days days from --start, strictly in order; uptime stamps follow the clock.

The same arguments always give the same bytes (random.Random(seed); gzip without name or mtime).
Speed: about 2-3 s per million lines with CPython 3.x (templates are precomputed; lines are written in chunks).
"""

import argparse
import datetime
import gzip
import math
import random
import shutil
import subprocess
import sys

EPOCH = datetime.datetime(1970, 1, 1)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Commonly probed ports, most popular first (Zipf over this order).
POPULAR_TCP = [
    23, 22, 445, 80, 3389, 443, 8080, 1433, 3306, 5900, 8443, 2323, 21, 25, 6379, 8000, 8888, 5555, 81, 1723,
    135, 139, 110, 143, 993, 995, 587, 465, 5432, 27017, 9200, 11211, 2375, 5060, 7547, 37215, 52869, 8081,
    8001, 9000, 10000, 4444, 5985, 5986, 6443, 9090, 7001, 49152, 8291, 2222, 222, 3390, 33389, 60001, 1080,
    3128, 8181, 5901, 5431, 88, 389, 636, 111, 2049, 873, 179, 502, 102, 20000, 47808, 1900, 9100, 631,
]
POPULAR_UDP = [53, 123, 161, 1900, 5060, 137, 500, 11211, 389, 19, 69, 111, 1434, 5353, 3702, 47808, 5683, 623]

LOCAL_V4 = ["203.0.113.10", "203.0.113.11", "203.0.113.12"]
LOCAL_V6 = "2001:0db8:0000:0042:0000:0000:0000:0010"
MAC_V4 = "56:00:03:85:82:df:fe:00:03:85:82:df:08:00"
MAC_V6 = "56:00:03:85:82:df:fe:00:03:85:82:df:86:dd"
# First octets of public IPv4 space (no 0, 10, 100, 127, 169, 172, 192, 198, 203 or multicast/reserved).
PUBLIC_OCTETS = [o for o in range(1, 224) if o not in (0, 10, 100, 127, 169, 172, 192, 198, 203)]
V6_PREFIXES = ["2a01:04f8", "2001:0470", "2604:a880", "2a03:b0c0", "2400:6180", "2a0e:97c0", "2001:0da8", "2406:da18"]

NON_FIREWALL = [
    "audit: type=1400 audit(%d.%03d:%d): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/ntpd\" "
    "name=\"/etc/ssl/openssl.cnf\" pid=%d comm=\"ntpd\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0",
    "TCP: request_sock_TCP: Possible SYN flooding on port %d. Sending cookies.  Check SNMP counters.%s",
    "nf_conntrack: nf_conntrack: table full, dropping packet%s%s",
    "eth0: renamed from veth%07x%s",
    "device veth%07x entered promiscuous mode%s",
    "IPv6: ADDRCONF(NETDEV_CHANGE): veth%07x: link becomes ready%s",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, required=True)
    ap.add_argument("--sources", type=int, required=True, help="distinct inbound source addresses (about)")
    ap.add_argument("--days", type=float, default=7.0, help="time span in days")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2025-10-01", help="first day (YYYY-MM-DD); syslog stamps carry no year")
    ap.add_argument("--port-range", type=int, default=65535,
                    help="the 40%% of unpopular destination ports are uniform in 1..N (small N: few port buckets)")
    ap.add_argument("--host", default="bench")
    ap.add_argument("--out", required=True, help="output file ('-' for stdout)")
    ap.add_argument("--gzip", action="store_true", help="gzip the output (gzip -6 -n, or Python's gzip)")
    args = ap.parse_args()
    if args.lines < 0 or args.sources < 1:
        ap.error("--lines must be >= 0 and --sources >= 1")

    rng = random.Random(args.seed)
    out, finish = open_output(args.out, args.gzip)
    try:
        generate(args, rng, out)
    finally:
        finish()


def open_output(path, compress):
    if not compress:
        if path == "-":
            return sys.stdout, sys.stdout.flush
        f = open(path, "w", encoding="ascii", newline="\n", buffering=1 << 20)
        return f, f.close
    if shutil.which("gzip"):
        target = sys.stdout.buffer if path == "-" else open(path, "wb")
        proc = subprocess.Popen(["gzip", "-6", "-n", "-c"], stdin=subprocess.PIPE, stdout=target)
        import io
        w = io.TextIOWrapper(proc.stdin, encoding="ascii", newline="\n", write_through=False)

        def finish():
            w.close()
            if proc.wait() != 0:
                sys.exit("gzip failed")
            if target is not sys.stdout.buffer:
                target.close()
        return w, finish
    raw = sys.stdout.buffer if path == "-" else open(path, "wb")
    gz = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0)
    import io
    w = io.TextIOWrapper(gz, encoding="ascii", newline="\n")

    def finish():
        w.close()
        if raw is not sys.stdout.buffer:
            raw.close()
    return w, finish


def source_address(k, seed):
    """The k-th source: distinct for distinct k (the low 24 bits / the last 64 bits are a bijection of k)."""
    h = (k * 0x9E3779B1 + seed * 0x85EBCA77) & 0xFFFFFFFF
    if h % 10 == 0:  # ~10% IPv6
        x = (k * 0x9E3779B97F4A7C15 + seed) & 0xFFFFFFFFFFFFFFFF
        p = V6_PREFIXES[(h >> 8) % len(V6_PREFIXES)]
        return True, "%s:%04x:%04x:%04x:%04x:%04x:%04x" % (
            p, (h >> 12) & 0xFFFF, (h >> 4) & 0x00FF,
            x >> 48, (x >> 32) & 0xFFFF, (x >> 16) & 0xFFFF, x & 0xFFFF)
    low = (k * 2654435761 + seed) & 0xFFFFFF  # bijection on k mod 2^24
    first = PUBLIC_OCTETS[(k >> 24) * 7 % len(PUBLIC_OCTETS)] if k >> 24 else PUBLIC_OCTETS[(h >> 24) % len(PUBLIC_OCTETS)]
    return False, "%d.%d.%d.%d" % (first, low >> 16, (low >> 8) & 0xFF, low & 0xFF)


def generate(args, rng, out):
    n = args.lines
    rand = rng.random
    randint = rng.randrange
    start = datetime.datetime.strptime(args.start, "%Y-%m-%d")
    epoch0 = int((start - datetime.datetime(1970, 1, 1)).total_seconds())
    span = args.days * 86400.0
    step = span / n if n else 0.0
    boot_uptime = 86400.0 * 3 + 1234.5  # uptime at the first line
    host = args.host

    # Line kinds, decided up front so that the number of inbound source-bearing lines is known.
    # 0 block (inbound probe), 1 allow-in, 2 allow-out, 3 audit-in, 4 audit-out, 5 non-firewall
    kinds = bytearray(n)
    inbound = 0
    for i in range(n):
        r = rand()
        if r < 0.02:
            k = 5
        elif r < 0.035:
            k = 1
        elif r < 0.05:
            k = 2
        elif r < 0.0575:
            k = 3
        elif r < 0.065:
            k = 4
        else:
            k = 0
        kinds[i] = k
        if k in (0, 1, 3):
            inbound += 1
    S = min(args.sources, max(inbound, 1))
    log_s = math.log(S + 1)
    exp = math.exp

    cache = {}
    cache_max = 200000  # heavy hitters stay cached; the long tail is formatted on demand

    def src(k):
        v = cache.get(k)
        if v is None:
            v = source_address(k, args.seed)
            if len(cache) < cache_max:
                cache[k] = v
        return v

    port_top = max(2, min(args.port_range, 65535) + 1)
    n_pop_tcp = len(POPULAR_TCP)
    log_pt = math.log(n_pop_tcp + 1)
    log_pu = math.log(len(POPULAR_UDP) + 1)

    def tcp_port():
        if rand() < 0.6:
            return POPULAR_TCP[min(int(exp(rand() * log_pt)) - 1, n_pop_tcp - 1)]
        return randint(1, port_top)

    def udp_port():
        if rand() < 0.6:
            return POPULAR_UDP[min(int(exp(rand() * log_pu)) - 1, len(POPULAR_UDP) - 1)]
        return randint(1, port_top)

    next_new = 0
    remaining_inbound = inbound
    last_sec = None
    stamp = ""
    chunk = []
    append = chunk.append
    for i in range(n):
        t = i * step
        sec = epoch0 + int(t)
        if sec != last_sec:
            last_sec = sec
            d = EPOCH + datetime.timedelta(seconds=sec)
            stamp = "%s %2d %02d:%02d:%02d %s kernel: " % (MONTHS[d.month - 1], d.day, d.hour, d.minute, d.second, host)
        up = boot_uptime + t
        upi = int(up)
        head = "%s[%5d.%06d] " % (stamp, upi, int((up - upi) * 1e6))
        kind = kinds[i]
        if kind == 5:
            tmpl = NON_FIREWALL[randint(0, len(NON_FIREWALL))]
            if tmpl.startswith("audit"):
                body = tmpl % (sec, randint(0, 1000), randint(100, 99999), randint(300, 30000))
            elif "%07x" in tmpl:
                body = tmpl % (randint(0, 1 << 28), "")
            elif "%d" in tmpl:
                body = tmpl % (rng.choice((80, 443)), "")
            else:
                body = tmpl % ("", "")
            append(head + body + "\n")
            if len(chunk) >= 20000:
                out.write("".join(chunk))
                chunk.clear()
            continue

        if kind in (0, 1, 3):
            # Introduce the next unused source with the probability that uses all S by the end.
            if next_new < S and rand() * remaining_inbound < (S - next_new):
                k = next_new
                next_new += 1
            else:
                k = min(int(exp(rand() * log_s)) - 1, S - 1)
            remaining_inbound -= 1
            v6, s = src(k)
            d_addr = LOCAL_V6 if v6 else LOCAL_V4[k % 3]
            prefix = "[UFW BLOCK]" if kind == 0 else ("[UFW ALLOW]" if kind == 1 else "[UFW AUDIT]")
            iface = "IN=eth0 OUT= MAC=%s" % (MAC_V6 if v6 else MAC_V4)
        else:
            # Outbound: from the host to some remote address.
            v6 = rand() < 0.1
            _, remote = source_address(randint(0, 1 << 24), args.seed + 1)
            if v6:
                remote = "2606:4700:0000:0000:0000:0000:6810:%04x" % randint(0, 65536)
            s = LOCAL_V6 if v6 else LOCAL_V4[0]
            d_addr = remote
            prefix = "[UFW ALLOW]" if kind == 2 else "[UFW AUDIT]"
            iface = "IN= OUT=eth0"

        r = rand()
        if kind == 0:
            proto = 0 if r < 0.80 else (1 if r < 0.965 else 2)
        elif kind in (1, 3):
            proto = 0  # allowed inbound: 22/80/443
        else:
            proto = 0 if r < 0.6 else (1 if r < 0.95 else 2)

        if v6:
            ip = "%s %s SRC=%s DST=%s LEN=%d TC=0 HOPLIMIT=%d FLOWLBL=%d " % (
                prefix, iface, s, d_addr, 80 if proto == 0 else (64 if proto == 2 else 76),
                rng.choice((50, 52, 54, 56, 58, 61, 64)), randint(0, 1 << 20) if rand() < 0.5 else 0)
        else:
            ip = "%s %s SRC=%s DST=%s LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d %s" % (
                prefix, iface, s, d_addr, 40 if proto == 0 else (84 if proto == 2 else 28 + randint(8, 120)),
                rng.choice((44, 48, 50, 52, 53, 54, 112, 113, 116, 240, 241, 243, 244, 245, 246, 248, 249, 250)),
                54321 if rand() < 0.3 else randint(0, 65536), "DF " if rand() < 0.25 else "")

        if proto == 0:
            if kind in (1, 3):
                dpt = rng.choice((22, 80, 443))
            elif kind in (2, 4):
                dpt = rng.choice((443, 80, 53, 123, 22))
            else:
                dpt = tcp_port()
            l4 = "PROTO=TCP SPT=%d DPT=%d WINDOW=%d RES=0x00 %sURGP=0 " % (
                randint(1024, 65536), dpt, rng.choice((1024, 65535, 29200, 14600, 42340, 64240)),
                "SYN " if kind != 2 and kind != 4 or rand() < 0.5 else "ACK PSH ")
        elif proto == 1:
            dpt = udp_port() if kind == 0 else rng.choice((53, 123))
            l4 = "PROTO=UDP SPT=%d DPT=%d LEN=%d " % (randint(1024, 65536), dpt, randint(8, 120))
        else:
            if v6:
                l4 = "PROTO=ICMPv6 TYPE=128 CODE=0 ID=%d SEQ=%d " % (randint(0, 65536), randint(1, 50))
            else:
                l4 = "PROTO=ICMP TYPE=8 CODE=0 ID=%d SEQ=%d " % (randint(0, 65536), randint(1, 50))
        append(head + ip + l4 + "\n")
        if len(chunk) >= 20000:
            out.write("".join(chunk))
            chunk.clear()
    if chunk:
        out.write("".join(chunk))


if __name__ == "__main__":
    main()
