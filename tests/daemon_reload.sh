#!/bin/sh
# daemon_reload: SIGHUP with a good config, then a bad one, then shutdown.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need python3

zones_now() {
	http GET /api/v1/zones >/dev/null
	python3 -c 'import json, sys; print(" ".join(z["zone"] for z in json.load(open(sys.argv[1]))["zones"]))' "$TMP/b"
}

write_config zh.yaml 'zones: [a.test, b.test]'
start_daemon "$TMP/zh.yaml"
check "two zones at start" test "$(zones_now)" = "a.test. b.test."

# A good config: b goes, c comes, a stays.
write_config zh.yaml 'interval: 30s' 'zones: [a.test, c.test]'
kill -HUP "$DPID"
check "reload applied" wait_for_log 'config: 2 zones (1 added, 1 removed)'
check "zones follow the new config" test "$(zones_now)" = "a.test. c.test."
http GET /metrics >/dev/null
check "reload successful" test "$(metric zonehealth_config_last_reload_successful)" = 1
ts1=$(metric zonehealth_config_last_reload_success_timestamp_seconds)

# A bad config: refused with its errors, the old one keeps running.
cat > "$TMP/zh.yaml" <<'YAML'
listen: "127.0.0.1:0"
retries: many
zones: [a.test, d.test]
YAML
kill -HUP "$DPID"
check "bad reload refused" wait_for_log 'reload refused'
check "the error is logged with its position" grep -q "zh.yaml:2:10: error: " "$DLOG"
check "zones unchanged after a refused reload" test "$(zones_now)" = "a.test. c.test."
http GET /metrics >/dev/null
check "reload gauge drops to 0" test "$(metric zonehealth_config_last_reload_successful)" = 0
check "last success time kept" test "$(metric zonehealth_config_last_reload_success_timestamp_seconds)" = "$ts1"
code=$(http GET /healthz)
check "still serving" test "$code" = 200

# The file disappears: refused too.
rm -f "$TMP/zh.yaml"
kill -HUP "$DPID"
refused_twice() { [ "$(grep -c 'reload refused' "$DLOG")" -ge 2 ]; }
for _ in $(seq 1 100); do refused_twice && break; sleep 0.1; done
check "missing file refused" refused_twice
check "zones unchanged after a missing file" test "$(zones_now)" = "a.test. c.test." 

stop_daemon
check "SIGTERM exits 0 (status $DSTATUS)" test "$DSTATUS" = 0
finish
