#!/bin/sh
# daemon_reload_ta: SIGHUP while zones run, with a trust anchor. A reload
# freed the config whose trust anchor the runs going on still judged with:
# the next DNSSEC judgement read freed memory and the daemon died (SEGV in
# sig_link under ASan). On the lab, with its trust anchor and resolver and
# runs every 5 s: three SIGHUPs 3 s apart, the file unchanged, from 8 s
# after the start (runs in flight). Then the daemon is alive, /healthz
# answers, each reload was applied, every zone is judged again after the
# last one (its last-run time passes the reload's) with ok.lab. still clean,
# and SIGTERM exits 0 with no sanitizer report.
. "${top_srcdir:-.}/tests/lib.sh"
lab_start

# The lab's config (trust_anchor, resolvers, timeout 1s, retries 1), every
# 5 s; without the dependency-cycle zones, whose old crash lab_cycles.sh
# catches, so that a failure here is the reload's.
grep -q '^trust_anchor: ' "$LAB/zonehealth.yaml" || { echo "FAIL: the lab config has no trust_anchor"; exit 1; }
grep -q '^resolvers: ' "$LAB/zonehealth.yaml" || { echo "FAIL: the lab config has no resolvers"; exit 1; }
grep -Ev '^  - name: (cyca|cycb|fivens)\.lab\.$' "$LAB/zonehealth.yaml" |
	sed -e 's/^interval:.*/interval: 5s/' -e 's/^listen:.*/listen: "127.0.0.1:0"/' > "$TMP/zh.yaml"
NZONES=$(grep -c '^  - name: ' "$TMP/zh.yaml")

# last_runs: "METRIC{zone} TIMESTAMP" lines, one a zone.
last_runs() {
	: > "$TMP/b"
	http GET /metrics >/dev/null
	awk '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds\{/ { print $1, $2 }' "$TMP/b" | sort
}
# all_after FILE T: NZONES zones, each last run after epoch T.
all_after() {
	python3 - "$1" "$2" "$NZONES" <<'PY'
import sys
runs = dict(l.split() for l in open(sys.argv[1]))
t, n = float(sys.argv[2]), int(sys.argv[3])
late = sorted(k for k, v in runs.items() if float(v) <= t)
sys.exit(0 if len(runs) == n and not late else 1)
PY
}

alive() { kill -0 "$DPID" 2>/dev/null; }

start_daemon "$TMP/zh.yaml"
sleep 8
check "alive 8 s after the start" alive
last_runs > "$TMP/runs.before"
echo "    zones judged before the reloads: $(awk '$2 > 0' "$TMP/runs.before" | wc -l) of $NZONES"
for i in 1 2 3; do
	kill -HUP "$DPID" 2>/dev/null
	sleep 3
	check "alive 3 s after SIGHUP $i" alive
done
t_last=$(($(date +%s) - 3))
reloads=$(grep -c 'info: reloading ' "$DLOG")
applied=$(grep -c "info: config: $NZONES zones (0 added, 0 removed)" "$DLOG")
check "three reloads logged and applied ($reloads, $applied)" test "$reloads" = 3 -a "$applied" = 3
check "/healthz answers after the reloads" test "$(http GET /healthz)" = 200
: > "$TMP/b"
http GET /metrics >/dev/null
check "the last reload succeeded" test "$(metric zonehealth_config_last_reload_successful)" = 1

# Every zone judged again after the last SIGHUP (runs every 5 s; the
# slowest lab zones take some 20 s; bounded at 120 s).
ok=no
for _ in $(seq 1 240); do
	alive || break
	last_runs > "$TMP/runs.after"
	all_after "$TMP/runs.after" "$t_last" && { ok=yes; break; }
	sleep 0.5
done
check "every zone ($NZONES) judged after the last reload" test "$ok" = yes
check "the daemon is alive" alive
check "/healthz answers" test "$(http GET /healthz)" = 200
: > "$TMP/b"
http GET /api/v1/zones >/dev/null
[ -s "$TMP/b" ] || echo '{"zones": []}' > "$TMP/b"
check "ok.lab. still clean, every zone judged" python3 -c '
import json, sys
zones = json.load(open(sys.argv[1]))["zones"]
assert len(zones) == int(sys.argv[2]), len(zones)
assert all(z["status"] in ("ok", "warning", "critical") for z in zones), zones
ok = [z for z in zones if z["zone"] == "ok.lab."]
assert ok and ok[0]["status"] == "ok" and not ok[0]["findings"], ok
' "$TMP/b" "$NZONES"
# The DNSSEC check still judges with the anchor: a zone broken on purpose
# still shows its cause.
check "expired.lab. still shows rrsig_expired" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "expired.lab."]
assert z and any(f["cause"] == "rrsig_expired" for f in z[0]["findings"]), z
' "$TMP/b"

if alive; then
	stop_daemon
else
	wait "$DPID"
	DSTATUS=$?
fi
check "SIGTERM exits 0 ($DSTATUS)" test "$DSTATUS" = 0
check "no sanitizer report" sanitizer_clean "$DLOG"
crash_show "$DLOG" "$DSTATUS"
finish
