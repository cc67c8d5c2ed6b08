#!/bin/sh
# prometheus_lab: a real Prometheus (Debian's prometheus binary) scraping the
# daemon on the DNS lab, with the shipped scrape config and the rules
# generated from the catalogue (a copy with every duration scaled down:
# genrules.py --scale). Every broken lab zone gets a firing alert with its
# expected cause (contrib/lab/README.md's tables); the healthy zones never
# get an alert, firing or pending. Everything started is killed by PID.
. "${top_srcdir:-.}/tests/lib.sh"
need prometheus
lab_start

# The daemon as the quick start's demo runs it (contrib/lab/demo.yaml: two
# sources, bursts, no serial_grace, which matters here too: the rules'
# durations are scaled, the daemon's are not), its runs every 2 s.
daemon_config "$LAB/zonehealth.yaml" "$TMP/d.yaml"
grep -v '^#' "$top_srcdir/contrib/lab/demo.yaml" >> "$TMP/d.yaml"
start_daemon "$TMP/d.yaml"

# The rules: 3m windows become 9 s, 5m for: 15 s (--scale 0.05).
"$ZONEHEALTHD" --print-catalogue > "$TMP/catalogue"
check "the scaled rules are generated" \
    python3 "$top_srcdir/contrib/prometheus/genrules.py" --catalogue "$TMP/catalogue" \
    --scale 0.05 -o "$TMP/rules.yml"

PPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AMPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The shipped scrape config, pointed at this daemon, every second.
sed -e 's/^\(  *scrape_interval:\).*/\1 1s/' -e 's/^\(  *evaluation_interval:\).*/\1 1s/' \
    -e 's/^\(  *scrape_timeout:\).*/\1 1s/' \
    -e "s|^\\(  *- \\)zonehealth.rules.yml|\\1$TMP/rules.yml|" \
    -e "s|\"localhost:10353\"|\"127.0.0.1:$PORT\"|" \
    -e "s|\"localhost:9093\"|\"127.0.0.1:$AMPORT\"|" \
    "$top_srcdir/contrib/prometheus/prometheus.yml" > "$TMP/prometheus.yml"
check "the config copy scrapes the daemon every second" \
    sh -c 'grep -q "127.0.0.1:$1" "$2" && grep -q "rules.yml" "$2" && test "$(grep -c " 1s$" "$2")" -eq 3' _ "$PORT" "$TMP/prometheus.yml"
check "promtool accepts the config copy and the scaled rules" \
    promtool check config "$TMP/prometheus.yml"

prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" --log.level=warn 2>"$TMP/prometheus.log" &
PPID_PROM=$!
PIDS="$PIDS $PPID_PROM"
for _ in $(seq 1 100); do
	curl -sf --max-time 5 "http://127.0.0.1:$PPORT/-/ready" >/dev/null && break
	kill -0 "$PPID_PROM" 2>/dev/null || break
	sleep 0.2
done
if ! curl -sf --max-time 5 "http://127.0.0.1:$PPORT/-/ready" >/dev/null; then
	echo "prometheus did not start; its log:"; cat "$TMP/prometheus.log"
	fail "prometheus is ready"; finish; exit 1
fi
pass "prometheus is ready on 127.0.0.1:$PPORT"

# ZONE CAUSE: what each broken zone must alert with (contrib/lab/README.md).
cat > "$TMP/expected" <<'EOF'
dead.lab. server_refused_connection
silent.lab. server_timeout
udponly.lab. server_refused_connection
alldead.lab. server_refused_connection
lame.lab. lame_delegation
nsmismatch.lab. ns_set_mismatch
badglue.lab. glue_mismatch
noglue.lab. missing_glue
unresolvable.lab. ns_name_unresolvable
cnamens.lab. ns_name_unresolvable
refused.lab. server_refused
servfail.lab. server_servfail
noaa.lab. not_authoritative
stale.lab. serial_mismatch
cyca.lab. ns_dependency_cycle
cycb.lab. ns_dependency_cycle
fivens.lab. server_refused
gone.lab. zone_not_delegated
www.ok.lab. zone_not_delegated
expired.lab. rrsig_expired
notyet.lab. rrsig_not_yet_valid
expiring.lab. rrsig_expiring_soon
dsmismatch.lab. ds_no_matching_dnskey
kskunsigned.lab. dnskey_not_signed_by_ksk
bogus.lab. rrsig_bogus
brokennsec3.lab. denial_invalid
stalesig.lab. rrsig_expired
child.brokenparent.lab. ancestor_chain_broken
cdsmismatch.lab. cds_mismatch
it200.lab. nsec3_iterations_high
rsasha1.lab. dnssec_algorithm_deprecated
unsupds.lab. dnssec_algorithm_unsupported
bigkeys.lab. dnskey_too_large
bigkeysnotcp.lab. dnskey_too_large
longttl.lab. ttl_exceeds_signature
rrl.lab. rate_limited
lossy.lab. server_refused_connection
srcblock.lab. source_blocked
resblock.lab. resolver_blocked
multi.lab. ns_address_dead
web.lab. host_address_dead
count1.lab. server_refused_connection
count2.lab. server_refused_connection
count3.lab. server_refused_connection
EOF
HEALTHY="lab. ok.lab. nsec.lab. nsec3.lab. optout.lab. unsigned.lab."

