#!/bin/sh
# lab_cycles: the real daemon against the lab's lookups that wait on each
# other: cyca.lab. and cycb.lab. (each one's only NS is inside the other,
# no glue at lab.) and fivens.lab. (ns1 and ns2 glued to servers that answer
# REFUSED, ns3-ns5 inside the zone without glue). Cancelling those lookups
# freed a walk twice (a use after free, then a double free) in --once and
# in the daemon. Here: --once on the whole lab ends by itself with exit 2
# and no sanitizer report, every configured zone judged; the three zones
# critical, naming their NS, as the lab's resolver (SERVFAIL) sees them;
# ok.lab. clean; the cycle failed from the loop, not after waiting out the
# walk deadline; and the daemon, every 2 s, keeps running cycle after cycle
# with every zone judged, and exits 0.
. "${top_srcdir:-.}/tests/lib.sh"
need dig
lab_start

CYCLES="cyca.lab. cycb.lab. fivens.lab."
CONF=$LAB/zonehealth.yaml

# configured_zones: the zones of $CONF, one a line.
configured_zones() {
	sed -n 's/^  - \(name: \)\{0,1\}\([^ ]*\)$/\2/p' "$CONF"
}

# ---- the lab is what the table says -----------------------------------------
for z in $CYCLES; do
	check "the lab config lists $z" grep -qx "  - name: $z" "$CONF"
done
# resolve ZONE: the lab resolver's rcode for ZONE SOA (bounded).
resolve() {
	timeout 30 dig +time=20 +tries=1 @127.0.53.53 "$1" SOA 2>&1 |
	    sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -n 1
}
for z in $CYCLES; do
	rc=$(resolve "$z")
	check "the lab resolver answers SERVFAIL for $z ($rc)" test "$rc" = SERVFAIL
done
# additional NAME: the A records lab.'s server hands out with NAME's referral.
additional() {
	timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 "$1" NS |
	    awk '$4 == "A" { print $1 }' | sort | xargs
}
check "lab. has no glue for cyca.lab. nor cycb.lab." \
	test -z "$(additional cyca.lab.)$(additional cycb.lab.)"
check "lab. has glue for ns1 and ns2.fivens.lab. only" \
	test "$(additional fivens.lab.)" = "ns1.fivens.lab. ns2.fivens.lab."
aa() {  # ADDR ZONE: ADDR answers ZONE's SOA with AA
	timeout 10 dig +norec +time=2 +tries=1 @"$1" "$2" SOA | grep -q '^;; flags:[^;]* aa[ ;]'
}
check "ns.cycb.lab.'s address serves cyca.lab." aa 127.0.79.1 cyca.lab.
check "ns.cyca.lab.'s address serves cycb.lab." aa 127.0.79.2 cycb.lab.
check "ns3.fivens.lab.'s address serves fivens.lab." aa 127.0.95.3 fivens.lab.
refused() {  # ADDR ZONE: ADDR answers REFUSED
	timeout 10 dig +norec +time=2 +tries=1 @"$1" "$2" SOA | grep -q 'status: REFUSED'
}
check "ns1.fivens.lab.'s glue address refuses fivens.lab." refused 127.0.55.1 fivens.lab.
check "ns2.fivens.lab.'s glue address refuses fivens.lab." refused 127.0.55.2 fivens.lab.

# ---- --once on the whole lab ----------------------------------------------
configured_zones > "$TMP/zones"
timeout 300 $(daemon_cmd) --once --format json -c "$CONF" > "$TMP/once.json" 2> "$TMP/once.err"
code=$?
echo "    --once exit status: $code"
check "--once ends by itself, exit 0-3, not by a signal ($code)" test "$code" -le 3
check "--once: no sanitizer report" sanitizer_clean "$TMP/once.err"
crash_show "$TMP/once.err" "$code"
check "--once exits 2: a zone is critical ($code)" test "$code" = 2

# json_ok FILE: the file is a diagnoses document (the zone checks below
# need one; a crashed run leaves none).
json_ok() {
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))["zones"]' "$1" 2>/dev/null
}

