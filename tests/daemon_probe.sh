#!/bin/sh
# daemon_probe: /probe?zone=NAME on the real daemon: off by default, the
# allow list, the metrics and JSON of a run made now, max_concurrent,
# basic auth, a client gone mid-probe, a reload and a stop during probes.
# The test root refuses every query (nothing listens on its addresses),
# so a probed zone gets parent_unreachable; a slow root (a sink that never
# answers, on 127.0.99.1, as root only) keeps probes in flight.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need python3

# all_clean: no sanitizer report in any daemon's log so far.
all_clean() {
	for log in "$TMP"/daemon.*; do
		check "no sanitizer report in ${log##*/}" sanitizer_clean "$log" ||
		    sanitizer_show "$log"
	done
}

# The probe keys are checked like every key: all errors, with positions.
write_config bad.yaml 'probe:' '  enabled: yes' '  allow: [example.com, EXAMPLE.com., "a..b"]' \
    '  max_concurent: 3' '  timeout: 100s' 'zones: [a.test]'
"$ZONEHEALTHD" -t -c "$TMP/bad.yaml" 2>"$TMP/err"; code=$?
sed 's/^/    /' "$TMP/err"
check "-t: bad probe keys exit 78 ($code)" test "$code" = 78
check "-t: enabled must be a boolean" grep -q ':[0-9]*:[0-9]*: error: "enabled": "yes" is not true or false' "$TMP/err"
check "-t: a suffix listed twice" grep -q '"allow": example.com. is listed twice' "$TMP/err"
check "-t: a bad suffix" grep -q '"allow": bad domain name "a..b"' "$TMP/err"
check "-t: a misspelt key" grep -q 'unknown key "max_concurent" (did you mean "max_concurrent"?)' "$TMP/err"
check "-t: timeout out of range" grep -q '"timeout": 100s is out of range' "$TMP/err"
write_config notmap.yaml 'probe: true' 'zones: [a.test]'
"$ZONEHEALTHD" -t -c "$TMP/notmap.yaml" 2>"$TMP/err"; code=$?
check "-t: probe must be a mapping ($code)" grep -q '"probe": expected a mapping, got a scalar' "$TMP/err"

# Off by default: no page.
write_config off.yaml 'zones: [a.test]'
start_daemon "$TMP/off.yaml"
code=$(http GET '/probe?zone=a.test')
check "probe off: /probe is 404 ($code)" test "$code" = 404
stop_daemon

PROBE='probe: { enabled: true, allow: [test, Example.ORG.], max_concurrent: 2 }'

# probe PATH [curl args]: http GET, again while the pacing of probe starts
# (max_concurrent a second) answers 429; bounded.
probe() {
	for _ in $(seq 1 50); do
		pcode=$(http GET "$@")
		[ "$pcode" != 429 ] && break
		sleep 0.2
	done
	echo "$pcode"
}
write_config on.yaml "$PROBE" 'zones: [a.test]'
start_daemon "$TMP/on.yaml"
code=$(http GET '/probe?zone=example.com')
check "zone outside allow: 403 ($code)" test "$code" = 403
code=$(http GET '/probe?zone=nottest')
check "a suffix matches at a label boundary only: 403 ($code)" test "$code" = 403
code=$(http GET '/probe')
check "no zone=: 400 ($code)" test "$code" = 400
code=$(http GET '/probe?zone=a%20b.test')
check "a bad zone name: 400 ($code)" test "$code" = 400
# Names under allow that no zone can have (an empty label, a 64-octet
# label, past 255 octets) once stopped the daemon from the runner.
long63=$(printf '%063d' 0 | tr 0 a)
for z in a..b.test .test .. "${long63}a.test" "$long63.$long63.$long63.${long63}.test"; do
	code=$(http GET "/probe?zone=$z")
	check "not a name ($(printf %.20s "$z")...): 400 ($code)" test "$code" = 400
done
check "the daemon is still serving after them" sh -c 'kill -0 "$1"' _ "$DPID"
code=$(http GET /healthz)
check "/healthz after them: 200 ($code)" test "$code" = 200
code=$(http GET '/probe?zone=x.test&format=xml')
check "a bad format: 400 ($code)" test "$code" = 400
code=$(http POST '/probe?zone=x.test')
check "POST /probe: 405 ($code)" test "$code" = 405

