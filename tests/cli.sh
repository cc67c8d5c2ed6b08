#!/bin/sh
# cli: the command line: versions, usage errors, -t, --once plumbing.
. "${top_srcdir:-.}/tests/lib.sh"
need python3

out=$("$ZONEHEALTHD" -V); code=$?
check "-V exits 0" test $code = 0
check "-V names the daemon" sh -c "echo '$out' | grep -q '^zonehealthd [0-9]'"
for lib in libevent ldns libmicrohttpd libyaml; do
	check "-V names $lib" sh -c "echo '$out' | grep -q '^$lib [0-9]'"
done
"$ZONEHEALTHD" -h > "$TMP/out"; code=$?
check "-h exits 0" test $code = 0
check "-h prints usage" grep -q '^usage: zonehealthd' "$TMP/out"

"$ZONEHEALTHD" --bogus 2>/dev/null; code=$?
check "unknown option exits 64" test $code = 64
"$ZONEHEALTHD" --once --format xml 2>/dev/null; code=$?
check "bad --format exits 64" test $code = 64
"$ZONEHEALTHD" --format json 2>/dev/null; code=$?
check "--format without --once exits 64" test $code = 64
"$ZONEHEALTHD" --once --zone 'bad..name' 2>"$TMP/err"; code=$?
check "bad --zone exits 64" test $code = 64
check "bad --zone is explained" grep -q -- '--zone "bad..name"' "$TMP/err"
"$ZONEHEALTHD" extra 2>/dev/null; code=$?
check "stray argument exits 64" test $code = 64
"$ZONEHEALTHD" --web.listen-address 'no port' 2>"$TMP/err"; code=$?
check "bad --web.listen-address exits 64" test $code = 64
check "bad --web.listen-address is explained" grep -q -- '--web.listen-address "no port"' "$TMP/err"
"$ZONEHEALTHD" --web.listen-address :0 --web.systemd-socket 2>/dev/null; code=$?
check "--web.listen-address with --web.systemd-socket exits 64" test $code = 64
"$ZONEHEALTHD" --once --zone example.com --web.listen-address :0 2>/dev/null; code=$?
check "--web.listen-address with --once exits 64" test $code = 64
"$ZONEHEALTHD" -h | grep -q -- '--web.systemd-socket'
check "-h names --web.systemd-socket" test $? = 0

# -t: the shipped example, a good test config, a missing file.
"$ZONEHEALTHD" -t -c "$top_srcdir/etc/zonehealth.yaml" > "$TMP/out" 2>&1; code=$?
check "-t accepts the shipped config" test $code = 0
write_config good.yaml 'zones: [example.com]'
"$ZONEHEALTHD" -t -c "$TMP/good.yaml" > "$TMP/out"; code=$?
check "-t accepts a good config" test $code = 0
check "-t says ok" grep -q 'ok, 1 zones' "$TMP/out"
"$ZONEHEALTHD" -t -c "$TMP/absent.yaml" 2> "$TMP/err"; code=$?
check "-t on a missing file exits 78" test $code = 78
check "missing file error has a position" grep -q "^$TMP/absent.yaml:1:1: error: " "$TMP/err"

# -t on a config broken in many ways: every error, in order, with its place.
"$ZONEHEALTHD" -t -c "$DATA/broken.yaml" 2> "$TMP/err"; code=$?
check "-t on a broken config exits 78" test $code = 78
sed "s|@DATA@|$DATA|g" "$DATA/broken.expected" > "$TMP/expected"
check "-t reports every error with its position" diff -u "$TMP/expected" "$TMP/err"

# Daemon mode needs zones.
write_config nozones.yaml 'interval: 30s'
"$ZONEHEALTHD" -t -c "$TMP/nozones.yaml" 2> "$TMP/err"; code=$?
check "-t without zones exits 78" test $code = 78
"$ZONEHEALTHD" -t -c "$TMP/nozones.yaml" --zone example.org 2> "$TMP/err"; code=$?
check "--zone stands in for the zones list" test $code = 0

# --once: plumbing through the scheduler and renderers.
"$ZONEHEALTHD" --once --format json -c "$TMP/good.yaml" --zone Example.ORG --zone example.com > "$TMP/out"; code=$?
check "--once json parses, zones as selected" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [z["zone"] for z in d["zones"]] == ["example.com.", "example.org."], d
' "$TMP/out"
# The test hints' root refuses every query: the parent is unreachable.
check "--once exits 2 on a critical zone ($code)" test $code = 2
check "--once json names the cause" python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]
assert z["status"] == "critical", z
assert [f["cause"] for f in z["findings"]] == ["parent_unreachable"], z
' "$TMP/out"
"$ZONEHEALTHD" --once -c "$TMP/good.yaml" > "$TMP/out"; code=$?
check "--once text names the zone" grep -q '^example.com.  critical' "$TMP/out"
check "--once text names the finding" grep -q 'critical delegation/parent_unreachable' "$TMP/out"
finish
