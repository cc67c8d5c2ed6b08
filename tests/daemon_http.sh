#!/bin/sh
# daemon_http: the real daemon on a free port, answering real HTTP requests.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need promtool
need python3

write_config zh.yaml 'interval: 1s' 'zones:' '  - example.com' '  - name: Example.NET.' '    interval: 5m'
start_daemon "$TMP/zh.yaml"

check "bound port logged" test "$PORT" -gt 0

code=$(http GET /)
check "GET / is 200" test "$code" = 200
check "GET / is HTML" test "$(header Content-Type)" = "text/html; charset=utf-8"
check "landing page links /metrics" grep -q 'href="/metrics"' "$TMP/b"
check "landing page links the API" grep -q 'href="/api/v1/zones"' "$TMP/b"
check "landing page lists a zone" grep -q 'example.net.' "$TMP/b"

code=$(http GET /metrics)
check "GET /metrics is 200" test "$code" = 200
check "metrics content type" test "$(header Content-Type)" = "text/plain; version=0.0.4; charset=utf-8"
check "promtool accepts /metrics" promtool check metrics < "$TMP/b"
check "zonehealth_zones counts both zones" test "$(metric zonehealth_zones)" = 2
check "reload gauge is 1" test "$(metric zonehealth_config_last_reload_successful)" = 1
check "build_info present" grep -q '^zonehealth_build_info{version="' "$TMP/b"
check "process metrics present" test -n "$(metric process_open_fds)"
check "resident memory is positive" awk '$1 == "process_resident_memory_bytes" && $2 > 0 { f = 1 } END { exit !f }' "$TMP/b"

# The scheduler runs zones (1s interval): the counter moves.
started=0
for _ in $(seq 1 60); do
	http GET /metrics >/dev/null
	started=$(metric zonehealth_runs_started_total)
	[ "${started:-0}" -ge 3 ] && break
	sleep 0.2
done
check "scheduler starts runs (runs_started_total=$started)" test "${started:-0}" -ge 3

code=$(http GET /metrics -H 'Accept: application/openmetrics-text; version=1.0.0')
check "OpenMetrics on request" test "$(header Content-Type)" = "application/openmetrics-text; version=1.0.0; charset=utf-8"
check "OpenMetrics ends with # EOF" test "$(tail -n 1 "$TMP/b")" = "# EOF"

code=$(http HEAD /metrics)
check "HEAD /metrics is 200" test "$code" = 200
check "HEAD keeps the content type" test "$(header Content-Type)" = "text/plain; version=0.0.4; charset=utf-8"

code=$(http POST /metrics -d 'x=1')
check "POST is 405" test "$code" = 405
check "405 names the allowed methods" test "$(header Allow)" = "GET, HEAD"
code=$(http DELETE /api/v1/zones)
check "DELETE is 405" test "$code" = 405

code=$(http GET /nope)
check "unknown path is 404" test "$code" = 404
code=$(http GET /metrics/extra)
check "path below /metrics is 404" test "$code" = 404

code=$(http GET /healthz)
check "healthz is 200" test "$code" = 200
check "healthz says ok" test "$(cat "$TMP/b")" = "ok"

code=$(http GET /api/v1/zones)
check "zones API is 200" test "$code" = 200
check "zones API is JSON" test "$(header Content-Type)" = "application/json"
# example.com. (1s interval) has run against the test root, which refuses.
check "zones API lists both zones, judged or not" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [z["zone"] for z in d["zones"]]
assert names == ["example.com.", "example.net."], names
z = d["zones"][0]
assert z["status"] == "critical" and z["checked_at"].endswith("Z"), z
assert [f["cause"] for f in z["findings"]] == ["parent_unreachable"], z
for z in d["zones"]:
    assert z["resolvers"] == [], z
    if z["status"] == "unknown":
        assert z["checked_at"] is None and z["findings"] == [], z
' "$TMP/b"

code=$(http GET /api/v1/zones/EXAMPLE.net)
check "one zone, any case, no trailing dot" test "$code" = 200
check "one zone's JSON" python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))
assert z["zone"] == "example.net.", z
' "$TMP/b"
code=$(http GET /api/v1/zones/example.org.)
check "unknown zone is 404" test "$code" = 404
check "404 body is JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))["error"]' "$TMP/b"

