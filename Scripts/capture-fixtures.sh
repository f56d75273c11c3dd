#!/usr/bin/env bash
# capture-fixtures.sh — produce REAL kernel-written firewall log lines for scanlog's tests.
#
# What it does (run as root on a Debian 12 machine; takes about 10 minutes):
#   1. apt-get installs the tools (nmap zmap masscan hping3 rsyslog iptables nftables
#      logrotate iproute2 ufw ...), records their versions.
#   2. Builds network namespaces: sl-victim (the firewalled host, eth0, owns
#      192.0.2.17-30/28 and 2001:db8:20::20), sl-scan-a (198.51.100.x/24 and
#      2001:db8:100::x), sl-scan-b (203.0.113.x/24), all joined on one bridge in
#      sl-net. Only documentation ranges, only inside these namespaces.
#   3. Sets net.netfilter.nf_log_all_netns=1 (restored on exit) so the kernel prints
#      LOG lines from the victim namespace.
#   4. Runs its own rsyslogd (own config, pid file, work dir; imklog reading
#      /proc/kmsg) — the only kernel-log reader on the machine — writing ufw.log
#      (:msg,contains,"[UFW ") and kern.log files in several envelopes.
#   5. Four scenarios, each with a fresh network and a fresh rsyslogd:
#        ufw      real ufw 0.36.2 in the victim (logging high, AUDIT rules removed,
#                 rate limits removed) -> ufw-traditional/ufw.log{,.1,.2.gz,.3.gz}
#                 (RSYSLOG_TraditionalFileFormat) and rfc3339/kern.log{,...}
#                 (RSYSLOG_FileFormat), rotated by real logrotate between 4 phases
#        nftables nft ruleset (Scripts/capture/victim.nft, log ... flags all)
#                 -> nftables/kern.log (RFC3339, imklog ParseKernelTimestamp=on)
#        demo     same ufw rules, a mix of everything -> demo/ufw.log (traditional)
#        ufw-high real ufw "logging high" untouched (with its rate limits and
#                 [UFW AUDIT] rules) -> ufw-high/ufw.log (traditional)
#   6. Runs real scanners (nmap, zmap, masscan, hping3, ping) with fixed counts and
#      rates, records every exact command line in a journal, checks that the
#      number of log lines equals the kernel's LOG rule counters, and finally
#      Scripts/capture/summarize.py counts everything again from the log files
#      (independently of scanlog) into Fixtures/captures/expected.json and MANIFEST.md.
#
# Re-runnable: every start and every exit (trap) removes the sl-* namespaces, stops
# the rsyslogd and listeners it started (by pid), and restores the sysctl.
# Usage: sudo Scripts/capture-fixtures.sh [--no-install]
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CAP="$REPO/Scripts/capture"
OUT="$REPO/Fixtures/captures"
WORK=/var/lib/scanlog-capture          # root-owned (ufw and logrotate dislike world-writable dirs)
LIVE="$WORK/live"                      # rsyslog writes here; copied to $OUT at the end
JOURNAL="$WORK/scans.jsonl"            # one JSON record per scan
CHECKS="$WORK/checks.jsonl"            # counter-vs-lines checks per phase
PY=/usr/bin/python3
NS_ALL=(sl-victim sl-scan-a sl-scan-b sl-net sl-ufwgen)
RSYSLOG_PID="$WORK/rsyslog/rsyslogd.pid"
LISTENER_PIDFILE="$WORK/listener.pid"
SYSCTL_SAVE="$WORK/nf_log_all_netns.orig"
export TZ_LOG="Europe/Berlin"          # rsyslogd's local time zone (RFC 3339 offset +01:00 in winter)
T0=$(date +%s)

