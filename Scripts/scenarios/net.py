"""Addresses: the local network (documentation ranges) and disjoint pools of remote sources."""

import hashlib
import ipaddress

# Every pool a remote address can be drawn for. The order is fixed (never derived from --kinds),
# so that a /24 (or IPv6 /48) belongs to the same pool whatever kinds a run asks for.
POOLS = (
    "background-sweep", "institutional-scanner", "backscatter", "vertical-scan",
    "slow-vertical-scan", "horizontal-sweep", "service-hammering", "distributed-scan",
    "returning-recon", "legitimate", "outbound",
)

# Special-purpose IPv4 blocks (RFC 6890 and friends) that are never drawn as remote sources.
_RESERVED_V4 = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
)]

# Documentation ranges (RFC 5737) used for the local network, in this order.
LOCAL_V4_BLOCKS = ("203.0.113", "198.51.100", "192.0.2")

# Global-unicast IPv6 first groups that look like real allocations (RIR blocks).
_V6_FIRST = (0x2001, 0x2400, 0x2401, 0x2404, 0x2405, 0x2406, 0x2600, 0x2602, 0x2604, 0x2605,
             0x2606, 0x2607, 0x2610, 0x2800, 0x2803, 0x2804, 0x2a00, 0x2a01, 0x2a02, 0x2a03,
             0x2a05, 0x2a06, 0x2a09, 0x2a0b, 0x2a0e, 0x2a10, 0x2c0f)


_RESERVED_RANGES = [(int(n.network_address), int(n.broadcast_address)) for n in _RESERVED_V4]


def _reserved24(a, b, c):
    x = (a << 24) | (b << 16) | (c << 8)
    return any(lo <= x <= hi for lo, hi in _RESERVED_RANGES)


def v6_full(groups):
    """Kernel %pI6 form: 8 groups of 4 lowercase hex digits, never compressed."""
    return ":".join(f"{g:04x}" for g in groups)


def v4_int(addr):
    a, b, c, d = (int(x) for x in addr.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


class AddressPools:
    """Draws remote addresses so that each /24 (IPv4) or /48 (IPv6) belongs to one pool only,
    decided by a keyed hash of the prefix: pools stay disjoint whatever kinds a run generates."""

    def __init__(self, seed):
        self.seed = seed
        self.used = set()            # every address handed out (membership tests only)
        self.used24 = {}             # /24 prefix -> "pool/owner-tag" for prefixes claimed whole

    def _owner(self, family, prefix):
        h = hashlib.blake2b(f"{self.seed}|{family}|{prefix}".encode(), digest_size=8).digest()
        return POOLS[int.from_bytes(h, "big") % len(POOLS)]

    def _random24(self, rng, pool):
        while True:
            a = rng.randint(1, 223)
            b = rng.randint(0, 255)
            c = rng.randint(0, 255)
            if _reserved24(a, b, c):
                continue
            prefix = f"{a}.{b}.{c}"
            if self._owner("v4", prefix) == pool:
                return prefix

    def v4(self, rng, pool):
        """One address from a /24 of `pool` that no group has claimed whole."""
        while True:
            prefix = self._random24(rng, pool)
            if prefix in self.used24:
                continue
            addr = f"{prefix}.{rng.randint(1, 254)}"
            if addr not in self.used:
                self.used.add(addr)
                return addr

    def claim24(self, rng, pool, tag):
        """A whole fresh /24 of `pool`, reserved for one group (institutional network, hoster,
        distributed scan). Returns the prefix "a.b.c"."""
        while True:
            prefix = self._random24(rng, pool)
            if prefix in self.used24:
                continue
            if any(f"{prefix}.{d}" in self.used for d in range(256)):
                continue
            self.used24[prefix] = f"{pool}/{tag}"
            return prefix

    def v4_in24(self, prefix, host_octet):
        addr = f"{prefix}.{host_octet}"
        if addr in self.used:
            raise ValueError(f"address {addr} drawn twice")
        self.used.add(addr)
        return addr

    def v6(self, rng, pool, server_like=None):
        while True:
            first = rng.choice(_V6_FIRST)
            g2 = rng.randint(0x0000, 0x0fff) if first == 0x2001 else rng.randint(0, 0xffff)
            if first == 0x2001 and g2 in (0x0db8, 0x0000, 0x0002, 0x0010, 0x0020):
                continue
            g3 = rng.randint(0, 0xffff)
            if self._owner("v6", f"{first:x}:{g2:x}:{g3:x}") != pool:
                continue
            g4 = rng.choice((0, 0, rng.randint(0, 0xffff)))
            if server_like is None:
                server_like = rng.random() < 0.5
            if server_like:
                iid = [0, 0, 0, rng.randint(1, 0x1ff)]
            else:
                iid = [rng.randint(0, 0xffff) for _ in range(4)]
            addr = v6_full([first, g2, g3, g4] + iid)
            if addr not in self.used:
                self.used.add(addr)
                return addr


class Host:
    """One logging machine: syslog hostname, interface, MACs, addresses, uptime origin."""

    def __init__(self, index, name, iface, mac_local, mac_gw, v4, v6, boot_us, open_ports):
        self.index = index
        self.name = name
        self.iface = iface
        self.mac4 = f"{mac_local}:{mac_gw}:08:00"
        self.mac6 = f"{mac_local}:{mac_gw}:86:dd"
        self.v4 = v4
        self.v6 = v6
        self.boot_us = boot_us
        self.open_ports = open_ports

    def addresses(self):
        return list(self.v4) + [self.v6]


_HOST_NAMES = ("web1", "mail1", "vpn1", "db1", "app1", "git1", "web2", "ci1", "app2", "dns1",
               "files1", "mon1", "proxy1", "app3", "web3", "backup1")


def _mac(rng, oui):
    return oui + ":" + ":".join(f"{rng.randint(0, 255):02x}" for _ in range(3))


def build_hosts(rng, n_hosts, addrs_per_host, start_us, open_ports):
    """K hosts; host k gets `addrs_per_host` consecutive IPv4 addresses in a block of the
    documentation ranges (a /28 for 14 addresses) and one IPv6 address in 2001:db8::/32."""
    block = 8
    while block < addrs_per_host + 2:
        block *= 2
    per_24 = 256 // block
    if n_hosts > per_24 * len(LOCAL_V4_BLOCKS):
        raise SystemExit(f"too many hosts for blocks of {block} addresses "
                         f"(at most {per_24 * len(LOCAL_V4_BLOCKS)})")
    first_slot = rng.randrange(0, max(1, per_24 - n_hosts + 1)) if n_hosts <= per_24 else 0
    v6_site = rng.randint(0x0001, 0xfffe)
    hosts = []
    for k in range(n_hosts):
        slot = first_slot + k
        net24 = LOCAL_V4_BLOCKS[slot // per_24]
        base = (slot % per_24) * block
        v4 = [f"{net24}.{base + 1 + i}" for i in range(addrs_per_host)]
        v6 = v6_full([0x2001, 0x0db8, v6_site, k + 1, 0, 0, 0, 1])
        name = _HOST_NAMES[k] if k < len(_HOST_NAMES) else f"host{k + 1}"
        iface = "eth0"
        mac_local = _mac(rng, "52:54:00")
        mac_gw = _mac(rng, "fe:54:00")
        # uptime at the start of the log: 2 to 90 days since boot
        boot_us = start_us - rng.randint(2 * 86400, 90 * 86400) * 1_000_000 - rng.randint(0, 999_999)
        hosts.append(Host(k, name, iface, mac_local, mac_gw, v4, v6, boot_us, tuple(open_ports)))
    return hosts