# Hostile requests: garbage, a huge URL, a half request; the daemon lives on.
printf 'GARBAGE\r\n\r\n' | curl -s --max-time 5 -o /dev/null telnet://127.0.0.1:$PORT 2>/dev/null
long=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(http GET "/$long")
check "huge URL is refused ($code)" test "$code" -ge 400
code=$(http GET '/api/v1/zones/%00%ff..')
check "bad zone name is 404" test "$code" = 404
code=$(http GET /healthz)
check "still alive after hostile input" test "$code" = 200

stop_daemon
check "SIGTERM exits 0 (status $DSTATUS)" test "$DSTATUS" = 0
check "shutdown logged" grep -q 'stopped' "$DLOG"

# --web.listen-address, twice: both serve, listen: is not used, and a
# reload that changes listen: keeps them (with a notice).
write_config flags.yaml 'zones: [example.com]'
sed -i 's|^listen: .*|listen: "127.0.0.1:1"|' "$TMP/flags.yaml"
start_daemon "$TMP/flags.yaml" --web.listen-address 127.0.0.1:0 \
    --web.listen-address 127.0.0.1:0
ports=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$DLOG")
check "two listeners logged" test "$(echo "$ports" | wc -l)" = 2
for p in $ports; do
	BASE="http://127.0.0.1:$p"
	code=$(http GET /healthz)
	check "--web.listen-address :$p serves /healthz" test "$code" = 200
done
sed -i 's|^listen: .*|listen: "127.0.0.1:2"|' "$TMP/flags.yaml"
kill -HUP "$DPID"
check "a changed listen: is ignored with a notice" \
    wait_for_log 'listen: changed to 127.0.0.1:2 in the config, ignored'
wait_for_log 'config: 1 zones' >/dev/null
for p in $ports; do
	BASE="http://127.0.0.1:$p"
	code=$(http GET /healthz)
	check "after the reload :$p still serves" test "$code" = 200
done
stop_daemon
check "--web.listen-address daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0

# --web.systemd-socket: a launcher binds as systemd would, then execs the
# daemon with the socket at descriptor 3 and LISTEN_PID its own pid (exec
# keeps it). MODE: listen, wrongpid or nolisten.
cat > "$TMP/activate.py" <<'PY'
import os, socket, sys
mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
if mode != "nolisten":
    s.listen(16)
with open(portfile, "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS="1",
           LISTEN_PID="1" if mode == "wrongpid" else str(os.getpid()))
os.execve(sys.argv[3], sys.argv[3:], env)
PY
write_config sd.yaml 'zones: [example.com]'
sed -i 's|^listen: .*|listen: "127.0.0.1:1"|' "$TMP/sd.yaml"
DLOG="$TMP/sd.log"
python3 "$TMP/activate.py" listen "$TMP/sdport" "$ZONEHEALTHD" -f -c "$TMP/sd.yaml" \
    --web.systemd-socket 2>"$DLOG" &
DPID=$!
PIDS="$PIDS $DPID"
check "socket activation: listening logged" wait_for_log 'listening on http://127.0.0.1:'
BASE="http://127.0.0.1:$(cat "$TMP/sdport")"
code=$(http GET /healthz)
check "socket activation: serves /healthz on systemd's socket" test "$code" = 200
check "socket activation: listen: of the config not bound" \
    sh -c "! grep -q '127.0.0.1:1/' '$DLOG'"
kill -HUP "$DPID"
check "socket activation: reload keeps systemd's socket" \
    wait_for_log 'config: 1 zones'
code=$(http GET /healthz)
check "socket activation: serves after a reload" test "$code" = 200
stop_daemon
check "socket activation: exits 0 ($DSTATUS)" test "$DSTATUS" = 0

for mode in wrongpid nolisten; do
	timeout 20 python3 "$TMP/activate.py" $mode "$TMP/sdport" "$ZONEHEALTHD" -f \
	    -c "$TMP/sd.yaml" --web.systemd-socket 2>"$TMP/sd.err"
	code=$?
	sed 's/^/    /' "$TMP/sd.err"
	check "socket activation, $mode: exits 1 ($code)" test "$code" = 1
	case $mode in
	wrongpid) why='passed to process 1, not to this one' ;;
	nolisten) why='descriptor 3 (socket 1 of 1 passed): not a listening socket' ;;
	esac
	check "socket activation, $mode: explained" grep -q "$why" "$TMP/sd.err"
done
finish