log() { printf '[capture %4ds] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

# ---------------------------------------------------------------- install
INSTALL=1
[ "${1:-}" = "--no-install" ] && INSTALL=0
PKGS=(nmap zmap masscan hping3 rsyslog iptables nftables logrotate iproute2 ufw python3 iputils-ping procps gzip)
if [ $INSTALL = 1 ]; then
  log "apt-get update / install: ${PKGS[*]}"
  apt-get update -qq >/dev/null
  MISSING=()
  AVAIL=()
  for p in "${PKGS[@]}"; do
    if [ -n "$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]; then
      AVAIL+=("$p")
    else
      MISSING+=("$p"); log "package $p is not available in this Debian release; going on without it"
    fi
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${AVAIL[@]}" >/dev/null 2>&1 || die "apt-get install failed"
  printf '%s\n' "${MISSING[@]:-}" > /tmp/scanlog-capture-missing.txt
fi
for t in nmap zmap masscan hping3 rsyslogd iptables ip6tables nft logrotate ufw ip ping; do
  command -v "$t" >/dev/null || log "WARNING: $t not found; scans needing it are skipped"
done
have() { command -v "$1" >/dev/null; }

# ---------------------------------------------------------------- cleanup
stop_pidfile() {  # stop the process whose pid is in $1 (only ours), wait for it
  local f=$1 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
teardown_net() {
  stop_pidfile "$LISTENER_PIDFILE"
  for n in "${NS_ALL[@]}"; do
    if ip netns list | awk '{print $1}' | grep -qx "$n"; then ip netns delete "$n"; fi
  done
}
cleanup() {
  local rc=$?
  set +e
  teardown_net
  stop_pidfile "$RSYSLOG_PID"
  if [ -s "$SYSCTL_SAVE" ]; then
    sysctl -qw net.netfilter.nf_log_all_netns="$(cat "$SYSCTL_SAVE")"
    rm -f "$SYSCTL_SAVE"
  fi
  [ $rc = 0 ] || log "exited with status $rc (cleanup done)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"; chmod 755 "$WORK"
cleanup_previous() {
  teardown_net
  stop_pidfile "$RSYSLOG_PID"
  if [ -s "$SYSCTL_SAVE" ]; then sysctl -qw net.netfilter.nf_log_all_netns="$(cat "$SYSCTL_SAVE")"; rm -f "$SYSCTL_SAVE"; fi
}
cleanup_previous

# only one reader of the kernel log at a time
if pgrep -x rsyslogd >/dev/null || pgrep -x systemd-journal >/dev/null || pgrep -x syslog-ng >/dev/null || pgrep -x klogd >/dev/null; then
  ps -o pid,args -C rsyslogd,systemd-journald,syslog-ng,klogd || true
  die "another kernel log reader is running (see above); stop it first, this script runs its own rsyslogd"
fi
log "no other syslog daemon / journald is reading the kernel log"

rm -rf "$LIVE" "$WORK/rsyslog" "$WORK/logrotate" "$WORK/ufwroot" "$WORK/setup" "$WORK/tool-output"
mkdir -p "$LIVE" "$WORK/rsyslog" "$WORK/logrotate" "$WORK/setup" "$WORK/tool-output"
: > "$JOURNAL"; : > "$CHECKS"

cat /proc/sys/net/netfilter/nf_log_all_netns > "$SYSCTL_SAVE"
sysctl -qw net.netfilter.nf_log_all_netns=1
log "net.netfilter.nf_log_all_netns=1 (was $(cat "$SYSCTL_SAVE"); restored on exit)"

# ---------------------------------------------------------------- versions
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel=$(uname -srvm)"
  echo "debian=$(cat /etc/debian_version)"
  echo "nmap=$(nmap --version 2>/dev/null | head -1)"
  echo "zmap=$(zmap --version 2>/dev/null | head -1)"
  echo "masscan=$(masscan --version 2>/dev/null | grep -m1 'Masscan version')"
  echo "hping3=$(hping3 --version 2>/dev/null | head -1)"
  echo "ping=$(ping -V 2>/dev/null | head -1)"
  echo "rsyslogd=$(rsyslogd -v 2>/dev/null | head -1)"
  echo "logrotate=$(logrotate --version 2>&1 | head -1)"
  echo "iptables=$(iptables --version)"
  echo "nft=$(nft --version)"
  echo "ufw=$(ufw version 2>/dev/null | head -1)"
  echo "iproute2=$(ip -V)"
  for p in nmap zmap masscan hping3 rsyslog iptables nftables logrotate iproute2 ufw iputils-ping; do
    echo "deb_$p=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo 'not installed')"
  done
  echo "missing_packages=$(tr '\n' ' ' < /tmp/scanlog-capture-missing.txt 2>/dev/null)"
} > "$WORK/versions.txt"
log "versions: $(grep -E '^(nmap|zmap|masscan|hping3|rsyslogd)=' "$WORK/versions.txt" | tr '\n' ';')"

# ---------------------------------------------------------------- network
VICTIM_MAC=02:00:c0:00:02:14
SCAN_A_MAC=02:00:c6:33:64:0a
SCAN_B_MAC=02:00:cb:00:71:0a
VICTIM4=192.0.2.20
VICTIM6=2001:db8:20::20
A_ADDRS=(198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.13 198.51.100.14 198.51.100.20
         198.51.100.30 198.51.100.40 198.51.100.41 198.51.100.42 198.51.100.50 198.51.100.60 198.51.100.61
         198.51.100.70 198.51.100.200)
A_ADDRS6=(2001:db8:100::10 2001:db8:100::11)
B_ADDRS=(203.0.113.10 203.0.113.11 203.0.113.12 203.0.113.13)
for i in $(seq 100 119); do B_ADDRS+=("203.0.113.$i"); done

nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }

setup_net() {
  teardown_net
  for n in sl-victim sl-scan-a sl-scan-b sl-net; do
    ip netns add "$n"
    ip -n "$n" link set lo up
    nsx "$n" sysctl -qw net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.all.accept_dad=0
  done
  nsx sl-victim sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  ip -n sl-net link add br0 type bridge stp_state 0 mcast_snooping 0
  nsx sl-net sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 2>/dev/null || true
  ip link add eth0 netns sl-victim address $VICTIM_MAC type veth peer name p-victim netns sl-net
  ip link add eth0 netns sl-scan-a address $SCAN_A_MAC type veth peer name p-scan-a netns sl-net
  ip link add eth0 netns sl-scan-b address $SCAN_B_MAC type veth peer name p-scan-b netns sl-net
  for p in p-victim p-scan-a p-scan-b; do ip -n sl-net link set "$p" master br0 up; done
  ip -n sl-net link set br0 up
  # victim: a /28 of IPv4 addresses (.20 first = primary) and one IPv6 address
  ip -n sl-victim addr add $VICTIM4/28 dev eth0
  for i in $(seq 17 30); do [ $i = 20 ] || ip -n sl-victim addr add 192.0.2.$i/28 dev eth0; done
  ip -n sl-victim addr add $VICTIM6/64 dev eth0 nodad
  # scanners: many real addresses each (source rotation without spoofing)
  for a in "${A_ADDRS[@]}"; do ip -n sl-scan-a addr add "$a/24" dev eth0; done
  for a in "${A_ADDRS6[@]}"; do ip -n sl-scan-a addr add "$a/64" dev eth0 nodad; done
  for a in "${B_ADDRS[@]}"; do ip -n sl-scan-b addr add "$a/24" dev eth0; done
  for n in sl-victim sl-scan-a sl-scan-b; do ip -n "$n" link set eth0 up; done
  ip -n sl-victim route add 198.51.100.0/24 dev eth0
  ip -n sl-victim route add 203.0.113.0/24 dev eth0
  ip -n sl-victim -6 route add 2001:db8:100::/64 dev eth0
  for n in sl-scan-a sl-scan-b; do ip -n "$n" route add 192.0.2.16/28 dev eth0; done
  ip -n sl-scan-a -6 route add 2001:db8:20::/64 dev eth0
  # wait until the link is usable both ways
  for _ in $(seq 50); do nsx sl-scan-a ping -c1 -W1 -q $VICTIM4 >/dev/null 2>&1 && break; sleep 0.2; done
  for _ in $(seq 50); do nsx sl-scan-b ping -c1 -W1 -q $VICTIM4 >/dev/null 2>&1 && break; sleep 0.2; done
  for _ in $(seq 50); do nsx sl-scan-a ping -6 -c1 -W1 -q $VICTIM6 >/dev/null 2>&1 && break; sleep 0.2; done
  sleep 4   # let the IPv6 MLD reports sent at link-up finish before any firewall rule exists
  log "network: sl-victim(eth0 $VICTIM_MAC 192.0.2.17-30/28 $VICTIM6) <-br0-> sl-scan-a(${#A_ADDRS[@]}+${#A_ADDRS6[@]} addrs) sl-scan-b(${#B_ADDRS[@]} addrs)"
}

start_listener() {  # TCP listener in the victim on the allowed ports (bounded lifetime)
  # plain command (not the nsx function) so that $! is the pid of ip -> exec timeout itself;
  # TERM to timeout is passed on to the listener
  ip netns exec sl-victim timeout 1800 $PY "$CAP/listener.py" --lifetime=1700 22 80 443 >/dev/null 2>&1 &
  echo $! > "$LISTENER_PIDFILE"
  sleep 0.5
}

# ---------------------------------------------------------------- firewall
UFWROOT="$WORK/ufwroot"
UFWNS=sl-victim
ufwv() { nsx "$UFWNS" ufw --rootdir="$UFWROOT" --datadir="$UFWROOT" "$@"; }
setup_ufw() {   # $1 = exact | untouched
  local mode=$1 setup="$WORK/setup/$2"
  rm -rf "$UFWROOT"; mkdir -p "$UFWROOT/etc/ufw" "$UFWROOT/etc/default" "$UFWROOT/lib" "$UFWROOT/usr/share" "$setup"
  # pristine package files (the /etc copies may have been edited by an admin)
  cp -a /usr/share/ufw "$UFWROOT/usr/share/"
  for f in before.rules before6.rules after.rules after6.rules user.rules user6.rules; do
    cp /usr/share/ufw/iptables/$f "$UFWROOT/etc/ufw/$f"
  done
  cp /usr/share/ufw/before.init /usr/share/ufw/after.init "$UFWROOT/etc/ufw/"
  cp /usr/share/ufw/ufw.conf "$UFWROOT/etc/ufw/ufw.conf"
  cp -a /etc/ufw/applications.d "$UFWROOT/etc/ufw/"
  cp -a /lib/ufw "$UFWROOT/lib/"
  cp /etc/default/ufw "$UFWROOT/etc/default/ufw"
  : > "$UFWROOT/etc/ufw/sysctl.none"     # do not let ufw-init touch sysctls
  sed -i "s|^IPT_SYSCTL=.*|IPT_SYSCTL=$UFWROOT/etc/ufw/sysctl.none|; s|^IPV6=.*|IPV6=yes|" "$UFWROOT/etc/default/ufw"
  {
    echo "ufw --rootdir=$UFWROOT --datadir=$UFWROOT (run inside sl-victim):"
    echo "  ufw default deny incoming; ufw default allow outgoing; ufw logging high"
    echo "  ufw allow log 22/tcp; ufw allow 80/tcp; ufw allow 443/tcp; ufw --force enable"
  } > "$setup/ufw-commands.txt"
  # exact mode: let ufw build its rules in an empty scratch namespace (only lo), edit them there
  # and load the result into the victim, so no packet ever meets the unedited rules
  if [ "$mode" = exact ]; then UFWNS=sl-ufwgen; ip netns add sl-ufwgen; ip -n sl-ufwgen link set lo up; else UFWNS=sl-victim; fi
  ufwv default deny incoming >/dev/null
  ufwv default allow outgoing >/dev/null
  ufwv logging high >/dev/null
  ufwv allow log 22/tcp >/dev/null
  ufwv allow 80/tcp >/dev/null
  ufwv allow 443/tcp >/dev/null
  ufwv --force enable >/dev/null
  ufwv status verbose > "$setup/ufw-status.txt"
  if [ "$mode" = exact ]; then
    # Same chains and prefixes, but every logged packet is logged exactly once per LOG
    # rule: drop the rate-limited [UFW AUDIT] rules, strip "-m limit" from the other LOG rules.
    for t in iptables ip6tables; do
      nsx sl-ufwgen $t-save > "$setup/$t.ufw-original.rules"
      grep -v -- '--log-prefix "\[UFW AUDIT\] "' "$setup/$t.ufw-original.rules" \
        | sed -E '/-j LOG --log-prefix "\[UFW (BLOCK|ALLOW|AUDIT INVALID)\] "/ s/ -m limit --limit 3\/min --limit-burst 10//' \
        | nsx sl-victim $t-restore
    done
    ip netns delete sl-ufwgen
    echo "  (run in a scratch namespace with only lo), then: [UFW AUDIT] rules deleted, '-m limit --limit 3/min --limit-burst 10' removed from the [UFW BLOCK]/[UFW ALLOW]/[UFW AUDIT INVALID] LOG rules" >> "$setup/ufw-commands.txt"
  fi
  nsx sl-victim iptables-save > "$setup/iptables.rules"
  nsx sl-victim ip6tables-save > "$setup/ip6tables.rules"
  log "victim firewall: real ufw ($(ufw version | head -1)), mode=$mode"
}
setup_nft() {
  local setup="$WORK/setup/$1"; mkdir -p "$setup"
  nsx sl-victim nft -f "$CAP/victim.nft"
  cp "$CAP/victim.nft" "$setup/victim.nft"
  log "victim firewall: nftables ruleset Scripts/capture/victim.nft"
}
fw_log_packets() {  # number of packets that went through a LOG/log rule in the victim
  if [ "$FW" = nft ]; then
    nsx sl-victim nft list ruleset | awk '/log prefix/ { for (i=1;i<=NF;i++) if ($i=="packets") s+=$(i+1) } END { print s+0 }'
  else
    { nsx sl-victim iptables-save -c; nsx sl-victim ip6tables-save -c; } \
      | awk '/-j LOG/ { gsub(/[\[\]]/,"",$1); split($1,a,":"); s+=a[1] } END { print s+0 }'
  fi
}

# ---------------------------------------------------------------- rsyslog / logrotate
# $1 = run name; $2 = imklog options; rest = action lines for the config
start_rsyslog() {
  local run=$1 klog=$2; shift 2
  local conf="$WORK/rsyslog/rsyslog-$run.conf"
  stop_pidfile "$RSYSLOG_PID"
  # drain what earlier readers left unread in /proc/kmsg, so the files start now
  timeout 1 cat /proc/kmsg > /dev/null 2>&1 || true
  {
    echo "# rsyslogd config written by Scripts/capture-fixtures.sh (run $run)"
    echo "global(workDirectory=\"$WORK/rsyslog\" localHostName=\"$HOSTNAME_LOG\")"
    echo "module(load=\"imklog\" permitNonKernelFacility=\"off\" $klog)"
    echo "\$FileCreateMode 0644"
    printf '%s\n' "$@"
  } > "$conf"
  rsyslogd -N1 -f "$conf" >/dev/null 2>&1 || { rsyslogd -N1 -f "$conf"; die "bad rsyslog config"; }
  TZ="$TZ_LOG" rsyslogd -f "$conf" -i "$RSYSLOG_PID"
  for _ in $(seq 50); do [ -s "$RSYSLOG_PID" ] && break; sleep 0.1; done
  [ -s "$RSYSLOG_PID" ] || die "rsyslogd did not start"
  sleep 1
  cp "$conf" "$WORK/setup/$run/rsyslog.conf" 2>/dev/null || { mkdir -p "$WORK/setup/$run"; cp "$conf" "$WORK/setup/$run/rsyslog.conf"; }
  log "rsyslogd pid $(cat "$RSYSLOG_PID") (imklog on /proc/kmsg, TZ=$TZ_LOG, host $HOSTNAME_LOG): $conf"
}
stop_rsyslog() { stop_pidfile "$RSYSLOG_PID"; log "rsyslogd stopped"; }

count_fw_lines() {  # lines written by the firewall so far in the given files (all rotations)
  local n=0 f
  for f in "$@"; do [ -e "$f" ] && n=$(( n + $(zcat -f "$f" | grep -c "$FWPAT" || true) )); done
  echo $n
}
# wait until the files hold as many firewall lines as the kernel counted LOG packets
settle() {  # $1 = label; rest = glob-expanded file list function name
  local label=$1 listfn=$2 want have i
  sleep 1
  for i in $(seq 60); do
    want=$(fw_log_packets)
    have=$(count_fw_lines $($listfn))
    [ "$have" -ge "$want" ] && break
    sleep 0.5
  done
  printf '{"run":"%s","label":"%s","log_rule_packets":%s,"lines_in_files":%s}\n' "$RUN" "$label" "$want" "$have" >> "$CHECKS"
  if [ "$have" = "$want" ]; then log "check $label: $have firewall lines = $want packets counted by the LOG rules"
  else log "WARNING $label: $have firewall lines in files, LOG rules counted $want packets"; fi
}

# ---------------------------------------------------------------- scan journal
# scan key=value... -- NS cmd args...   (bg=1 runs it in the background)
shquote() {  # print a command line that can be pasted into a shell
  local out="" a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=,+@%^-]+$ ]]; then out+="$a "
    else out+="'${a//\'/\'\\\'\'}' "; fi
  done
  printf '%s' "${out% }"
}
BGPIDS=()
scan() {
  local -A m=(); local k
  while [ "$1" != "--" ]; do k=${1%%=*}; m[$k]=${1#*=}; shift; done; shift
  local ns=$1; shift
  local tool=${m[tool]}
  if ! have "$tool"; then log "skip ${m[name]}: $tool not installed"; return 0; fi
  local cmdline; cmdline=$(shquote ip netns exec "$ns" "$@")
  local outf="$WORK/tool-output/$RUN-${m[name]}.txt"
  local args=(); for k in "${!m[@]}"; do args+=("$k" "${m[$k]}"); done
  _run() {
    local t0 t1 u0 u1 rc=0
    t0=$(date +%s.%N); u0=$(cut -d' ' -f1 /proc/uptime)
    (cd "$WORK/tool-output" && ip netns exec "$ns" "$@") > "$outf" 2>&1 || rc=$?
    t1=$(date +%s.%N); u1=$(cut -d' ' -f1 /proc/uptime)
    $PY - "$JOURNAL" run "$RUN" files "$RUN_FILES" ns "$ns" command "$cmdline" rc "$rc" \
         wall_start "$t0" wall_end "$t1" uptime_start "$u0" uptime_end "$u1" "${args[@]}" <<'PYEOF'
import json, sys
path, kv = sys.argv[1], sys.argv[2:]
rec = dict(zip(kv[0::2], kv[1::2]))
with open(path, "a") as f:
    f.write(json.dumps(rec, sort_keys=True) + "\n")
PYEOF
  }
  log "scan ${m[name]} [${m[kind]:-}]: $cmdline"
  if [ "${m[bg]:-0}" = 1 ]; then
    _run "$@" & BGPIDS+=($!)
  else
    _run "$@"
  fi
}
wait_bg() { local p; for p in "${BGPIDS[@]}"; do wait "$p" || true; done; BGPIDS=(); }

NMAP_COMMON=(-Pn -n --max-retries 0 --max-rate 300 --host-timeout 120s)

# ---- reusable scan blocks --------------------------------------------------
background_noise() {   # 20 sources, one or two SYNs each to popular ports (internet noise)
  local -a table=(
    "203.0.113.100 192.0.2.20 23"  "203.0.113.101 192.0.2.25 445"  "203.0.113.102 192.0.2.20 3389"
    "203.0.113.103 192.0.2.18 22"  "203.0.113.104 192.0.2.29 8080" "203.0.113.105 192.0.2.20 5900"
    "203.0.113.106 192.0.2.22 1433" "203.0.113.107 192.0.2.27 23"  "203.0.113.108 192.0.2.20 6379"
    "203.0.113.109 192.0.2.19 2323" "203.0.113.110 192.0.2.20 8443" "203.0.113.111 192.0.2.24 3306"
    "203.0.113.112 192.0.2.20 81"   "203.0.113.113 192.0.2.30 5555" "203.0.113.114 192.0.2.21 25"
    "203.0.113.115 192.0.2.20 9200" "203.0.113.116 192.0.2.26 7547" "203.0.113.117 192.0.2.20 23"
    "203.0.113.118 192.0.2.23 8888" "203.0.113.119 192.0.2.20 1723")
  local row s d p c n=0 srcs=""
  for row in "${table[@]}"; do
    read -r s d p <<< "$row"
    c=$(( (n % 3 == 0) ? 2 : 1 ))      # every third source sends a second SYN one second later
    srcs="$srcs $s"
    scan name="noise-$s" group=background tool=hping3 kind=background-sweep proto=tcp \
         src="$s" dst="$d" ports="$p" told="$c TCP SYN" bg=1 \
         -- sl-scan-b hping3 -q -S -a "$s" -p "$p" -c "$c" -i 1 "$d"
    n=$((n + 1))
  done
  wait_bg
}

zmap_sweep() {  # one port across the victim's /28 (16 addresses incl. network/broadcast)
  local src=$1 port=$2 rate=$3
  printf '192.0.2.16/28\n' > "$WORK/zmap-allow.txt"; : > "$WORK/zmap-deny.txt"
  scan name="zmap-sweep" tool=zmap kind=horizontal-sweep alt_kinds=background-sweep proto=tcp \
       src="$src" dst="192.0.2.16/28" ports="$port" told="16 TCP SYN (every address of 192.0.2.16/28 once)" \
       note="zmap's default blacklist excludes 192.0.2.0/24, so an allow-list of 192.0.2.16/28 and an empty blacklist are given; .16 and .31 are the network/broadcast addresses of the victim's /28 and ufw drops broadcast without logging" \
       -- sl-scan-a zmap -q -p "$port" -i eth0 -G $VICTIM_MAC -S "$src" -r "$rate" --max-targets=16 \
          --cooldown-time=2 -b "$WORK/zmap-deny.txt" -w "$WORK/zmap-allow.txt" -o /dev/null -f saddr
}

masscan_scan() {  # $1 src $2 dst $3 ports $4 rate $5 count
  # masscan 1.3.2 sits in its "waiting" loop long after --wait in this VM; timeout ends it
  scan name="masscan" tool=masscan kind=vertical-scan proto=tcp src="$1" dst="$2" ports="$3" \
       told="$5 TCP SYN, one per port, --retries 0, --rate $4" \
       note="run under timeout -s INT 40: masscan 1.3.2 keeps waiting long after sending here; all probes are sent in the first seconds" \
       -- sl-scan-a timeout -s INT 40 masscan "$2" -p"$3" --rate "$4" --retries 0 --wait 2 \
          --router-mac $VICTIM_MAC --source-ip "$1" -e eth0 --adapter-port 61000
}

distributed_scan() {  # $1 dst, $2 first port, $3 ports per member, $4.. members
  local dst=$1 first=$2 per=$3; shift 3
  local i=0 s lo hi
  for s in "$@"; do
    lo=$(( first + i * per )); hi=$(( lo + per - 1 ))
    scan name="distributed-$s" group=distributed tool=nmap kind=distributed-scan proto=tcp src="$s" dst="$dst" \
         ports="$lo-$hi" told="$per TCP SYN (nmap -sS, --max-retries 0); members of one group of $# sources splitting ports $first-$(( first + $# * per - 1 ))" bg=1 \
         -- sl-scan-b nmap -sS "${NMAP_COMMON[@]}" -S "$s" -e eth0 -p "$lo-$hi" "$dst"
    i=$((i + 1))
  done
  wait_bg
}

backscatter() {  # replies to spoofed traffic: SYN-ACKs / RST-ACKs from "attacked" servers
  local d
  for d in 192.0.2.20 192.0.2.23 192.0.2.28; do
    scan name="backscatter-synack-$d" group=backscatter tool=hping3 kind=backscatter proto=tcp match=src,proto,dst \
         src=198.51.100.60 dst="$d" ports="40000-40019" told="20 TCP SYN+ACK from port 443 (replies to a SYN flood spoofed from our addresses)" bg=1 \
         -- sl-scan-a hping3 -q -S -A -a 198.51.100.60 -s 443 -k -p ++40000 -c 20 -i u20000 "$d"
  done
  for d in 192.0.2.21 192.0.2.26; do
    scan name="backscatter-rstack-$d" group=backscatter tool=hping3 kind=backscatter proto=tcp match=src,proto,dst \
         src=198.51.100.61 dst="$d" ports="50000-50014" told="15 TCP RST+ACK from port 80" bg=1 \
         -- sl-scan-a hping3 -q -R -A -a 198.51.100.61 -s 80 -k -p ++50000 -c 15 -i u20000 "$d"
  done
  wait_bg
}

admin_logins() {  # a legitimate client opening real TCP connections to ssh
  scan name="admin-ssh-$2" tool=bash kind=none proto=tcp match=src,proto,time src=198.51.100.200 dst=$VICTIM4 ports=22 \
       told="$1 TCP connections (connect + close) to port 22, 2 s apart" \
       -- sl-scan-a bash -c "for i in \$(seq $1); do timeout 3 bash -c 'exec 3<>/dev/tcp/$VICTIM4/22' 2>/dev/null; sleep 2; done"
}
# note: /dev/tcp picks the primary source address of sl-scan-a (198.51.100.10) unless routed otherwise;
# a source route for 198.51.100.200 is set up in run_ufw/run_demo.

returning_visit() {  # $1 visit number
  scan name="returning-recon-visit$1" group=returning-recon tool=nmap kind=returning-recon proto=tcp match=src,proto,time \
       src=198.51.100.50 dst=$VICTIM4 ports="22,443,3389,8443" told="4 TCP SYN (visit $1 of 4)" \
       note="visits are minutes apart (one per phase/log file), not days apart" \
       -- sl-scan-a nmap -sS "${NMAP_COMMON[@]}" -S 198.51.100.50 -e eth0 -p 22,443,3389,8443 $VICTIM4
}

# ================================================================ run 1: ufw (rotated)
run_ufw() {
  RUN=ufw; FW=ufw; FWPAT='\[UFW '; HOSTNAME_LOG=web01
  RUN_FILES="ufw-traditional/ufw.log ufw-traditional/ufw.log.1 ufw-traditional/ufw.log.2.gz ufw-traditional/ufw.log.3.gz rfc3339/kern.log rfc3339/kern.log.1 rfc3339/kern.log.2.gz rfc3339/kern.log.3.gz"
  mkdir -p "$LIVE/ufw-traditional" "$LIVE/rfc3339" "$WORK/setup/ufw"
  log "=== run ufw: real ufw rules (exact logging), 4 phases with logrotate"
  start_rsyslog ufw 'ParseKernelTimestamp="off" KeepKernelTimestamp="off"' \
    "kern.* action(type=\"omfile\" file=\"$LIVE/rfc3339/kern.log\" template=\"RSYSLOG_FileFormat\")" \
    ":msg,contains,\"[UFW \" action(type=\"omfile\" file=\"$LIVE/ufw-traditional/ufw.log\" template=\"RSYSLOG_TraditionalFileFormat\")"
  cat > "$WORK/logrotate/ufw.conf" <<EOF
# logrotate config written by Scripts/capture-fixtures.sh (run ufw)
$LIVE/ufw-traditional/ufw.log
$LIVE/rfc3339/kern.log
{
	rotate 4
	weekly
	missingok
	notifempty
	compress
	delaycompress
	sharedscripts
	postrotate
		kill -HUP \$(cat $RSYSLOG_PID)
	endscript
}
EOF
  cp "$WORK/logrotate/ufw.conf" "$WORK/setup/ufw/logrotate.conf"
  setup_net
  setup_ufw exact ufw
  ip -n sl-scan-a route replace $VICTIM4/32 dev eth0 src 198.51.100.200 2>/dev/null || true
  start_listener
  files_ufw() { ls "$LIVE"/ufw-traditional/ufw.log* 2>/dev/null; }
  files_kern() { ls "$LIVE"/rfc3339/kern.log* 2>/dev/null; }
  rotate() {
    settle "$1" files_ufw
    local k; k=$(count_fw_lines $(files_kern)); log "kern.log set holds $k firewall lines"
    logrotate -f -s "$WORK/logrotate/ufw.state" "$WORK/logrotate/ufw.conf"
    sleep 1.5
    log "logrotate -f done: $(cd "$LIVE" && ls ufw-traditional rfc3339 | tr '\n' ' ')"
  }

  # ---- phase 1 -> ufw.log.3.gz: internet background, a zmap sweep, a fast vertical scan
  background_noise
  zmap_sweep 198.51.100.20 23 50
  scan name="nmap-syn" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.10 dst=$VICTIM4 ports=1-1000 \
       told="1000 TCP SYN (nmap -sS -p 1-1000 --max-retries 0 --max-rate 300)" \
       note="ufw allows 80 and 443 without logging and drops 139 and 445 without logging (after.rules); 22 is logged as [UFW ALLOW]" \
       -- sl-scan-a nmap -sS "${NMAP_COMMON[@]}" -S 198.51.100.10 -e eth0 -p 1-1000 $VICTIM4
  returning_visit 1
  rotate phase1

  # ---- phase 2 -> ufw.log.2.gz: hammering, masscan, start of a slow scan
  scan name="slow-scan" tool=nmap kind=slow-vertical-scan proto=tcp src=198.51.100.70 dst=192.0.2.22 \
       ports="21,23,25,110,143,1433,1521,2049,3306,3389,5432,5900,6379,8080,9200,27017" \
       told="16 TCP SYN, one every 8 s (--scan-delay 8s, 7.5 ports/min), spans phases 2 and 3 (two log files)" bg=1 \
       -- sl-scan-a nmap -sS -Pn -n --max-retries 0 --scan-delay 8s --max-parallelism 1 -S 198.51.100.70 -e eth0 \
          -p 21,23,25,110,143,1433,1521,2049,3306,3389,5432,5900,6379,8080,9200,27017 192.0.2.22
  SLOWPID=${BGPIDS[-1]}; BGPIDS=()
  scan name="hping3-hammer" tool=hping3 kind=service-hammering proto=tcp src=198.51.100.40 dst=$VICTIM4 ports=3306 \
       told="600 TCP SYN to port 3306 at 100/s (hping3 -c 600 -i u10000; source port increments)" \
       -- sl-scan-a hping3 -q -S -a 198.51.100.40 -p 3306 -c 600 -i u10000 $VICTIM4
  masscan_scan 198.51.100.30 192.0.2.21 1-1000 250 1000
  returning_visit 2
  sleep 20
  rotate phase2

  # ---- phase 3 -> ufw.log.1: UDP, FIN/NULL/XMAS, ICMP, end of the slow scan, logins
  scan name="nmap-udp" tool=nmap kind=vertical-scan proto=udp src=198.51.100.11 dst=$VICTIM4 \
       ports="53,67,69,111,123,137,138,161,500,514,520,623,1194,1434,1900,3478,4500,5060,5353,11211" \
       told="20 UDP probes (nmap -sU, nmap's per-port payloads, --max-retries 0)" \
       note="ufw drops UDP 67, 137, 138 without logging" \
       -- sl-scan-a nmap -sU "${NMAP_COMMON[@]}" -S 198.51.100.11 -e eth0 \
          -p 53,67,69,111,123,137,138,161,500,514,520,623,1194,1434,1900,3478,4500,5060,5353,11211 $VICTIM4
  for t in F:12:fin N:13:null X:14:xmas; do
    IFS=: read -r fl last nm <<< "$t"
    scan name="nmap-$nm" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.$last dst=$VICTIM4 ports=1000-1049 \
         told="50 TCP $nm probes (nmap -s$fl -p 1000-1049 --max-retries 0)" \
         note="conntrack marks these INVALID: ufw (logging high) logs each packet twice, [UFW AUDIT INVALID] then [UFW BLOCK]" \
         -- sl-scan-a nmap -s$fl "${NMAP_COMMON[@]}" -S 198.51.100.$last -e eth0 -p 1000-1049 $VICTIM4
  done
  scan name="icmp-echo" tool=hping3 kind=none proto=icmp src=198.51.100.41 dst=$VICTIM4 ports="" \
       told="5 ICMP echo requests" note="ufw before.rules accepts echo-request without logging: expect 0 lines" \
       -- sl-scan-a hping3 -q -1 -a 198.51.100.41 -c 5 -i u200000 $VICTIM4
  scan name="icmp-timestamp" tool=hping3 kind=none proto=icmp src=198.51.100.42 dst=$VICTIM4 ports="" \
       told="3 ICMP timestamp requests (type 13)" note="not accepted by ufw: [UFW BLOCK] PROTO=ICMP TYPE=13" \
       -- sl-scan-a hping3 -q -1 -C 13 -a 198.51.100.42 -c 3 -i u200000 $VICTIM4
  admin_logins 3 a
  returning_visit 3
  wait "$SLOWPID" || true
  rotate phase3

  # ---- phase 4 -> ufw.log: IPv6, a distributed scan, backscatter
  scan name="nmap-syn-v6" tool=nmap kind=vertical-scan proto=tcp src=2001:db8:100::10 dst=$VICTIM6 ports=1-200 \
       told="200 TCP SYN over IPv6 (nmap -6 -sS -p 1-200 --max-retries 0)" \
       note="ufw6 allows 80 without logging; 22 is [UFW ALLOW]; 139 is dropped without logging by after6.rules" \
       -- sl-scan-a nmap -6 -sS "${NMAP_COMMON[@]}" -S 2001:db8:100::10 -e eth0 -p 1-200 $VICTIM6
  distributed_scan 192.0.2.24 1 100 203.0.113.10 203.0.113.11 203.0.113.12 203.0.113.13
  backscatter
  returning_visit 4
  settle phase4 files_ufw
  log "kern.log set holds $(count_fw_lines $(files_kern)) firewall lines"
  teardown_net
  sleep 1
  stop_rsyslog
}

# ================================================================ run 2: nftables
run_nft() {
  RUN=nftables; FW=nft; FWPAT='IN=.* OUT=.*SRC='; HOSTNAME_LOG=gw01
  RUN_FILES="nftables/kern.log"
  mkdir -p "$LIVE/nftables" "$WORK/setup/nftables"
  log "=== run nftables: nft log ... flags all, RFC3339 envelope without uptime"
  start_rsyslog nftables 'ParseKernelTimestamp="on" KeepKernelTimestamp="off"' \
    "kern.* action(type=\"omfile\" file=\"$LIVE/nftables/kern.log\" template=\"RSYSLOG_FileFormat\")"
  setup_net
  setup_nft nftables
  start_listener
  files_nft() { ls "$LIVE"/nftables/kern.log; }
  zmap_sweep 198.51.100.20 23 50
  scan name="nmap-syn" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.10 dst=$VICTIM4 ports=1-300 \
       told="300 TCP SYN (nmap -sS -p 1-300 --max-retries 0)" note="80 and 443 accepted without logging; 22 logged by the ssh accept rule" \
       -- sl-scan-a nmap -sS "${NMAP_COMMON[@]}" -S 198.51.100.10 -e eth0 -p 1-300 $VICTIM4
  masscan_scan 198.51.100.30 192.0.2.21 1-300 250 300
  scan name="nmap-udp" tool=nmap kind=vertical-scan proto=udp src=198.51.100.11 dst=$VICTIM4 \
       ports="53,69,123,161,500,1900,5060,11211" told="8 UDP probes (nmap -sU --max-retries 0)" \
       -- sl-scan-a nmap -sU "${NMAP_COMMON[@]}" -S 198.51.100.11 -e eth0 -p 53,69,123,161,500,1900,5060,11211 $VICTIM4
  scan name="nmap-xmas" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.14 dst=$VICTIM4 ports=1000-1029 \
       told="30 TCP FIN+PSH+URG probes (nmap -sX)" note="INVALID in conntrack: logged by the invalid rule" \
       -- sl-scan-a nmap -sX "${NMAP_COMMON[@]}" -S 198.51.100.14 -e eth0 -p 1000-1029 $VICTIM4
  scan name="hping3-hammer" tool=hping3 kind=service-hammering proto=tcp src=198.51.100.40 dst=$VICTIM4 ports=3306 \
       told="200 TCP SYN to port 3306 at 100/s" \
       -- sl-scan-a hping3 -q -S -a 198.51.100.40 -p 3306 -c 200 -i u10000 $VICTIM4
  scan name="icmp-echo" tool=ping kind=none proto=icmp src=198.51.100.41 dst=$VICTIM4 ports="" \
       told="5 ICMP echo requests (ping -c 5 -i 0.2)" \
       -- sl-scan-a ping -q -c 5 -i 0.2 -I 198.51.100.41 $VICTIM4
  scan name="icmp-timestamp" tool=hping3 kind=none proto=icmp src=198.51.100.42 dst=$VICTIM4 ports="" \
       told="3 ICMP timestamp requests (type 13)" \
       -- sl-scan-a hping3 -q -1 -C 13 -a 198.51.100.42 -c 3 -i u200000 $VICTIM4
  scan name="icmpv6-echo" tool=ping kind=none proto=icmpv6 src=2001:db8:100::11 dst=$VICTIM6 ports="" \
       told="5 ICMPv6 echo requests (ping -6 -c 5 -i 0.2)" \
       -- sl-scan-a ping -6 -q -c 5 -i 0.2 -I 2001:db8:100::11 $VICTIM6
  scan name="nmap-syn-v6" tool=nmap kind=vertical-scan proto=tcp src=2001:db8:100::10 dst=$VICTIM6 ports=1-100 \
       told="100 TCP SYN over IPv6 (nmap -6 -sS -p 1-100)" \
       -- sl-scan-a nmap -6 -sS "${NMAP_COMMON[@]}" -S 2001:db8:100::10 -e eth0 -p 1-100 $VICTIM6
  distributed_scan 192.0.2.24 1 50 203.0.113.10 203.0.113.11 203.0.113.12 203.0.113.13
  scan name="backscatter-synack" group=backscatter tool=hping3 kind=backscatter proto=tcp \
       src=198.51.100.60 dst=192.0.2.23 ports="40000-40019" told="20 TCP SYN+ACK from port 443" \
       -- sl-scan-a hping3 -q -S -A -a 198.51.100.60 -s 443 -k -p ++40000 -c 20 -i u20000 192.0.2.23
  settle final files_nft
  teardown_net
  sleep 1
  stop_rsyslog
}

# ================================================================ run 3: demo
run_demo() {
  RUN=demo; FW=ufw; FWPAT='\[UFW '; HOSTNAME_LOG=web01
  RUN_FILES="demo/ufw.log"
  mkdir -p "$LIVE/demo" "$WORK/setup/demo"
  log "=== run demo: one ufw.log with a mix (embedded default demo input)"
  start_rsyslog demo 'ParseKernelTimestamp="off" KeepKernelTimestamp="off"' \
    ":msg,contains,\"[UFW \" action(type=\"omfile\" file=\"$LIVE/demo/ufw.log\" template=\"RSYSLOG_TraditionalFileFormat\")"
  setup_net
  setup_ufw exact demo
  ip -n sl-scan-a route replace $VICTIM4/32 dev eth0 src 198.51.100.200 2>/dev/null || true
  start_listener
  files_demo() { ls "$LIVE"/demo/ufw.log; }
  background_noise
  admin_logins 2 a
  zmap_sweep 198.51.100.20 23 50
  scan name="nmap-syn" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.10 dst=$VICTIM4 ports="top-300" \
       told="300 TCP SYN to nmap's 300 most common ports (--top-ports 300 --max-retries 0)" \
       -- sl-scan-a nmap -sS "${NMAP_COMMON[@]}" -S 198.51.100.10 -e eth0 --top-ports 300 $VICTIM4
  scan name="ssh-hammer" tool=hping3 kind=service-hammering proto=tcp src=198.51.100.40 dst=$VICTIM4 ports=22 \
       told="150 TCP SYN to port 22 (allowed and logged: [UFW ALLOW]) at 50/s" \
       -- sl-scan-a hping3 -q -S -a 198.51.100.40 -p 22 -c 150 -i u20000 $VICTIM4
  scan name="icmp-timestamp" tool=hping3 kind=none proto=icmp src=198.51.100.42 dst=$VICTIM4 ports="" \
       told="3 ICMP timestamp requests (type 13)" \
       -- sl-scan-a hping3 -q -1 -C 13 -a 198.51.100.42 -c 3 -i u200000 $VICTIM4
  scan name="nmap-syn-v6" tool=nmap kind=vertical-scan proto=tcp src=2001:db8:100::10 dst=$VICTIM6 ports=1-100 \
       told="100 TCP SYN over IPv6" \
       -- sl-scan-a nmap -6 -sS "${NMAP_COMMON[@]}" -S 2001:db8:100::10 -e eth0 -p 1-100 $VICTIM6
  distributed_scan 192.0.2.24 1 100 203.0.113.10 203.0.113.11 203.0.113.12
  scan name="backscatter-synack" group=backscatter tool=hping3 kind=backscatter proto=tcp \
       src=198.51.100.60 dst=192.0.2.23 ports="40000-40019" told="20 TCP SYN+ACK from port 443" \
       -- sl-scan-a hping3 -q -S -A -a 198.51.100.60 -s 443 -k -p ++40000 -c 20 -i u20000 192.0.2.23
  admin_logins 1 b
  settle final files_demo
  teardown_net
  sleep 1
  stop_rsyslog
}

# ================================================================ run 4: ufw-high (untouched)
run_ufw_high() {
  RUN=ufw-high; FW=ufw; FWPAT='\[UFW '; HOSTNAME_LOG=web02
  RUN_FILES="ufw-high/ufw.log"
  mkdir -p "$LIVE/ufw-high" "$WORK/setup/ufw-high"
  log "=== run ufw-high: real ufw 'logging high' untouched (rate-limited AUDIT and per-rule ALLOW)"
  start_rsyslog ufw-high 'ParseKernelTimestamp="off" KeepKernelTimestamp="off"' \
    ":msg,contains,\"[UFW \" action(type=\"omfile\" file=\"$LIVE/ufw-high/ufw.log\" template=\"RSYSLOG_TraditionalFileFormat\")"
  setup_net
  setup_ufw untouched ufw-high
  start_listener
  files_high() { ls "$LIVE"/ufw-high/ufw.log; }
  scan name="nmap-syn" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.10 dst=$VICTIM4 ports=1-200 \
       told="200 TCP SYN" note="first packets also get rate-limited [UFW AUDIT] lines (limit 3/min burst 10)" \
       -- sl-scan-a nmap -sS "${NMAP_COMMON[@]}" -S 198.51.100.10 -e eth0 -p 1-200 $VICTIM4
  scan name="nmap-fin" tool=nmap kind=vertical-scan proto=tcp src=198.51.100.12 dst=$VICTIM4 ports=1000-1029 \
       told="30 TCP FIN probes" -- sl-scan-a nmap -sF "${NMAP_COMMON[@]}" -S 198.51.100.12 -e eth0 -p 1000-1029 $VICTIM4
  scan name="ssh-hammer" tool=hping3 kind=service-hammering proto=tcp src=198.51.100.40 dst=$VICTIM4 ports=22 \
       told="60 TCP SYN to port 22" note="per-rule [UFW ALLOW] log is limited to 3/min burst 10: expect about 10 ALLOW lines" \
       -- sl-scan-a hping3 -q -S -a 198.51.100.40 -p 22 -c 60 -i u20000 $VICTIM4
  scan name="icmp-echo" tool=ping kind=none proto=icmp src=198.51.100.41 dst=$VICTIM4 ports="" \
       told="5 ICMP echo requests" note="accepted; only the rate-limited [UFW AUDIT] rule can log them" \
       -- sl-scan-a ping -q -c 5 -i 0.2 -I 198.51.100.41 $VICTIM4
  settle final files_high
  teardown_net
  sleep 1
  stop_rsyslog
}

run_ufw
run_nft
run_demo
run_ufw_high

# ---------------------------------------------------------------- publish
log "copying logs to $OUT"
mkdir -p "$OUT"
for d in ufw-traditional rfc3339 nftables demo ufw-high; do
  rm -rf "${OUT:?}/$d"; mkdir -p "$OUT/$d"
  cp -p "$LIVE/$d"/* "$OUT/$d/"
done
rm -rf "$OUT/setup"; cp -r "$WORK/setup" "$OUT/setup"
cp "$WORK/versions.txt" "$OUT/setup/versions.txt"
cp "$JOURNAL" "$OUT/setup/scans.jsonl"
cp "$CHECKS" "$OUT/setup/checks.jsonl"
log "summarizing (independent counts from the log files)"
$PY "$CAP/summarize.py" --captures "$OUT" --seconds "$(( $(date +%s) - T0 ))"
log "done in $(( $(date +%s) - T0 )) s. Files:"
(cd "$OUT" && find . -type f | sort | while read -r f; do printf '  %-45s %8s bytes %7s lines\n' "$f" "$(stat -c %s "$f")" "$(zcat -f "$f" | wc -l)"; done)
du -sh "$OUT"
