"""Collects generated packets and what they mean (sources, events, groups)."""

import random

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
    group: id shared by a packet and its retransmissions (None when there are none).
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
        self._audit_rng = random.Random(f"{cfg.seed}:audit-copies")

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
        """One inbound packet logged with `action`; returns its group id (for retransmissions)."""
        if not self._in_range(t):
            return None
        src = spec["src"]
        if src not in self.sources:
            raise RuntimeError(f"unregistered source {src}")
        body = body_inbound(spec, host, self.cfg)
        flags = INBOUND | KERNEL | (RETRANS if rtx_of is not None else 0)
        if self._audit_rng.random() < self.cfg.audit_fraction:
            # ufw-before-logging-input logs the packet first as [UFW AUDIT] (logging level high)
            self._push(t - self._audit_rng.randint(4, 40), host, "AUDIT", body, src, None,
                       INBOUND | KERNEL | AUDIT_COPY)
        # a packet is its own group; retransmissions point at the first copy's seq
        self._seq += 1
        seq = self._seq
        group = rtx_of if rtx_of is not None else seq
        self.packets.append((t, seq, host.index, action, body, src, group, flags))
        return seq

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
