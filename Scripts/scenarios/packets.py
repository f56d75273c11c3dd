"""Packets as the kernel's LOG target prints them (nf_log_syslog.c), and the tools that send them.

A packet is first described by a plain dict (a "spec"), then rendered to the text that follows
the `[UFW ...] ` prefix. Field order, spacing and the trailing space follow formats.md section 1.
"""

from .model import UDP_IP_LEN
from .net import v4_int

# nf_log dump_tcp_header() prints the flags in this order, each followed by one space.
FLAG_ORDER = ("CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN")


def flag_text(flags):
    return "".join(f + " " for f in FLAG_ORDER if f in flags)


def _l4(spec, cfg):
    proto = spec["proto"]
    if proto == "TCP":
        seq = ""
        if cfg.log_tcp_sequence:
            seq = f"SEQ={spec.get('seq', 0)} ACK={spec.get('ack', 0)} "
        if spec.get("incomplete"):
            return f"PROTO=TCP INCOMPLETE [{spec['incomplete']} bytes] "
        return (f"PROTO=TCP SPT={spec['spt']} DPT={spec['dpt']} {seq}WINDOW={spec['win']} "
                f"RES=0x00 {flag_text(spec['flags'])}URGP=0 ")
    if proto == "UDP":
        return f"PROTO=UDP SPT={spec['spt']} DPT={spec['dpt']} LEN={spec['udplen']} "
    if proto == "ICMP":
        t, c = spec["type"], spec["code"]
        s = f"PROTO=ICMP TYPE={t} CODE={c} "
        if t in (0, 8):
            s += f"ID={spec['icmp_id']} SEQ={spec['icmp_seq']} "
        elif t in (3, 4, 11):
            s += "[" + _ip(spec["inner"], cfg, inner=True) + "] "
            if t == 3 and c == 4:
                s += f"MTU={spec['mtu']} "
        return s
    raise ValueError(proto)


def _ip(spec, cfg, inner=False):
    if spec["fam"] == 6:
        head = (f"SRC={spec['src']} DST={spec['dst']} LEN={spec['len']} TC={spec.get('tc', 0)} "
                f"HOPLIMIT={spec['ttl']} FLOWLBL={spec.get('flowlbl', 0)} ")
    else:
        head = (f"SRC={spec['src']} DST={spec['dst']} LEN={spec['len']} "
                f"TOS=0x{spec.get('tos', 0):02X} PREC=0x{spec.get('prec', 0):02X} "
                f"TTL={spec['ttl']} ID={spec['id']} " + ("DF " if spec.get("df") else ""))
    return head + _l4(spec, cfg)


def body_inbound(spec, host, cfg):
    mac = host.mac6 if spec["fam"] == 6 else host.mac4
    return f"IN={host.iface} OUT= MAC={mac} " + _ip(spec, cfg)


def body_outbound(spec, host, cfg):
    return f"IN= OUT={host.iface} " + _ip(spec, cfg)


