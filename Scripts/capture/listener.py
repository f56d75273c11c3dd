#!/usr/bin/python3
"""Tiny TCP listener for the victim namespace of capture-fixtures.sh.

Accepts connections on the given ports (IPv4 and IPv6) and closes them at
once, so that allowed ports answer SYN with SYN-ACK like a real service.
Stops by itself after --lifetime seconds (default 1800).
"""
import selectors
import socket
import sys
import time


def main(argv):
    lifetime = 1800.0
    ports = []
    for a in argv:
        if a.startswith("--lifetime="):
            lifetime = float(a.split("=", 1)[1])
        else:
            ports.append(int(a))
    sel = selectors.DefaultSelector()
    for p in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", p))
        s.listen(128)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1.0):
            try:
                c, _ = key.fileobj.accept()
                c.close()
            except OSError:
                pass


if __name__ == "__main__":
    main(sys.argv[1:])
