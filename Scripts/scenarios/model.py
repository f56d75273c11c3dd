"""Numbers behind the scenario model.

Every constant here is explained, with its source, in README.md (section "Numbers").
Volumes are per local IPv4 address per day at --scale 1 unless said otherwise.
"""

# --- Background volumes (per local IPv4 address per day, scale 1) -------------------------------
# teliten-log.plemma-ufw.log (real Ubuntu VPS, 2 addresses, 5 h): ~450 distinct sources and
# ~920 lines per address in 5 h, i.e. ~2,200 sources and ~4,400 lines per address per day.
SWEEP_SOURCES_PER_ADDR_DAY = 2400      # one-shot mass-scanner / botnet sources seen per address
DORMANT_PORTS = (3089, 3706, 3126)     # seed facts (ports.md): swept daily by rotating IPs
DORMANT_PROBES_PER_PORT_DAY = 20       # "dozens of probes a day" (SANS ISC, ports.md)
HOSTER_LINES_PER_ADDR_DAY = 600        # 79.124.62.0/24 alone: 12% of teliten lines
INSTITUTIONAL_SHARE = 0.25             # Griffioen et al. IMC 2024: ~1/3 of packets; teliten ~10-15%
BACKSCATTER_EPISODES_PER_ADDR_DAY = 15 # teliten: ~30 SYN-ACK/RST lines in 5 h on 2 addresses
IPV6_SOURCES_PER_HOST_DAY = 40         # IPv6 scanning is rare (no exhaustive sweeps possible)
SURGES_PER_WEEK = 1                    # Durumeric 2014: scanning surges within 48 h of a disclosure
SURGE_SOURCES_PER_ADDR = 300
DAY_VOLUME_JITTER = 0.15               # day-to-day volume factor drawn in [1-j, 1+j]

# Legitimate traffic (per host per day, scale 1)
CLIENTS_PER_HOST_DAY = 150
ADMIN_SOURCES = 2
# ufw: "ufw allow log 22/tcp" logs every new SSH connection; 80/443 are plain allow rules whose
# new connections appear only through the rate-limited logging: modelled as a sample.
DEFAULT_OPEN_PORTS = (22, 80, 443)
ALLOW_LOG_FRACTION = {22: 1.0}
DEFAULT_ALLOW_LOG_FRACTION = 0.2
AUDIT_DUPLICATE_FRACTION = 0.003       # [UFW AUDIT] copy logged just before a BLOCK/ALLOW line
OUTBOUND_CONNECTIONS_PER_HOST_DAY = 60
KERNEL_LINES_PER_HOST_DAY = 4          # plus 24 cron lines and a few timers a day (--noise syslog)

# --- Targeted events: how many per 7 days (at least one when the kind is requested) ---------------
EVENTS_PER_WEEK = {
    "vertical-scan": 3,
    "slow-vertical-scan": 1,
    "horizontal-sweep": 2,
    "service-hammering": 2,
    "distributed-scan": 1,
    "returning-recon": 2,
}

BACKGROUND_KINDS = ("background-sweep", "institutional-scanner", "backscatter")
TARGETED_KINDS = ("vertical-scan", "slow-vertical-scan", "horizontal-sweep",
                  "service-hammering", "distributed-scan", "returning-recon")
AMBIENT_KINDS = ("legitimate", "outbound", "system")
ALL_KINDS = BACKGROUND_KINDS + TARGETED_KINDS + AMBIENT_KINDS

# --- Ports ------------------------------------------------------------------------------------------
# (port, proto, weight). Weights from teliten's DPT counts, the brief's list and ports.md
# (Shadowserver daily scans, Mirai 23/2323, 5555 ADB, 7547 TR-069, 37215 Huawei, ...).
POPULAR_PORTS = (
    (23, "TCP", 12), (22, "TCP", 8), (80, "TCP", 6), (445, "TCP", 6), (3389, "TCP", 6),
    (443, "TCP", 4), (8080, "TCP", 4), (5555, "TCP", 4), (25, "TCP", 3), (1433, "TCP", 3),
    (81, "TCP", 3), (2323, "TCP", 2), (7547, "TCP", 2), (6379, "TCP", 2), (3306, "TCP", 2),
    (5900, "TCP", 2), (8443, "TCP", 2), (21, "TCP", 2), (8081, "TCP", 2), (37215, "TCP", 1.5),
    (8088, "TCP", 1.5), (9200, "TCP", 1.5), (2375, "TCP", 1.5), (139, "TCP", 1.5),
    (8000, "TCP", 1.5), (5432, "TCP", 1.5), (27017, "TCP", 1), (2376, "TCP", 1),
    (8888, "TCP", 1), (1080, "TCP", 1), (3128, "TCP", 1), (52869, "TCP", 1), (8291, "TCP", 1),
    (6443, "TCP", 1), (5985, "TCP", 1), (10000, "TCP", 1), (110, "TCP", 0.7), (143, "TCP", 0.7),
    (587, "TCP", 0.7), (993, "TCP", 0.5), (995, "TCP", 0.5), (111, "TCP", 0.5), (873, "TCP", 0.5),
    (1883, "TCP", 0.7), (5672, "TCP", 0.5), (5984, "TCP", 0.7), (9000, "TCP", 0.7),
    (60001, "TCP", 0.5), (49152, "TCP", 0.5), (502, "TCP", 0.5), (102, "TCP", 0.3),
    (20000, "TCP", 0.3), (47808, "UDP", 0.3),
    (53, "UDP", 2), (123, "UDP", 2), (1900, "UDP", 2), (5060, "UDP", 2), (11211, "UDP", 1.5),
    (161, "UDP", 1.5), (389, "UDP", 1), (137, "UDP", 1), (500, "UDP", 1), (69, "UDP", 0.5),
    (19, "UDP", 0.5), (17, "UDP", 0.3), (3283, "UDP", 0.5), (5683, "UDP", 0.5), (623, "UDP", 0.5),
    (1194, "UDP", 0.5), (27015, "UDP", 0.3), (37810, "UDP", 0.3),
)

# Ports that service-specific bots (real TCP stacks, connect()) go after.
SERVICE_BOT_PORTS = (22, 23, 445, 3389, 1433, 3306, 5900, 80, 8080, 6379, 5432, 21, 25, 2222, 8443)

# UDP probe sizes (IP total length) by destination port; others send an empty datagram (28).
UDP_IP_LEN = {
    53: (57, 80), 123: (76, 76), 1900: (122, 130), 5060: (380, 460), 11211: (43, 43),
    161: (71, 85), 389: (80, 80), 137: (78, 78), 500: (120, 300), 69: (40, 48), 19: (29, 29),
    17: (29, 29), 3283: (33, 33), 5683: (49, 49), 623: (51, 51), 1194: (42, 54),
    27015: (53, 53), 37810: (29, 29), 47808: (53, 53),
}

SURGE_PORTS = (52869, 9530, 4567, 60001, 5984, 10250, 8291, 7001, 37215, 8728)

# Ports hammered by service-hammering events (port, proto, description)
HAMMER_TARGETS = (
    (2222, "TCP", "SSH on a non-standard port"), (3389, "TCP", "RDP"), (1433, "TCP", "MSSQL"),
    (3306, "TCP", "MySQL"), (5432, "TCP", "PostgreSQL"), (6379, "TCP", "Redis"),
    (445, "TCP", "SMB"), (5900, "TCP", "VNC"), (8022, "TCP", "SSH on a non-standard port"),
    (5060, "UDP", "SIP (SIPVicious-style REGISTER flood)"),
)

RECON_PORT_CHOICES = (443, 8443, 8080, 3389, 21, 2222)