# judged JSON ZONES: every zone of the file ZONES in the JSON, once, judged.
judged() {
	python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
got = [z["zone"] for z in doc["zones"]]
assert len(want) > 30, want
missing = sorted(set(want) - set(got))
extra = sorted(set(got) - set(want))
assert not missing and not extra, ("missing", missing, "extra", extra)
assert len(got) == len(set(got)), "a zone twice"
bad = [(z["zone"], z["status"]) for z in doc["zones"]
       if z["status"] not in ("ok", "warning", "critical")]
assert not bad, bad
PY
}
check "--once printed its diagnoses as JSON" json_ok "$TMP/once.json"
json_ok "$TMP/once.json" || echo '{"zones": []}' > "$TMP/once.json"
check "--once: every configured zone, once, with a status" judged "$TMP/once.json" "$TMP/zones"

# show JSON ZONE: its status and findings, for the log.
show() {
	python3 - "$1" "$2" <<'PY'
import json, sys
for z in json.load(open(sys.argv[1]))["zones"]:
    if z["zone"] == sys.argv[2]:
        print("    %s %s" % (z["zone"], z["status"]))
        for f in z["findings"]:
            print("      %s/%s %s %s %s: %s" % (f["check"], f["cause"], f["server"],
                  f["address"], f["severity"], f["summary"]))
        for r in z.get("resolvers") or []:
            print("      resolver %s: %s" % (r["address"], r["rcode"]))
PY
}
# critical_naming JSON ZONE NS...: ZONE is critical, each NS is named by a
# finding, and the daemon's own resolver evidence says SERVFAIL too.
critical_naming() {
	python3 - "$@" <<'PY'
import json, sys
zone, names = sys.argv[2], sys.argv[3:]
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == zone]
assert len(z) == 1, "%s missing" % zone
z = z[0]
assert z["status"] == "critical", "%s: %s" % (zone, z["status"])
assert z["findings"], "%s: critical without a finding" % zone
named = {f["server"] for f in z["findings"]}
assert set(names) <= named, "%s: %s not all among %s" % (zone, names, named)
rs = z.get("resolvers") or []
assert rs and all(r["rcode"] == "SERVFAIL" for r in rs), "%s: resolvers %s" % (zone, rs)
PY
}
for z in $CYCLES; do show "$TMP/once.json" "$z"; done
check "cyca.lab.: critical, ns.cycb.lab. named, resolver SERVFAIL" \
	critical_naming "$TMP/once.json" cyca.lab. ns.cycb.lab.
check "cycb.lab.: critical, ns.cyca.lab. named, resolver SERVFAIL" \
	critical_naming "$TMP/once.json" cycb.lab. ns.cyca.lab.
check "fivens.lab.: critical, all five NS named, resolver SERVFAIL" \
	critical_naming "$TMP/once.json" fivens.lab. ns1.fivens.lab. ns2.fivens.lab. \
	ns3.fivens.lab. ns4.fivens.lab. ns5.fivens.lab.
# causes_of JSON ZONE: "cause/severity" of each finding, sorted, one line.
causes_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == sys.argv[2]][0]
print(" ".join(sorted({"%s/%s" % (f["cause"], f["severity"]) for f in z["findings"]})))
PY
}
# The cause is the cycle where the names are outside the zone; where they
# are inside it, the missing glue (named once, not also as a cycle).
check "cyca.lab.: ns_dependency_cycle, critical, only ($(causes_of "$TMP/once.json" cyca.lab.))" \
	test "$(causes_of "$TMP/once.json" cyca.lab.)" = "ns_dependency_cycle/critical"
check "cycb.lab.: ns_dependency_cycle, critical, only ($(causes_of "$TMP/once.json" cycb.lab.))" \
	test "$(causes_of "$TMP/once.json" cycb.lab.)" = "ns_dependency_cycle/critical"
check "fivens.lab.: missing_glue, no ns_dependency_cycle ($(causes_of "$TMP/once.json" fivens.lab.))" \
	sh -c 'case " $1 " in *" missing_glue/critical "*) case "$1" in *ns_dependency_cycle*) exit 1 ;; esac ;; *) exit 1 ;; esac' - \
	"$(causes_of "$TMP/once.json" fivens.lab.)"
