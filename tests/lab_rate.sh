#!/bin/sh
# lab_rate: the real daemon, in daemon mode (bursts show in the next run),
# against the lab's rate-limit, blocked-source, blocked-resolver and
# round-robin zones: rate_limited on the server with RRL and not on a lossy
# path, source_blocked for the source a query ACL refuses, resolver_blocked
# (alone) where only the resolver is refused, ns_address_dead and
# host_address_dead for the dead member of a round robin, none of these on
# the healthy zones; the burst metrics; and, from a relay's query log, at
# most one burst per server address per burst_interval although three
# zones share it.
. "${top_srcdir:-.}/tests/lib.sh"
lab_start

BURST=20
daemon_config "$LAB/zonehealth.yaml" "$TMP/d.yaml" \
	'source_addresses: [127.0.0.1, 127.0.0.2]' 'burst_interval: 1m' "burst_size: $BURST"
QLOG=$LAB/log/count.queries
# the relay's log holds the lab's own start-up probes: only what follows counts
n0=$(wc -l < "$QLOG")
t0=$(date +%s)
start_daemon "$TMP/d.yaml"

# A burst starts after a zone's run and is judged in the zone's next run.
# Wait (bounded) until rrl.lab. shows rate_limited, then until every zone
# has been judged twice more (checked_at at least 4 s later, runs every 2 s).
rrl_seen() {
	http GET /api/v1/zones >/dev/null
	python3 - "$TMP/b" <<'PY'
import json, sys
for z in json.load(open(sys.argv[1]))["zones"]:
    if z["zone"] == "rrl.lab." and any(f["cause"] == "rate_limited" for f in z["findings"]):
        print(z["checked_at"])
PY
}
seen=""
for _ in $(seq 1 100); do
	seen=$(rrl_seen 2>/dev/null)
	[ -n "$seen" ] && break
	sleep 0.5
done
check "rrl.lab. shows rate_limited within 60 s (judged at ${seen:-never})" test -n "$seen"
if [ -z "$seen" ]; then
	echo "the daemon's log ends:"; tail -n 20 "$DLOG"
	stop_daemon
	finish
	exit 1
fi
all_after() {
	http GET /api/v1/zones >/dev/null
	python3 - "$TMP/b" "$1" <<'PY'
import calendar, json, sys, time
def epoch(t):
    return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ"))
since = epoch(sys.argv[2]) + 4
zones = json.load(open(sys.argv[1]))["zones"]
sys.exit(0 if zones and all(z["checked_at"] and epoch(z["checked_at"]) >= since for z in zones) else 1)
PY
}
ok=no
for _ in $(seq 1 60); do
	all_after "$seen" && ok=yes && break
	sleep 0.5
done
check "every zone judged twice more after rrl.lab.'s first rate_limited" test "$ok" = yes
http GET /api/v1/zones >/dev/null
cp "$TMP/b" "$TMP/api.json"
http GET /metrics >/dev/null
cp "$TMP/b" "$TMP/metrics.txt"

# has ZONE CAUSE SERVER ADDRESS SEVERITY: the zone has that finding ("-"
# for a null server or address).
has() {
	python3 - "$TMP/api.json" "$@" <<'PY'
import json, sys
zone, want = sys.argv[2], tuple(sys.argv[3:7])
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == zone][0]
got = [(f["cause"], f["server"] or "-", f["address"] or "-", f["severity"]) for f in z["findings"]]
assert want in got, "%s: %s not in %s" % (zone, want, got)
PY
}
# findings_are ZONE [CAUSE SERVER ADDRESS SEVERITY]...: exactly these.
findings_are() {
	python3 - "$TMP/api.json" "$@" <<'PY'
import json, sys
zone, rest = sys.argv[2], sys.argv[3:]
want = sorted(tuple(rest[i:i + 4]) for i in range(0, len(rest), 4))
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == zone][0]
got = sorted((f["cause"], f["server"] or "-", f["address"] or "-", f["severity"]) for f in z["findings"])
assert got == want, "%s: %s, want %s" % (zone, got, want)
PY
}
# none_of ZONE CAUSE [SERVER]: no such finding (on that server).
none_of() {
	python3 - "$TMP/api.json" "$@" <<'PY'
import json, sys
zone, cause = sys.argv[2:4]
server = sys.argv[4] if len(sys.argv) > 4 else None
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == zone][0]
bad = [f for f in z["findings"] if f["cause"] == cause and server in (None, f["server"])]
assert not bad, "%s: %s" % (zone, bad)
PY
}

