#!/bin/sh
# shard: instances with --shard I/N (or shard: in the config) split one zone
# list exactly, and a third shard takes zones only for itself.
. "${top_srcdir:-.}/tests/lib.sh"
need python3
need curl

ZONES=$(seq 1 60 | sed 's/.*/z&.test/' | tr '\n' ',' | sed 's/,$//')
write_config zh.yaml "zones: [$ZONES]" 'retries: 0' 'timeout: 1s'

# zones_of I/N: the zones --once judges as shard I of N, one per line.
zones_of() {
	$(daemon_cmd) --once --format json --shard "$1" -c "$TMP/zh.yaml" 2>/dev/null |
	    python3 -c 'import json, sys; print("\n".join(z["zone"] for z in json.load(sys.stdin)["zones"]))'
}
zones_of 1/2 > "$TMP/s12"
zones_of 2/2 > "$TMP/s22"
seq 1 60 | sed 's/.*/z&.test./' | sort > "$TMP/all"
check "1/2 has zones" test -s "$TMP/s12"
check "2/2 has zones" test -s "$TMP/s22"
check "the two shards share no zone" test -z "$(sort "$TMP/s12" "$TMP/s22" | uniq -d)"
check "together they are the list" sh -c "sort '$TMP/s12' '$TMP/s22' | cmp -s - '$TMP/all'"

# Three shards: every zone that changed owner went to shard 3.
zones_of 1/3 > "$TMP/s13"
zones_of 2/3 > "$TMP/s23"
zones_of 3/3 > "$TMP/s33"
check "three shards are the list" sh -c "sort '$TMP/s13' '$TMP/s23' '$TMP/s33' | cmp -s - '$TMP/all'"
check "shard 1 only lost zones" test -z "$(sort "$TMP/s13" "$TMP/s12" "$TMP/s12" | uniq -u)"
check "shard 2 only lost zones" test -z "$(sort "$TMP/s23" "$TMP/s22" "$TMP/s22" | uniq -u)"

# The config key does the same, and the daemon says which share it owns.
write_config sh.yaml "zones: [$ZONES]" 'shard: 2/2' 'interval: 1h'
start_daemon "$TMP/sh.yaml"
http GET /metrics >/dev/null
check "shard info metric" grep -q '^zonehealth_shard_info{shard="2/2"} 1$' "$TMP/b"
http GET /api/v1/zones >/dev/null
python3 -c 'import json, sys; print("\n".join(z["zone"] for z in json.load(open(sys.argv[1]))["zones"]))' "$TMP/b" > "$TMP/d22"
check "the daemon's zones are shard 2/2's" cmp -s "$TMP/d22" "$TMP/s22"
stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0

# A bad --shard is a usage error.
$ZONEHEALTHD --shard 3/2 -t -c "$TMP/zh.yaml" 2>"$TMP/err"
code=$?
check "--shard 3/2 refused with 64 ($code)" test "$code" = 64
check "and says why" grep -q 'out of range' "$TMP/err"
finish