code=$(probe '/probe?zone=Probed.Test')
check "allowed zone: 200 ($code)" test "$code" = 200
check "probe metrics content type" \
    test "$(header Content-Type)" = "text/plain; version=0.0.4; charset=utf-8"
check "zonehealth_probe_success is there" grep -q '^zonehealth_probe_success [01]$' "$TMP/b"
check "zonehealth_probe_duration_seconds is there" \
    grep -q '^zonehealth_probe_duration_seconds [0-9.e-]*$' "$TMP/b"
check "a zonehealth_finding for the probed zone" \
    grep -q '^zonehealth_finding{zone="probed.test.",check="delegation",cause="parent_unreachable"' "$TMP/b"
check "its zonehealth_zone_status" grep -q '^zonehealth_zone_status{zone="probed.test."} 2$' "$TMP/b"
check "no other zone's series" sh -c "! grep -q 'zone=\"a.test.\"' '$TMP/b'"
if command -v promtool >/dev/null 2>&1; then
	check "promtool accepts the probe's metrics" promtool check metrics < "$TMP/b"
fi
code=$(probe '/probe?zone=probed.test' -H 'Accept: application/openmetrics-text; version=1.0.0')
check "OpenMetrics on request" test "$(tail -n 1 "$TMP/b")" = "# EOF"

code=$(probe '/probe?zone=sub.example.org&format=json')
check "format=json: 200 ($code)" test "$code" = 200
check "format=json: the zone's diagnosis" python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))
assert z["zone"] == "sub.example.org.", z
assert z["status"] == "critical", z
assert "parent_unreachable" in [f["cause"] for f in z["findings"]], z
' "$TMP/b"

# A probe leaves the watched zones alone: the probed zone is not listed.
http GET /api/v1/zones >/dev/null
check "a probed zone is not watched" sh -c "! grep -q 'probed.test' '$TMP/b'"
# A watched zone may be probed too: run now, its own state untouched.
code=$(probe '/probe?zone=a.test&format=json')
check "a watched zone can be probed ($code)" test "$code" = 200

# A reload turning probes off: the page says so; on again after.
write_config on.yaml 'zones: [a.test]'
kill -HUP "$DPID"
wait_for_log 'config: 1 zones' >/dev/null
for _ in $(seq 1 50); do
	code=$(http GET '/probe?zone=a.test'); [ "$code" = 404 ] && break; sleep 0.1
done
check "reloaded without probe: 404 ($code)" test "$code" = 404
stop_daemon
check "exits 0 ($DSTATUS)" test "$DSTATUS" = 0