# rrl.lab.: ns1's RRL trips on the burst; ns2 has none
check "rrl.lab.: rate_limited on ns1 (127.0.72.1), warning" \
	has rrl.lab. rate_limited ns1.rrl.lab. 127.0.72.1 warning
check "rrl.lab.: no rate_limited on ns2" none_of rrl.lab. rate_limited ns2.rrl.lab.
check "rrl.lab.: the evidence tells truncated answers" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "rrl.lab."][0]
f = [f for f in z["findings"] if f["cause"] == "rate_limited"][0]
assert "TC=1" in f["summary"] and "20 identical queries" in f["evidence"], f
print("    evidence: " + f["evidence"])
' "$TMP/api.json"

# lossy.lab.: loss at any pace is not rate limiting
check "lossy.lab.: no rate_limited" none_of lossy.lab. rate_limited
echo "    lossy.lab.'s findings: $(python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "lossy.lab."][0]
print(", ".join("%s/%s %s %s" % (f["check"], f["cause"], f["server"], f["address"]) for f in z["findings"]) or "none")
' "$TMP/api.json")"

# srcblock.lab.: ns2 refuses the second source address
check "srcblock.lab.: source_blocked on ns2 (127.0.74.2), critical" \
	has srcblock.lab. source_blocked ns2.srcblock.lab. 127.0.74.2 critical
check "srcblock.lab.: only ns2 blocks a source" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "srcblock.lab."][0]
fs = [f for f in z["findings"] if f["cause"] == "source_blocked"]
assert [f["address"] for f in fs] == ["127.0.74.2"], fs
assert "127.0.0.2" in fs[0]["summary"], fs[0]["summary"]
print("    summary: " + fs[0]["summary"])
' "$TMP/api.json"

# resblock.lab.: every direct check passes, the resolver answers SERVFAIL
check "resblock.lab.: resolver_blocked (127.0.53.53), critical, and nothing else" \
	findings_are resblock.lab. resolver_blocked - 127.0.53.53 critical
check "resblock.lab.: the resolver view is SERVFAIL, with CD too" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "resblock.lab."][0]
r = [r for r in z["resolvers"] if r["address"] == "127.0.53.53"]
assert r and r[0]["rcode"] == "SERVFAIL" and r[0]["cd_rcode"] == "SERVFAIL", z["resolvers"]
' "$TMP/api.json"

# multi.lab.: the dead member of ns1.multi.lab.'s three addresses
check "multi.lab.: ns_address_dead on ns1 127.0.76.3 (and the refused connection there)" \
	findings_are multi.lab. ns_address_dead ns1.multi.lab. 127.0.76.3 warning \
	server_refused_connection ns1.multi.lab. 127.0.76.3 warning

# web.lab.: www.web.lab.'s third address refuses port 8443
check "web.lab.: host_address_dead on www.web.lab. 127.0.77.3, warning, and nothing else" \
	findings_are web.lab. host_address_dead www.web.lab. 127.0.77.3 warning

# every other zone: no rate_limit and no round_robin finding. Not
# lossy.lab. (checked above): a lost SOA query from 127.0.0.2 while
# 127.0.0.1's got through is sometimes reported as source_blocked there.
check "no rate_limit or round_robin finding on ok.lab. and the other zones" python3 -c '
import json, sys
designed = {"rrl.lab.": {"rate_limited"}, "srcblock.lab.": {"source_blocked"},
            "resblock.lab.": {"resolver_blocked"}, "multi.lab.": {"ns_address_dead"},
            "web.lab.": {"host_address_dead"}}
