#!/bin/sh
# bench/run.sh: N zones (default 10000) served by local NSD on loopback, one
# zonehealthd --once reachability pass; prints zones/s, queries/s, CPU
# seconds, peak RSS and RSS per zone. Not a test: it asserts nothing.
#
#   sudo bench/run.sh [N]          (needs root for port 53 on 127.0.70-71.x)
#
# Layout: a root on 127.0.70.1 delegates bench. to 127.0.70.2, which
# delegates zN.bench. to ns1/ns2.hosting.bench. (127.0.71.1 and .2), one
# NSD serving all N zones from one shared zone file.
set -eu
N=${1:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
ZH=${ZONEHEALTHD:-$top/src/zonehealthd}
D=$(mktemp -d "${TMPDIR:-/tmp}/zhbench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do
		for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ -x "$ZH" ] || { echo "build first: make" >&2; exit 1; }
for a in 127.0.70.1 127.0.70.2 127.0.71.1 127.0.71.2; do
	if ss -Hlnu "src $a:53" | grep -q . || ss -Hlnu 'sport = :53' | grep -q '0.0.0.0:53'; then
		echo "something already listens on $a:53" >&2; exit 1
	fi
done

SOA='SOA ns.bench. hostmaster.bench. 1 3600 900 86400 300'
cat > "$D/root.zone" <<EOF
\$TTL 86400
.		IN $SOA
.		IN NS a.root.bench.
a.root.bench.	IN A 127.0.70.1
bench.		IN NS ns.bench.
ns.bench.	IN A 127.0.70.2
EOF
{
	echo '$TTL 86400'
	echo "@ IN $SOA"
	echo '@ IN NS ns.bench.'
	echo 'ns IN A 127.0.70.2'
	echo 'ns1.hosting IN A 127.0.71.1'
	echo 'ns2.hosting IN A 127.0.71.2'
	i=1
	while [ "$i" -le "$N" ]; do
		printf 'z%d IN NS ns1.hosting.bench.\nz%d IN NS ns2.hosting.bench.\n' "$i" "$i"
		i=$((i + 1))
	done
} > "$D/bench.zone"
# One file for every child zone: NSD takes $ORIGIN from the zone's name.
cat > "$D/child.zone" <<EOF
\$TTL 3600
@	IN $SOA
@	IN NS ns1.hosting.bench.
@	IN NS ns2.hosting.bench.
www	IN A 127.0.0.1
EOF

nsd_conf() {	# NAME ADDRESSES...
	name=$1; shift
	mkdir -p "$D/$name"
	{
		echo "server:"
		echo "	server-count: 1"
		for a in "$@"; do echo "	ip-address: $a"; done
		echo "	port: 53"
		echo "	do-ip6: no"
		echo '	username: ""'
		echo '	chroot: ""'
		echo '	database: ""'
		echo "	zonelistfile: \"$D/$name/zone.list\""
		echo "	xfrdfile: \"$D/$name/xfrd.state\""
		echo "	xfrdir: \"$D/$name\""
		echo "	pidfile: \"$D/$name/nsd.pid\""
		echo "	logfile: \"$D/$name/nsd.log\""
		echo "	zonefiles-check: no"
		echo "	zonefiles-write: 0"
		echo "remote-control:"
		echo "	control-enable: no"
	} > "$D/$name/nsd.conf"
}
# A signed root (its KSK's DS is the trust anchor): the dnssec check then
# walks a real chain, and the unsigned zones below are insecure, not broken.
(cd "$D" && ksk=$(ldns-keygen -a ECDSAP256SHA256 -k .) &&
    zsk=$(ldns-keygen -a ECDSAP256SHA256 .) &&
    ldns-signzone -f root.zone.signed root.zone "$ksk" "$zsk" &&
    cp "$ksk.ds" anchor.ds) || { echo "cannot sign the root (ldnsutils)" >&2; exit 1; }
nsd_conf root 127.0.70.1
printf 'zone:\n\tname: "."\n\tzonefile: "%s"\n' "$D/root.zone.signed" >> "$D/root/nsd.conf"
nsd_conf tld 127.0.70.2
printf 'zone:\n\tname: "bench."\n\tzonefile: "%s"\n' "$D/bench.zone" >> "$D/tld/nsd.conf"
nsd_conf hosting 127.0.71.1 127.0.71.2
printf 'zone:\n\tname: "hosting.bench."\n\tzonefile: "%s"\n' "$D/hosting.zone" >> "$D/hosting/nsd.conf"
printf '$TTL 3600\n@ IN %s\n@ IN NS ns.bench.\nns1 IN A 127.0.71.1\nns2 IN A 127.0.71.2\n' "$SOA" > "$D/hosting.zone"
i=1
while [ "$i" -le "$N" ]; do
	printf 'zone:\n\tname: "z%d.bench."\n\tzonefile: "%s"\n' "$i" "$D/child.zone"
	i=$((i + 1))
done >> "$D/hosting/nsd.conf"
# hosting.bench. is its own zone on the hosting servers; bench. delegates it.
printf 'hosting IN NS ns1.hosting.bench.\nhosting IN NS ns2.hosting.bench.\n' >> "$D/bench.zone"

for name in root tld hosting; do
	nsd -d -c "$D/$name/nsd.conf" > "$D/$name/stdout" 2>&1 &
	PIDS="$PIDS $!"
done
ready() { dig +short +norec +time=1 +tries=1 @"$1" "$2" SOA | grep -q .; }
for _ in $(seq 1 600); do
	ready 127.0.70.1 . && ready 127.0.70.2 bench. && ready 127.0.71.2 "z$N.bench." && break
	sleep 0.1
done
ready 127.0.71.2 "z$N.bench." || { echo "NSD did not come up:"; tail "$D"/*/nsd.log; exit 1; }

printf '. 3600000 IN NS a.root.bench.\na.root.bench. 3600000 IN A 127.0.70.1\n' > "$D/hints"
{
	echo 'listen: "127.0.0.1:0"'
	echo "root_hints: $D/hints"
	echo "trust_anchor: $D/anchor.ds"
	echo "timeout: 2s"
	echo "retries: 1"
	echo "server_qps: 10000"
	echo "max_inflight: 4000"
	echo "max_concurrent_runs: 500"
	echo "log_level: info"
	echo "zones:"
	i=1
	while [ "$i" -le "$N" ]; do echo "  - z$i.bench"; i=$((i + 1)); done
} > "$D/zh.yaml"

echo "bench: $N zones on NSD ($(nsd -v 2>&1 | head -n 1)); $(nproc) cores"
/usr/bin/time -f '%e %U %S %M' -o "$D/time" "$ZH" --once --format json -c "$D/zh.yaml" \
	> "$D/out.json" 2> "$D/err" || true
read -r wall user sys maxrss <<EOF
$(tail -n 1 "$D/time")
EOF
queries=$(sed -n 's/.*info: [0-9]* zones, \([0-9]*\) queries in.*/\1/p' "$D/err")
python3 - "$D/out.json" "$N" "$wall" "$user" "$sys" "$maxrss" "${queries:-0}" <<'PY'
import json, sys
out, n, wall, user, sys_, rss, q = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:7]), int(sys.argv[7])
zones = json.load(open(out))["zones"]
by = {}
for z in zones:
    by[z["status"]] = by.get(z["status"], 0) + 1
