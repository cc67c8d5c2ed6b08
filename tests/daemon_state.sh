#!/bin/sh
# daemon_state: state_file keeps findings' since-times across a restart;
# a corrupt or truncated state file is reported and ignored.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need python3

STATE="$TMP/state"
write_config zh.yaml "state_file: $STATE" 'interval: 10s' 'zones: [a.test, b.test]'

# since_of ZONE: the since of the zone's first finding, from the API.
since_of() {
	http GET "/api/v1/zones/$1" >/dev/null
	python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))
print(z["findings"][0]["since"] if z["findings"] else "")
' "$TMP/b"
}
judged() { [ -n "$(since_of a.test)" ]; }

start_daemon "$TMP/zh.yaml"
check "a missing state file is not an error" wait_for_log "state: $STATE does not exist yet"
for _ in $(seq 1 150); do judged && break; sleep 0.2; done
check "a.test. judged (parent unreachable)" judged
since1=$(since_of a.test)
stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
check "state written at shutdown" test -s "$STATE"
check "state file complete" sh -c "head -n 1 '$STATE' | grep -qx 'zonehealth-state 1' && tail -n 1 '$STATE' | grep -qx end"
check "state file private" test "$(stat -c %a "$STATE")" = 600
check "no temporary file left" test ! -e "$STATE.tmp"

# Later, a restart: the finding is the same one, since when it first appeared.
sleep 1.2
start_daemon "$TMP/zh.yaml"
check "state read at start" wait_for_log "state: $STATE read"
for _ in $(seq 1 150); do judged && break; sleep 0.2; done
since2=$(since_of a.test)
check "since kept across the restart ($since1 = $since2)" test -n "$since1" -a "$since1" = "$since2"
stop_daemon

# A truncated state file: reported, ignored, the daemon runs on.
head -n 2 "$STATE" > "$STATE.cut" && mv "$STATE.cut" "$STATE"
start_daemon "$TMP/zh.yaml"
check "truncated state reported" wait_for_log "state file $STATE ignored: truncated"
for _ in $(seq 1 150); do judged && break; sleep 0.2; done
since3=$(since_of a.test)
check "a fresh since after an ignored state ($since3 after $since1)" \
	test -n "$since3" -a "$since3" != "$since1"
stop_daemon
check "daemon exits 0 after ignored state ($DSTATUS)" test "$DSTATUS" = 0

# Garbage: the same.
head -c 3000 /dev/urandom > "$STATE"
start_daemon "$TMP/zh.yaml"
check "garbage state reported" wait_for_log "state file $STATE ignored"
code=$(http GET /healthz)
check "serving after garbage state" test "$code" = 200
stop_daemon
check "state rewritten whole at shutdown" sh -c "tail -n 1 '$STATE' | grep -qx end"
finish