clean() {  # JSON ZONE
	python3 - "$1" "$2" <<'PY'
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == sys.argv[2]]
assert len(z) == 1 and z[0]["status"] == "ok" and not z[0]["findings"], z
PY
}
check "ok.lab. stays clean" clean "$TMP/once.json" ok.lab.
check "lab. stays clean" clean "$TMP/once.json" lab.

# The three alone: the lookups that wait on each other fail from the loop,
# inside the walk deadline (21 s here: timeout 1s, retries 1), which the
# old code waited out before it crashed; the time is shown, not judged.
t0=$(date +%s)
timeout 300 $(daemon_cmd) --once --format json -c "$CONF" --zone cyca.lab. --zone cycb.lab. \
	--zone fivens.lab. > "$TMP/three.json" 2> "$TMP/three.err"
code=$?
secs=$(($(date +%s) - t0))
echo "    --once of the three zones: exit $code in $secs s"
check "--once of the three: exit 2 ($code)" test "$code" = 2
check "--once of the three: no sanitizer report" sanitizer_clean "$TMP/three.err"
crash_show "$TMP/three.err" "$code"
# Found, not waited out: no walk ran out of time, no run was cut short.
check "--once of the three: no walk out of time" sh -c '! grep -q "out of time" "$1"' _ "$TMP/three.json"
check "--once of the three: no run cut short" sh -c '! grep -q "cut short" "$1"' _ "$TMP/three.err"

# ---- the daemon, every 2 s ------------------------------------------------
daemon_config "$CONF" "$TMP/daemon.yaml"
alive() { kill -0 "$DPID" 2>/dev/null; }
start_daemon "$TMP/daemon.yaml"
check "every zone judged by the daemon" wait_judged

# last_runs: "ZONE-METRIC TIMESTAMP" lines, one a zone.
last_runs() {
	: > "$TMP/b"
	http GET /metrics >/dev/null
	awk '$1 ~ /^zonehealth_zone_last_run_timestamp_seconds\{/ { print $1, $2 }' "$TMP/b" | sort
}
# advanced OLD NEW: every zone of OLD has a later run in NEW.
advanced() {
	python3 - "$1" "$2" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1]))
b = dict(l.split() for l in open(sys.argv[2]))
sys.exit(0 if a and all(float(b.get(k, 0)) > float(v) for k, v in a.items()) else 1)
PY
}
last_runs > "$TMP/runs.0"
for round in 1 2 3; do
	for _ in $(seq 1 300); do
		alive || break
		last_runs > "$TMP/runs.$round"
		advanced "$TMP/runs.$((round - 1))" "$TMP/runs.$round" && break
		sleep 0.2
	done
done
check "every zone ran three more times" advanced "$TMP/runs.2" "$TMP/runs.3"
check "the daemon is alive after three cycles" alive
check "/healthz answers" test "$(http GET /healthz)" = 200
: > "$TMP/b"
code=$(http GET /api/v1/zones)
check "/api/v1/zones answers ($code)" test "$code" = 200
cp "$TMP/b" "$TMP/api.json" 2>/dev/null
json_ok "$TMP/api.json" || echo '{"zones": []}' > "$TMP/api.json"
check "the API: every configured zone, once, with a status" judged "$TMP/api.json" "$TMP/zones"
for z in $CYCLES; do show "$TMP/api.json" "$z"; done
check "the API: cyca.lab. critical, ns.cycb.lab. named" \
	critical_naming "$TMP/api.json" cyca.lab. ns.cycb.lab.
check "the API: cycb.lab. critical, ns.cyca.lab. named" \
	critical_naming "$TMP/api.json" cycb.lab. ns.cyca.lab.
check "the API: fivens.lab. critical, all five NS named" \
	critical_naming "$TMP/api.json" fivens.lab. ns1.fivens.lab. ns2.fivens.lab. \
	ns3.fivens.lab. ns4.fivens.lab. ns5.fivens.lab.
check "the API: ok.lab. clean" clean "$TMP/api.json" ok.lab.
if alive; then
	stop_daemon
else
	wait "$DPID"
	DSTATUS=$?
fi
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
check "daemon: no sanitizer report" sanitizer_clean "$DLOG"
crash_show "$DLOG" "$DSTATUS"
finish