# Every lab zone in the daemon's config is in one of the two lists.
sed -n 's/^  - name: \([^ ]*\)$/\1/p' "$TMP/d.yaml" | sort > "$TMP/zones"
{ awk '{print $1}' "$TMP/expected"; for z in $HEALTHY; do echo "$z"; done; } | sort > "$TMP/listed"
check "every zone of the lab's config is expected broken or healthy" cmp -s "$TMP/zones" "$TMP/listed"
comm -3 "$TMP/zones" "$TMP/listed" | sed 's/^/    unlisted: /'

# Poll Prometheus' alerts once a second, for at most 300 s, until every
# expected (zone, cause) has fired; the healthy zones are judged over all
# the samples.
: > "$TMP/samples"
t0=$(date +%s)
for _ in $(seq 1 300); do
	curl -sf --max-time 5 "http://127.0.0.1:$PPORT/api/v1/alerts" >> "$TMP/samples" &&
	    echo >> "$TMP/samples"
	python3 - "$TMP/samples" "$TMP/expected" <<'PY' && break
import json, sys
fired = set()
for line in open(sys.argv[1]):
    if line.strip():
        for a in json.loads(line)["data"]["alerts"]:
            if a["state"] == "firing":
                fired.add((a["labels"].get("zone"), a["labels"].get("cause")))
want = {tuple(l.split()) for l in open(sys.argv[2]) if l.strip()}
sys.exit(0 if want <= fired else 1)
PY
	kill -0 "$PPID_PROM" 2>/dev/null || break
	sleep 1
done
echo "    polled for $(($(date +%s) - t0)) s"

python3 - "$TMP/samples" "$TMP/expected" "$HEALTHY" > "$TMP/verdict" <<'PY'
import json, sys
fired, seen, samples = {}, {}, 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    samples += 1
    for a in json.loads(line)["data"]["alerts"]:
        l = a["labels"]
        key = (l.get("zone"), l.get("cause"))
        seen.setdefault(l.get("zone"), set()).add("%s %s %s" % (l["alertname"], l.get("cause"), a["state"]))
        if a["state"] == "firing":
            fired[key] = (l["alertname"], l.get("severity"), a["annotations"])
print("samples %d" % samples)
for line in open(sys.argv[2]):
    zone, cause = line.split()
    if (zone, cause) in fired:
        name, sev, ann = fired[(zone, cause)]
        ok = ann.get("link", "").endswith("/zone/" + zone.rstrip(".")) and ann.get("fix") and \
            ann.get("summary", "").startswith("zone %s: %s" % (zone, cause))
        print("%s %s %s %s %s" % ("ok" if ok else "annotations", zone, cause, name, sev))
    else:
        print("missing %s %s (seen: %s)" % (zone, cause, ", ".join(sorted(seen.get(zone, []))) or "nothing"))
for zone in sys.argv[3].split():
    print("%s %s %s" % ("quiet" if zone not in seen else "noisy", zone,
                        ", ".join(sorted(seen.get(zone, [])))))
PY
sed 's/^/    /' "$TMP/verdict"
while read -r verdict zone cause rest; do
	case $verdict in
	ok) pass "$zone: a firing alert for $cause ($rest)" ;;
	annotations) fail "$zone: the $cause alert's summary, fix or link is wrong" ;;
	missing) fail "$zone: no firing alert for $cause ($rest)" ;;
	quiet) pass "healthy $zone: no alert, firing or pending" ;;
	noisy) fail "healthy $zone: alerts: $cause $rest" ;;
	esac
done < "$TMP/verdict"

# The daemon's own alerts: nothing says it is down, stale or late.
curl -sf --max-time 5 "http://127.0.0.1:$PPORT/api/v1/alerts" > "$TMP/last"
check "no ZonehealthDown, ZonehealthAbsent or ZonehealthReloadFailed" \
    python3 -c 'import json, sys; sys.exit(any(a["labels"]["alertname"] in ("ZonehealthDown", "ZonehealthAbsent", "ZonehealthReloadFailed") for a in json.load(open(sys.argv[1]))["data"]["alerts"]))' "$TMP/last"
check "prometheus logged no rule evaluation error" \
    sh -c '! grep -i "error" "$1" | grep -qi "rule"' _ "$TMP/prometheus.log"

kill -TERM "$PPID_PROM" 2>/dev/null
stop_daemon
check "daemon exits cleanly ($DSTATUS)" test "$DSTATUS" = 0
finish
