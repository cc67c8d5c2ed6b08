#!/bin/sh
# lab_hostile: the real daemon against the lab's hostile servers (hostile.py
# as ns2 of each h*.lab. zone, ns1 healthy): garbage, answers cut short,
# compression loops, wrong ids and questions, oversized answers, a TCP
# trickle, TCP connections never closed, and floods of unsolicited UDP. The
# diagnoses name the hostile server with the right cause and nothing on
# the zones whose hostile server still gets a good answer through; ok.lab.
# stays clean beside them; runs stay inside the run deadline; the daemon
# keeps running cycle after cycle, closes every connection it opened and
# exits cleanly (under valgrind too: make valgrind-check).
. "${top_srcdir:-.}/tests/lib.sh"
need ss
lab_start

ZONES="ok.lab. hgarbage.lab. htruncated.lab. hcomploop.lab. hwrongid.lab.
hwrongquestion.lab. hoversized.lab. htrickle.lab. hnoclose.lab. hflood.lab."
# The lab's settings (hints, anchor, resolver, timeout 1s, retries 1), with
# the hostile zones, which the lab itself does not monitor.
sed -n '/^zones:/q;p' "$LAB/zonehealth.yaml" > "$TMP/hostile.yaml"
echo "zones:" >> "$TMP/hostile.yaml"
for z in $ZONES; do echo "  - $z" >> "$TMP/hostile.yaml"; done

# What each zone must show: ZONE CAUSE TRANSPORTS (in the summary), or
# ZONE - for none. Timeouts for wrong ids and questions come with the
# mismatched answers in the evidence.
cat > "$TMP/expect" <<'EOF'
ok.lab. -
hgarbage.lab. malformed_answer UDP and TCP
htruncated.lab. malformed_answer UDP and TCP
hcomploop.lab. malformed_answer UDP and TCP
hwrongid.lab. server_timeout UDP and TCP
hwrongquestion.lab. server_timeout UDP and TCP
htrickle.lab. server_timeout TCP
hoversized.lab. edns_broken UDP
hnoclose.lab. -
hflood.lab. -
EOF

# judge JSON: every zone as $TMP/expect says, the finding on ns2 as a
# warning (ns1 answers), nothing else.
judge() {
	python3 - "$1" "$TMP/expect" <<'PY'
import json, sys
zones = {z["zone"]: z for z in json.load(open(sys.argv[1]))["zones"]}
bad = []
for line in open(sys.argv[2]):
    zone, cause, *how = line.split()
    z = zones.get(zone)
    if z is None:
        bad.append("%s: not judged" % zone)
        continue
    got = [(f["cause"], f["severity"], f["server"], f["address"]) for f in z["findings"]]
    if cause == "-":
        if got or z["status"] != "ok":
            bad.append("%s: want no finding, got %s (%s)" % (zone, got, z["status"]))
        continue
    want = [(cause, "warning", "ns2." + zone)]
    if [g[:3] for g in got] != want or z["status"] != "warning":
        bad.append("%s: want %s, got %s (%s)" % (zone, want, got, z["status"]))
        continue
    f = z["findings"][0]
    if not f["address"].startswith("127.0.1") or not f["address"].endswith(".2"):
        bad.append("%s: the address %s is not ns2's" % (zone, f["address"]))
    tail = " over " + " ".join(how)
    if not f["summary"].endswith(tail):
        bad.append("%s: the summary %r does not end in %r" % (zone, f["summary"], tail))
    if cause == "server_timeout" and "mismatched answers ignored" not in f["evidence"] \
            and zone != "htrickle.lab.":
        bad.append("%s: the evidence does not tell the mismatched answers: %s" % (zone, f["evidence"]))
for b in bad:
    print("    " + b)
sys.exit(1 if bad else 0)
PY
}

# One --once pass: warnings only (exit 1), and each zone as expected.
timeout 300 $(daemon_cmd) --once --format json -c "$TMP/hostile.yaml" \
	> "$TMP/once.json" 2> "$TMP/once.err"
rc=$?
check "--once exits 1: warnings only ($rc)" test "$rc" = 1
check "--once: each hostile server diagnosed, the others clean" judge "$TMP/once.json"

# The daemon: runs every 2 s, so every zone runs several times with the
# hostile servers at it.
daemon_config "$TMP/hostile.yaml" "$TMP/daemon.yaml"
start_daemon "$TMP/daemon.yaml"
check "every zone judged by the daemon" wait_judged

# runs_done ZONE: the zone's run count so far, from its last-run times
# seen; wait (bounded) until every zone has run three more times.
last_runs() {
	http GET /metrics >/dev/null
	awk '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds\{/ { print $1, $2 }' "$TMP/b" | sort
}
last_runs > "$TMP/runs.0"
for round in 1 2 3; do
	for _ in $(seq 1 200); do
		last_runs > "$TMP/runs.$round"
		# every zone's timestamp moved on since the previous round
		if python3 - "$TMP/runs.$((round - 1))" "$TMP/runs.$round" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1]))
b = dict(l.split() for l in open(sys.argv[2]))
sys.exit(0 if a and all(float(b.get(k, 0)) > float(v) for k, v in a.items()) else 1)
PY
		then break; fi
		sleep 0.2
	done
done
check "every zone ran three more times" python3 - "$TMP/runs.2" "$TMP/runs.3" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1]))
b = dict(l.split() for l in open(sys.argv[2]))
sys.exit(0 if len(a) == 10 and all(float(b.get(k, 0)) > float(v) for k, v in a.items()) else 1)
PY
http GET /api/v1/zones >/dev/null
cp "$TMP/b" "$TMP/api.json"
check "the API: each hostile server diagnosed, the others clean" judge "$TMP/api.json"

http GET /metrics >/dev/null
cp "$TMP/b" "$TMP/metrics"
# The run deadline with timeout 1s and retries 1 (runner.c): 34 s.
check "every run ended inside the run deadline" awk '
	$1 ~ /^zonehealth_zone_last_run_duration_seconds\{/ { n++; if ($2 > 34) bad++ }
	END { exit !(n == 10 && bad == 0) }' "$TMP/metrics"
check "the flood's answers were counted as mismatched and ignored" awk '
	$1 == "zonehealth_server_queries_total{address=\"127.0.108.2\",transport=\"udp\",result=\"mismatched\"}" && $2 > 0 { ok = 1 }
	END { exit !ok }' "$TMP/metrics"
check "the garbage was counted as malformed" awk '
	$1 == "zonehealth_server_queries_total{address=\"127.0.100.2\",transport=\"udp\",result=\"malformed\"}" && $2 > 0 { ok = 1 }
	END { exit !ok }' "$TMP/metrics"
check "/healthz answers during the flood" test "$(http GET /healthz)" = 200

# hostile.py never closes its side of a TCP connection to hnoclose.lab.'s
# ns2: the daemon must. Established connections from the daemon to it,
# sampled (bounded) until none is open: after three cycles a leak would
# hold several.
open_conns() {
	ss -Htnp state established "dst 127.0.107.2:53" 2>/dev/null | grep -c "pid=$DPID,"
}
n=0
for _ in $(seq 1 20); do
	n=$(open_conns)
	[ "$n" -le 1 ] && break
	sleep 0.1
done
check "no TCP connection to the never-closing server left open ($n)" test "$n" -le 1

stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
finish
