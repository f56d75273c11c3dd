#!/usr/bin/env python3
"""Writes DAYS days of generated ufw BLOCK lines (2026-11-01 ...) to DIR/dayNN.log, deterministically:
300 background sources a day on popular ports; from day 6 a source that comes back each day to 22 and 3389;
from day 4 a source trying five new ports a night on the same host; on day 13 forty sources on 3089/tcp.
Used by Scripts/nightly-demo.sh (the end-to-end tests have their own generator in Swift)."""
import os
import random
import sys

POPULAR = [22, 23, 80, 443, 445, 3389, 8080, 5900, 1433, 3306, 6379, 25, 110, 143, 8443, 2323, 81, 8081, 5060, 123]


def line(rng, day, second, source, port):
    stamp = f"Nov {day + 1:2d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    return (f"{stamp} web1 kernel: [{day * 86400 + second}.123456] [UFW BLOCK] IN=eth0 OUT= "
            f"MAC=aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:08:00 SRC={source} DST=198.51.100.10 LEN=44 TOS=0x00 "
            f"PREC=0x00 TTL=240 ID={rng.randint(1, 65535)} PROTO=TCP SPT={rng.randint(1024, 65535)} DPT={port} "
            f"WINDOW=1024 RES=0x00 SYN URGP=0 ")


def main():
    directory, days = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    os.makedirs(directory, exist_ok=True)
    for day in range(days):
        probes = []
        for _ in range(300):
            source = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            probes.append((rng.randint(0, 86399), source, rng.choice(POPULAR)))
        if day >= 5:
            probes += [(rng.randint(0, 86399), "203.0.113.77", port) for port in (22, 3389)]
        if day >= 3:
            probes += [(rng.randint(0, 86399), "192.0.2.55", port) for port in range(1000 + (day - 3) * 5, 1005 + (day - 3) * 5)]
        if day == 12:
            probes += [(rng.randint(36000, 40000), f"100.{64 + i}.{i}.{i + 1}", 3089) for i in range(40)]
        with open(os.path.join(directory, f"day{day + 1:02d}.log"), "w") as out:
            for second, source, port in sorted(probes):
                out.write(line(rng, day, second, source, port) + "\n")


if __name__ == "__main__":
    main()
