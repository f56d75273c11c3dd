"""Collects generated packets and what they mean (sources, events, groups)."""

import zlib

from .packets import body_inbound, body_outbound

# packet flags
INBOUND = 1
RETRANS = 2
SYSTEM = 4
OUTBOUND = 8
AUDIT_COPY = 16
KERNEL = 32


class Collector:
    """Every line to write, as a tuple (t_us, seq, host_index, action, text, src, group, flags).

    action: "BLOCK" / "ALLOW" / "AUDIT" for firewall lines, None for other syslog lines.
    key: (host, src, dst, sport, dport, flags) of an inbound TCP packet, else None; a probe line
         with the key of a line written at most 3.5 s earlier is a retransmission.
    """

    def __init__(self, cfg, start_us, end_us):
        self.cfg = cfg
        self.start_us = start_us
        self.end_us = end_us
        self.packets = []
        self.sources = {}            # src -> metadata (class, kind, event, profile, group)
        self.events = []             # targeted events, in creation order
        self.groups = []             # background groups (institutional networks, hosters, ...)
        self.skipped = []            # kinds asked for but not generated, with the reason
        self._seq = 0
        self._audit_key = f"{cfg.seed}|audit|"

    # -- registry -------------------------------------------------------------------------------
    def register(self, src, cls, kind, event=None, profile=None, group=None):
        if src in self.sources:
            raise RuntimeError(f"source {src} registered twice")
        meta = {"class": cls, "kind": kind, "event": event}
        if profile:
            meta["profile"] = profile
        if group:
            meta["group"] = group
        self.sources[src] = meta

    def _push(self, t, host, action, text, src, group, flags):
        self._seq += 1
        self.packets.append((t, self._seq, host.index, action, text, src, group, flags))
        return self._seq

    def _in_range(self, t):
        return self.start_us <= t < self.end_us

    # -- packets --------------------------------------------------------------------------------
    def inbound(self, t, host, spec, action, rtx_of=None):
        """One inbound packet logged with `action`; returns a handle (None if outside the log).
        `rtx_of` marks a copy sent again by the source (the truth counts copies by their key)."""
        if not self._in_range(t):
            return None
        src = spec["src"]
        if src not in self.sources:
            raise RuntimeError(f"unregistered source {src}")
        body = body_inbound(spec, host, self.cfg)
        flags = INBOUND | KERNEL | (RETRANS if rtx_of is not None else 0)
        # ufw-before-logging-input logs a sample of packets first as [UFW AUDIT] (logging level
        # high, rate-limited). Decided by a hash of the packet, not by a shared random stream, so
        # that generating fewer kinds leaves the other kinds' lines unchanged.
        h = zlib.crc32(f"{self._audit_key}{src}|{t}".encode())
        if h < self.cfg.audit_fraction * 4294967296.0:
            self._push(t - 4 - h % 37, host, "AUDIT", body, src, None,
                       INBOUND | KERNEL | AUDIT_COPY)
        # retransmission key: what a reader of the log can compare (TCP only)
        key = None
        if spec["proto"] == "TCP":
            key = (host.index, src, spec["dst"], spec["spt"], spec["dpt"], tuple(spec["flags"]))
        self._seq += 1
        self.packets.append((t, self._seq, host.index, action, body, src, key, flags))
        return self._seq

    def outbound(self, t, host, spec):
        """A new outbound connection: ufw at logging level high writes AUDIT then ALLOW."""
        if not self._in_range(t):
            return
        body = body_outbound(spec, host, self.cfg)
        self._push(t, host, "AUDIT", body, None, None, OUTBOUND | KERNEL)
        self._push(t + 12, host, "ALLOW", body, None, None, OUTBOUND | KERNEL)

    def system(self, t, host, tag, message):
        """A non-firewall syslog line: tag "kernel" (gets the uptime bracket) or "prog[pid]"."""
        if not self._in_range(t):
            return
        flags = SYSTEM | (KERNEL if tag == "kernel" else 0)
        self._push(t, host, None, message, tag, None, flags)

    # -- bookkeeping ------------------------------------------------------------------------------
    def add_event(self, event):
        self.events.append(event)
        return event

    def add_group(self, group):
        self.groups.append(group)
        return group