zones = json.load(open(sys.argv[1]))["zones"]
assert any(z["zone"] == "ok.lab." and z["findings"] == [] for z in zones), "ok.lab. not clean"
bad = [(z["zone"], f["cause"], f["address"]) for z in zones for f in z["findings"]
       if f["check"] in ("rate_limit", "round_robin") and z["zone"] != "lossy.lab."
       and f["cause"] not in designed.get(z["zone"], ())]
assert not bad, bad
' "$TMP/api.json"

# the metrics
metric_cmp() {  # NAME_WITH_LABELS OP VALUE (awk comparison)
	v=$(awk -v m="$1" '$1 == m { print $2 }' "$TMP/metrics.txt")
	[ -n "$v" ] && awk -v v="$v" -v w="$3" "BEGIN { exit !(v $2 w) }"
}
check "burst answered ratio of 127.0.72.1 below 1 ($(awk '$1 == "zonehealth_server_burst_answered_ratio{address=\"127.0.72.1\"}" {print $2}' "$TMP/metrics.txt"))" \
	metric_cmp 'zonehealth_server_burst_answered_ratio{address="127.0.72.1"}' '<' 1
check "burst truncated ratio of 127.0.72.1 above 0 ($(awk '$1 == "zonehealth_server_burst_truncated_ratio{address=\"127.0.72.1\"}" {print $2}' "$TMP/metrics.txt"))" \
	metric_cmp 'zonehealth_server_burst_truncated_ratio{address="127.0.72.1"}' '>' 0
check "burst answered ratio of 127.0.72.2 is 1" \
	metric_cmp 'zonehealth_server_burst_answered_ratio{address="127.0.72.2"}' '==' 1
# The ede label holds the resolver's Extended DNS Error, if it gave one.
RESP='zonehealth_resolver_response{zone="resblock.lab.",resolver="127.0.53.53",rcode="SERVFAIL",ede="'
check "resolver response metric: resblock.lab. SERVFAIL ($(grep -F "$RESP" "$TMP/metrics.txt"))" \
	awk -v p="$RESP" 'index($1, p) == 1 && $1 ~ /"}$/ && $2 == 1 { f = 1 } END { exit !f }' "$TMP/metrics.txt"
check "host address metric: 127.0.77.1 up" \
	metric_cmp 'zonehealth_host_address_up{zone="web.lab.",host="www.web.lab.",address="127.0.77.1",port="8443"}' '==' 1
check "host address metric: 127.0.77.3 down" \
	metric_cmp 'zonehealth_host_address_up{zone="web.lab.",host="www.web.lab.",address="127.0.77.3",port="8443"}' '==' 0

# The relay at 127.0.78.2 (ns2 of count1-3.lab.) logged every query: the
# burst's are SOA with EDNS0 and DO=0 (the daemon's own SOA probes set DO).
# Three zones run there every 2 s; one burst per address per interval (1m).
counts=$(tail -n "+$((n0 + 1))" "$QLOG" | awk -v t0="$t0" '$1 < t0 + 60 && $4 == "SOA" && $5 == "edns=1" {
	if ($6 == "do=0") burst++; else if ($2 == "127.0.0.1") paced++
} END { print burst + 0, paced + 0 }')
burst=${counts% *} paced=${counts#* }
check "relay 127.0.78.2: $burst burst queries (SOA, EDNS0, DO=0), at least 1 and at most $BURST" \
	test "$burst" -ge 1 -a "$burst" -le "$BURST"
check "relay 127.0.78.2: the three zones' paced SOA queries ($paced) came from several runs" \
	test "$paced" -ge 6

stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
finish