# Basic auth covers /probe as every page.
HASH=$(python3 -W ignore -c 'import crypt
print(crypt.crypt("pw-probe", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))')
printf 'basic_auth_users:\n  prom: %s\n' "$HASH" > "$TMP/web.yml"
write_config auth.yaml "$PROBE" "web_config_file: $TMP/web.yml" 'zones: [a.test]'
start_daemon "$TMP/auth.yaml"
code=$(http GET '/probe?zone=x.test')
check "auth: /probe without credentials is 401 ($code)" test "$code" = 401
code=$(http GET '/probe?zone=x.test' -u prom:wrong)
check "auth: a wrong password is 401 ($code)" test "$code" = 401
code=$(probe '/probe?zone=x.test' -u prom:pw-probe)
check "auth: with credentials 200 ($code)" test "$code" = 200
stop_daemon
check "auth daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0

if [ "$(id -u)" != 0 ]; then
	echo "not root: no sink on 127.0.99.1:53, slow probes untested"
	all_clean
	finish
fi

# The slow root: takes every query, answers none.
python3 - "$TMP/sink.ready" <<'PY' &
import select, socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
u.bind(("127.0.99.1", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.99.1", 53))
t.listen(64)
open(sys.argv[1], "w").close()
conns = []
end = time.time() + 120
while time.time() < end:
    r, _, _ = select.select([u, t] + conns, [], [], 0.5)
    for s in r:
        if s is u:
            u.recvfrom(4096)
        elif s is t:
            conns.append(t.accept()[0])
        elif not s.recv(4096):
            conns.remove(s)
            s.close()
PY
SPID=$!
PIDS="$PIDS $SPID"
for _ in $(seq 1 50); do [ -e "$TMP/sink.ready" ] && break; sleep 0.1; done
printf '.  3600000 IN NS a.root.lab.\na.root.lab. 3600000 IN A 127.0.99.1\n' > "$TMP/slow.hints"
write_config slow.yaml \
    'probe: { enabled: true, allow: [test], max_concurrent: 2, timeout: 3s }' \
    'timeout: 2s' 'retries: 1' 'zones: [a.test]'
sed -i "s|^root_hints: .*|root_hints: $TMP/slow.hints|" "$TMP/slow.yaml"
start_daemon "$TMP/slow.yaml"

# Two probes in flight: a third is turned away with Retry-After. (A root
# query waits 2 s: no run ends sooner.)
sleep 1		# the pacing of starts: a full bucket
curl -s -o "$TMP/p1" -w '%{http_code}' --max-time 30 "$BASE/probe?zone=one.test" > "$TMP/c1" &
C1=$!; PIDS="$PIDS $C1"
curl -s -o "$TMP/p2" -w '%{http_code}' --max-time 30 "$BASE/probe?zone=two.test&format=json&timeout=1" > "$TMP/c2" &
C2=$!; PIDS="$PIDS $C2"
for _ in $(seq 1 100); do
	[ "$(grep -c 'probe [a-z]*\.test\.: started' "$DLOG")" -ge 2 ] && break; sleep 0.1
done
code=$(http GET '/probe?zone=three.test')
check "beyond max_concurrent: 429 ($code)" test "$code" = 429
check "429 says when to retry" test -n "$(header Retry-After)"
code=$(http GET /healthz)
check "other pages answer while probes run ($code)" test "$code" = 200

# A reload while they run: they finish with the config they started with.
kill -HUP "$DPID"
check "reload during probes" wait_for_log 'config: 1 zones'
wait "$C1"; wait "$C2"
check "probe 1 answered after the reload ($(cat "$TMP/c1"))" test "$(cat "$TMP/c1")" = 200
check "probe 1: its metrics" grep -q '^zonehealth_probe_success [01]$' "$TMP/p1"
check "probe 2 (json, timeout=1) ran out of time: 504 ($(cat "$TMP/c2"))" test "$(cat "$TMP/c2")" = 504
check "probe 2: a JSON error" python3 -c 'import json, sys; json.load(open(sys.argv[1]))["error"]' "$TMP/p2"

# ?timeout= asks for less than the configured bound.
code=$(probe '/probe?zone=quick.test&timeout=0.5')
check "timeout=0.5: answered, not judged ($code)" test "$code" = 200
check "timeout=0.5: probe_success 0" grep -q '^zonehealth_probe_success 0$' "$TMP/b"
code=$(http GET '/probe?zone=quick.test&timeout=soon')
check "a bad timeout: 400 ($code)" test "$code" = 400

# A client that leaves mid-probe: the daemon drops the answer and lives on.
n=$(grep -c 'cut short' "$DLOG")
curl -s -o /dev/null --max-time 0.2 "$BASE/probe?zone=gone.test&timeout=1"
check "the impatient client gave up" test $? = 28
code=$(http GET /healthz)
check "healthz right after a client left mid-probe ($code)" test "$code" = 200
for _ in $(seq 1 100); do
	[ "$(grep -c 'cut short' "$DLOG")" -gt "$n" ] && break; sleep 0.1
done
check "the abandoned probe ended" test "$(grep -c 'cut short' "$DLOG")" -gt "$n"
code=$(http GET /healthz)
check "healthz after its end ($code)" test "$code" = 200

# Stopping with a probe in flight.
curl -s -o /dev/null --max-time 30 "$BASE/probe?zone=last.test" &
C3=$!; PIDS="$PIDS $C3"
for _ in $(seq 1 100); do grep -q 'probe last.test.: started' "$DLOG" && break; sleep 0.1; done
stop_daemon
check "SIGTERM during a probe exits 0 ($DSTATUS)" test "$DSTATUS" = 0
wait "$C3" 2>/dev/null
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
all_clean
finish