class Prober:
    """How one source builds its packets: a fingerprint from classification.md's table.

    profiles: zmap (before 4.1), zmap41, masscan, mirai, nmap, censys, linux, windows, custom.
    """

    def __init__(self, rng, profile, src, fam=4, hops=None, window=None, ttl_init=None,
                 sport=None, length=None):
        self.rng = rng
        self.profile = profile
        self.src = src
        self.fam = fam
        self.hops = hops if hops is not None else rng.randint(6, 26)
        r = rng.random()
        # DSCP seen on a few sources (TOS/PREC are printed from the same byte)
        self.tos, self.prec = (0, 0) if r < 0.95 else ((0, 0x20) if r < 0.98 else (0x08, 0x20))
        self.ecn = False
        self.ip_id = rng.randint(0, 65535)
        if profile == "zmap":
            self.ttl_init, self.win, self.len = 255, 65535, length or rng.choice((40, 44))
        elif profile == "zmap41":
            self.ttl_init, self.win, self.len = 64, 65535, 44
        elif profile == "masscan":
            self.ttl_init, self.win, self.len = 255, 1024, length or rng.choice((40, 40, 40, 44))
            self.fixed_sport = sport or rng.randint(32768, 61000)
        elif profile == "mirai":
            self.ttl_init, self.win, self.len = 64, None, 40
        elif profile == "nmap":
            self.ttl_init, self.win, self.len = None, None, 44
            self.fixed_sport = sport or rng.randint(32768, 65000)
        elif profile == "censys":
            self.ttl_init, self.win, self.len = 64, 1024, 44
        elif profile == "linux":
            self.ttl_init, self.len = 64, 60
            self.win = rng.choice((64240, 64240, 29200, 65535))
            self.ecn = rng.random() < 0.04
            self.next_port = rng.randint(32768, 60999)
        elif profile == "windows":
            self.ttl_init, self.len = 128, 52
            self.win = rng.choice((64240, 64240, 8192))
            self.next_port = rng.randint(49152, 60000)
        elif profile == "custom":
            self.ttl_init = ttl_init or rng.choice((64, 128))
            self.win = window or rng.choice((5840, 14600, 4128, 512, 29200))
            self.len = length or 44
            self.fixed_sport = sport
        else:
            raise ValueError(profile)
        if window is not None:
            self.win = window
        if ttl_init is not None:
            self.ttl_init = ttl_init
        if sport is not None:
            self.fixed_sport = sport

    # -- per-packet fields ---------------------------------------------------------------------
    def _ttl(self):
        if self.profile == "nmap":
            return max(1, self.rng.randint(37, 59) - self.hops)
        return self.ttl_init - self.hops

    def _sport(self):
        p = self.profile
        if p in ("masscan", "nmap") or (p == "custom" and self.fixed_sport):
            return self.fixed_sport
        if p == "linux":
            self.next_port += self.rng.choice((1, 2, 2, 4, self.rng.randint(1, 400)))
            if self.next_port > 60999:
                self.next_port = 32768 + self.next_port % 1000
            return self.next_port
        if p == "windows":
            self.next_port += self.rng.randint(1, 3)
            if self.next_port > 65535:
                self.next_port = 49152
            return self.next_port
        return self.rng.randint(1024, 65535)

    def _id(self, dst, dport, seq):
        p = self.profile
        if p == "zmap":
            return 54321
        if p == "masscan":
            dst_int = v4_int(dst) if self.fam == 4 else 0
            return (dst_int ^ dport ^ seq) & 0xFFFF
        if p == "windows":
            self.ip_id = (self.ip_id + self.rng.randint(1, 30)) & 0xFFFF
            return self.ip_id
        return self.rng.randint(0, 65535)

    def probe(self, dst, dport, proto="TCP", flags=("SYN",), sport=None):
        """Spec of one probe from this source to dst:dport."""
        rng = self.rng
        spt = sport if sport is not None else self._sport()
        seq = rng.getrandbits(32)
        if self.profile == "mirai" and self.fam == 4:
            seq = v4_int(dst)           # Mirai: TCP SEQ = destination address
        spec = {"fam": self.fam, "src": self.src, "dst": dst, "proto": proto, "spt": spt,
                "dpt": dport, "ttl": self._ttl(), "tos": self.tos, "prec": self.prec}
        if proto == "TCP":
            flags = tuple(flags)
            if self.ecn and flags == ("SYN",):
                flags = ("CWR", "ECE", "SYN")
            ln = self.len if "SYN" in flags else 40
            if self.profile == "nmap":
                win = rng.choice((1024, 2048, 3072, 4096))
            elif self.win is None:
                win = rng.randint(0, 65535)
            else:
                win = self.win
            spec.update(win=win, flags=flags, seq=seq, ack=0)
        else:
            lo, hi = _udp_len(dport)
            ln = rng.randint(lo, hi)
            spec["udplen"] = ln - 20
        spec["df"] = self.profile in ("linux", "windows")
        if self.fam == 6:
            spec["len"] = ln + 20
            spec["flowlbl"] = rng.randint(1, 0xFFFFF) if self.profile == "linux" else 0
        else:
            spec["len"] = ln
            spec["id"] = self._id(dst, dport, seq)
        return spec

    def retransmit(self, spec):
        """The same segment sent again by the source's TCP stack: same ports, new IP ID."""
        again = dict(spec)
        if self.fam == 4:
            if self.profile == "windows":
                self.ip_id = (self.ip_id + self.rng.randint(1, 30)) & 0xFFFF
                again["id"] = self.ip_id
            else:
                again["id"] = (spec["id"] + self.rng.randint(1, 4)) & 0xFFFF
        return again


def _udp_len(dport):
    return UDP_IP_LEN.get(dport, (28, 28))
