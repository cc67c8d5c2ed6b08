#!/bin/sh
# lab_reachability: the real daemon against the loopback lab (NSD, Knot,
# broken servers): each reachability cause named with its server and address,
# healthy zones clean; then the daemon itself, over HTTP.
. "${top_srcdir:-.}/tests/lib.sh"
need promtool
lab_start

# --once over every lab zone, as JSON.
$(daemon_cmd) --once --format json -c "$LAB/zonehealth.yaml" > "$TMP/once.json" 2> "$TMP/once.err"
code=$?
check "--once exits 2: a zone is critical ($code)" test "$code" = 2

# assert_zone ZONE STATUS [CAUSE SERVER ADDRESS SEVERITY]...: exactly these findings.
assert_zone() {
	python3 - "$TMP/once.json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
zone, status, rest = sys.argv[2], sys.argv[3], sys.argv[4:]
want = sorted(tuple(rest[i:i + 4]) for i in range(0, len(rest), 4))
z = [z for z in doc["zones"] if z["zone"] == zone]
assert len(z) == 1, "zone %s missing" % zone
z = z[0]
got = sorted((f["cause"], f["server"], f["address"], f["severity"])
             for f in z["findings"] if f["check"] == "reachability")
assert got == want, "%s: findings %s, want %s" % (zone, got, want)
assert z["status"] == status, "%s: status %s, want %s" % (zone, z["status"], status)
for f in z["findings"]:
    for k in ("summary", "evidence", "fix", "since"):
        assert f[k], "%s: %s empty in %s" % (zone, k, f)
PY
}
check "ok.lab. is clean" assert_zone ok.lab. ok
check "lab. is clean" assert_zone lab. ok
check "dead.lab.: nothing listens on ns2" assert_zone dead.lab. warning \
	server_refused_connection ns2.dead.lab. 127.0.56.2 warning
check "silent.lab.: ns2 never answers" assert_zone silent.lab. warning \
	server_timeout ns2.silent.lab. 127.0.57.2 warning
check "udponly.lab.: ns2 refuses TCP" assert_zone udponly.lab. warning \
	server_refused_connection ns2.udponly.lab. 127.0.58.2 warning
check "alldead.lab.: every address refuses, critical" assert_zone alldead.lab. critical \
	server_refused_connection ns1.alldead.lab. 127.0.59.1 critical \
	server_refused_connection ns2.alldead.lab. 127.0.59.2 critical
check "udponly's finding names TCP only" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "udponly.lab."][0]
s = z["findings"][0]["summary"]
assert "TCP" in s and "UDP" not in s, s
' "$TMP/once.json"

# Text output names cause, server and address.
$(daemon_cmd) --once -c "$LAB/zonehealth.yaml" --zone silent.lab > "$TMP/once.txt" 2>&1
check "text output: zone and status" grep -q '^silent.lab.  warning' "$TMP/once.txt"
check "text output: the finding" grep -q 'warning reachability/server_timeout ns2.silent.lab. 127.0.57.2' "$TMP/once.txt"
check "text output: evidence and fix" sh -c "grep -q 'evidence: ' '$TMP/once.txt' && grep -q 'fix: ' '$TMP/once.txt'"

# The daemon: runs on its schedule, metrics and API from state.
daemon_config "$LAB/zonehealth.yaml" "$TMP/daemon.yaml"
start_daemon "$TMP/daemon.yaml"
wait_judged
check "every zone judged by the daemon" all_judged
code=$(http GET /api/v1/zones/silent.lab)
check "silent.lab. over the API" python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))
assert z["status"] == "warning", z
assert [f["cause"] for f in z["findings"]] == ["server_timeout"], z
' "$TMP/b"
http GET /metrics >/dev/null
check "promtool accepts the lab's metrics" promtool check metrics < "$TMP/b"
check "finding metric" grep -q '^zonehealth_finding{zone="silent.lab.",check="reachability",cause="server_timeout",severity="warning",server="ns2.silent.lab.",address="127.0.57.2"} 1' "$TMP/b"
check "zone status metric" test "$(metric 'zonehealth_zone_status{zone="alldead.lab."}')" = 2
check "check status metric" test "$(metric 'zonehealth_check_status{zone="ok.lab.",check="reachability"}')" = 0
check "server reachable metric" test "$(metric 'zonehealth_server_reachable{address="127.0.55.1",transport="udp"}')" = 1
check "server unreachable metric" test "$(metric 'zonehealth_server_reachable{address="127.0.57.2",transport="udp"}')" = 0
check "timeouts counted" awk '$1 ~ /^zonehealth_server_queries_total\{address="127.0.57.2",transport="udp",result="timeout"\}/ && $2 > 0 { f = 1 } END { exit !f }' "$TMP/b"
stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
finish
