#!/bin/sh
# bench/run.sh: N zones (default 10000) in a lab on loopback (contrib/lab:
# NSD and Knot, a signed root and TLD, Unbound as the resolver): mostly
# healthy, unsigned, NSEC- and NSEC3-signed, and N/500 zones of each broken
# kind (bench/mktab.py). One zonehealthd --once with every check, then the
# daemon on its schedule: cycle time, queries/s, CPU per 1000 zone runs,
# RSS, /metrics size and scrape time, HTTP under load. Prints figures and
# each kind's diagnoses; asserts nothing.
#
#   sudo bench/run.sh [N]          (root: the lab's servers bind port 53)
#
# Environment: ZONEHEALTHD (the binary), BENCH_DAEMON=0 (the --once pass
# only), BENCH_PROFILE=1 (perf record the --once pass: the top of the
# report is printed), BENCH_KEEP=DIR (build the lab in DIR and keep it).
set -eu
N=${1:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
ZH=${ZONEHEALTHD:-$top/src/zonehealthd}
LABSH=$top/contrib/lab/lab.sh
D=${BENCH_KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/zhbench.XXXXXX")}
DPID=""
cleanup() {
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$DPID" 2>/dev/null || true
	fi
	"$LABSH" stop "$D/lab" >/dev/null 2>&1 || true
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ -x "$ZH" ] || { echo "build first: make" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/run.sh needs root (port 53 on 127.0.110-112.x)" >&2; exit 1; }
mkdir -p "$D"

python3 "$top/bench/mktab.py" "$N" > "$D/bench.tab"
t0=$(date +%s.%N)
# A sample of each server's addresses and zones is checked at start: all
# 20,000 would take longer than the benchmark.
LAB_TABLE="$D/bench.tab" LAB_CHECK_SAMPLE=20 LAB_TIMEOUT=300 \
    "$LABSH" start "$D/lab" > "$D/lab.out" 2>&1 || { tail -n 20 "$D/lab.out"; exit 1; }
t1=$(date +%s.%N)

# The lab's config (its hints, trust anchor and resolver) with the
# benchmark's pace: one provider's address serves thousands of zones, so
# server_qps is far above the default (see the README).
{
	grep -v '^\(listen\|interval\|timeout\|retries\):' "$D/lab/zonehealth.yaml" | sed '/^zones:/,$d'
	echo 'listen: "127.0.0.1:0"'
	echo "interval: 60s"
	echo "timeout: 2s"
	echo "retries: 1"
	echo "serial_grace: 0s"
	echo "server_qps: 10000"
	echo "max_inflight: 4000"
	echo "max_concurrent_runs: 500"
	echo "log_level: info"
	sed -n '/^zones:/,$p' "$D/lab/zonehealth.yaml"
} > "$D/zh.yaml"

echo "bench: $N zones ($(tail -n 1 "$D/bench.tab" | sed 's/^# //'))"
echo "servers: $(nsd -v 2>&1 | head -n 1), Knot $(knotd -V 2>&1 | awk '{ print $NF; exit }'), $(unbound -V 2>&1 | head -n 1); $(nproc) cores"
echo "lab built and started in $(awk "BEGIN { printf \"%.0f\", $t1 - $t0 }") s"
echo
once() {
	/usr/bin/time -f '%e %U %S %M' -o "$D/time" "$@" "$ZH" --once --format json \
	    -c "$D/zh.yaml" > "$D/out.json" 2> "$D/err" || true
}
if [ "${BENCH_PROFILE:-0}" = 1 ] && command -v perf >/dev/null 2>&1; then
	once perf record -g -o "$D/perf.data" --
	perf report -i "$D/perf.data" --no-children --percent-limit 2 --stdio 2>/dev/null |
	    grep -E '^ +[0-9.]+%' | head -n 25 > "$D/perf.top" || true
else
	once
fi
read -r wall user sys maxrss <<EOF
$(tail -n 1 "$D/time")
EOF
queries=$(sed -n 's/.*info: [0-9]* zones, \([0-9]*\) queries in.*/\1/p' "$D/err")
echo "== zonehealthd --once, every check on every zone"
python3 - "$D/out.json" "$N" "$wall" "$user" "$sys" "$maxrss" "${queries:-0}" <<'PY'
import collections, json, sys
out, n = sys.argv[1], int(sys.argv[2])
wall, user, sys_, rss = map(float, sys.argv[3:7])
q = int(sys.argv[7])
zones = json.load(open(out))["zones"]
print("zones judged:      %d of %d" % (len(zones), n))
print("wall time:         %.2f s (%.0f zones/s)" % (wall, n / wall))
print("queries:           %d (%.1f per zone), %.0f/s" % (q, q / n, q / wall))
print("CPU:               %.2f s user + %.2f s system = %.2f s per 1000 zone runs"
      % (user, sys_, (user + sys_) * 1000 / n))
print("peak RSS:          %.1f MiB (%.1f KiB per zone)" % (rss / 1024, rss / n))
# What each kind should show (bench/mktab.py), and what it showed.
want = {"unsigned": None, "signed": None, "nsec3": None,
        "dead": "server_refused_connection", "lame": "lame_delegation",
        "nsmismatch": "ns_set_mismatch", "badglue": "glue_mismatch",
        "noglue": "missing_glue", "unresolvable": "ns_name_unresolvable",
        "refused": "server_refused", "servfail": "server_servfail",
        "stale": "serial_mismatch", "expired": "rrsig_expired",
        "notyet": "rrsig_not_yet_valid", "expiring": "rrsig_expiring_soon",
        "dsmismatch": "ds_no_matching_dnskey", "kskunsigned": "dnskey_not_signed_by_ksk",
        "bogus": "rrsig_bogus", "cdsmismatch": "cds_mismatch",
        "stalesig": "rrsig_expired", "gone": "zone_not_delegated"}
status = collections.defaultdict(collections.Counter)
named = collections.Counter()
other = collections.defaultdict(collections.Counter)
for z in zones:
    kind = z["zone"].split("-")[0]
    status[kind][z["status"]] += 1
    causes = {f["cause"] for f in z["findings"]}
    if want.get(kind) in causes or (want.get(kind) is None and not causes):
        named[kind] += 1
    for c in causes - {want.get(kind)}:
        other[kind][c] += 1
print("\n%-13s %6s  %-28s %-10s %s" % ("kind", "zones", "expected", "named", "status; other causes"))
for kind in sorted(status, key=lambda k: (want.get(k) is not None, k)):
    total = sum(status[kind].values())
    print("%-13s %6d  %-28s %4d/%-5d %s%s" % (
        kind, total, want.get(kind) or "(none: healthy)", named[kind], total,
        ", ".join("%s %d" % kv for kv in sorted(status[kind].items())),
        "; " + ", ".join("%s %d" % kv for kv in sorted(other[kind].items())) if other[kind] else ""))
PY
if [ -s "$D/perf.top" ]; then
	echo
	echo "perf: where the --once pass spent its CPU (self, above 2%):"
	sed 's/^/  /' "$D/perf.top"
fi

# The daemon on the same zones: one full cycle on its schedule, then the
# /metrics scrape (size, series, time) and HTTP under load during runs.
[ "${BENCH_DAEMON:-1}" = 1 ] || exit 0
printf 'state_file: %s/state\n' "$D" > "$D/daemon.yaml"
cat "$D/zh.yaml" >> "$D/daemon.yaml"
: > "$D/daemon.log"
"$ZH" -f -c "$D/daemon.yaml" 2> "$D/daemon.log" &
DPID=$!
PORT=""
for _ in $(seq 1 100); do
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$D/daemon.log" | tail -n 1)
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || { echo "daemon did not start:"; tail "$D/daemon.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
cpu() { awk '{ print $14 + $15 }' "/proc/$DPID/stat"; }
judged() {
	curl -s "$URL/metrics" | awk '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds/ { n++ } END { exit !(n >= '"$N"') }'
}
t0=$(date +%s.%N)
c0=$(cpu)
for _ in $(seq 1 900); do judged && break; sleep 0.2; done
t1=$(date +%s.%N)
c1=$(cpu)
hz=$(getconf CLK_TCK)
curl -s -o "$D/metrics" -w '%{time_total}\n' "$URL/metrics" > "$D/scrape.time"
curl -s -o "$D/zones.json" -w '%{time_total}\n' "$URL/api/v1/zones" > "$D/zones.time"
series=$(grep -vc '^#' "$D/metrics")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$DPID/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$DPID/status")
echo
echo "== the daemon (interval 60 s: its first cycle is spread over the interval)"
echo "first full cycle:  $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s, CPU $(awk "BEGIN { printf \"%.2f\", ($c1 - $c0) / $hz }") s ($(awk "BEGIN { printf \"%.2f\", ($c1 - $c0) / $hz * 1000 / $N }") s per 1000 zone runs, the polling scrapes included)"
echo "/metrics:          $(wc -c < "$D/metrics") bytes, $series series, scrape $(cat "$D/scrape.time") s"
echo "/api/v1/zones:     $(wc -c < "$D/zones.json") bytes, $(cat "$D/zones.time") s"
echo "daemon RSS:        $((rss / 1024)) MiB now, $((hwm / 1024)) MiB peak ($((hwm * 1024 / N)) bytes per zone)"
if command -v wrk >/dev/null 2>&1; then
	for path in /metrics /api/v1/zones; do
		echo "wrk -t2 -c32 -d10s $path (zones keep running meanwhile):"
		wrk -t2 -c32 -d10s --latency "$URL$path" 2>&1 |
		    grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|Socket errors|requests in' | sed 's/^/  /'
	done
else
	echo "(wrk is not installed: no HTTP load figures)"
fi
late=$(curl -s "$URL/metrics" | awk -v now="$(date +%s)" '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds/ && now - $2 > 70 { n++ } END { print n + 0 }')
echo "zones whose last run is older than interval + 10 s after the load: $late"
kill -TERM "$DPID"
wait "$DPID" 2>/dev/null || true
DPID=""