print("zones judged:      %d %s" % (len(zones), by))
print("wall time:         %.2f s" % wall)
print("zones/s:           %.0f" % (n / wall))
print("queries:           %d (%.0f per zone)" % (q, q / n))
print("queries/s:         %.0f" % (q / wall))
print("CPU (zonehealthd): %.2f s user + %.2f s system" % (user, sys_))
print("peak RSS:          %.1f MiB (%.1f KiB per zone)" % (rss / 1024, rss / n))
PY

# The daemon on the same zones: one full cycle on its schedule, then the
# /metrics scrape (size, series, time) and HTTP under load during runs.
[ "${BENCH_DAEMON:-1}" = 1 ] || exit 0
sed -e 's/^listen:.*/listen: "127.0.0.1:0"/' "$D/zh.yaml" > "$D/daemon.yaml"
printf 'interval: 60s\nstate_file: %s/state\n' "$D" >> "$D/daemon.yaml"
: > "$D/daemon.log"
"$ZH" -f -c "$D/daemon.yaml" 2> "$D/daemon.log" &
DPID=$!
PIDS="$PIDS $DPID"
PORT=""
for _ in $(seq 1 100); do
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$D/daemon.log" | tail -n 1)
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || { echo "daemon did not start:"; tail "$D/daemon.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
judged() {
	curl -s "$URL/metrics" | awk '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds/ { n++ } END { exit !(n >= '"$N"') }'
}
t0=$(date +%s.%N)
for _ in $(seq 1 900); do judged && break; sleep 0.2; done
t1=$(date +%s.%N)
curl -s -o "$D/metrics" -w '%{time_total}\n' "$URL/metrics" > "$D/scrape.time"
curl -s -o "$D/zones.json" -w '%{time_total}\n' "$URL/api/v1/zones" > "$D/zones.time"
series=$(grep -vc '^#' "$D/metrics")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$DPID/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$DPID/status")
echo
echo "daemon: first full cycle (spread over the 60 s interval): $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
echo "/metrics:          $(wc -c < "$D/metrics") bytes, $series series, scrape $(cat "$D/scrape.time") s"
echo "/api/v1/zones:     $(wc -c < "$D/zones.json") bytes, $(cat "$D/zones.time") s"
echo "daemon RSS:        $((rss / 1024)) MiB now, $((hwm / 1024)) MiB peak ($((hwm / (N / 100))) KiB per 100 zones)"
if command -v wrk >/dev/null 2>&1; then
	for path in /metrics /api/v1/zones; do
		echo "wrk -t2 -c32 -d10s $path (zones keep running meanwhile):"
		wrk -t2 -c32 -d10s --latency "$URL$path" 2>&1 |
		    grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|Socket errors|requests in' | sed 's/^/  /'
	done
fi
late=$(curl -s "$URL/metrics" | awk -v now="$(date +%s)" '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds/ && now - $2 > 70 { n++ } END { print n + 0 }')
echo "zones whose last run is older than interval + 10 s after the load: $late"
kill -TERM "$DPID"
wait "$DPID" 2>/dev/null || true
