#!/bin/sh
# netns_noipv6: a host without IPv6, for real: a network namespace with
# nothing but loopback (unshare -n), an NSD on 127.0.0.1 serving a root,
# test. and v6.test., whose name server has an IPv4 and an IPv6 address
# (fd00::53, unroutable there: sendto fails with ENETUNREACH, no packet
# leaves). ip6: auto must test the IPv4 address only, name no finding on
# the IPv6 one, log it once and export zonehealth_address_family_usable 0;
# ip6: on must blame the server; ip6: off must not try. Needs root
# (unshare -n, port 53) and NSD.
. "${top_srcdir:-.}/tests/lib.sh"
need nsd
need unshare
need ip
need curl
need python3
if [ "$(id -u)" != 0 ]; then
	[ -n "${CI:-}" ] && { echo "FAIL: needs root under CI"; exit 1; }
	echo "SKIP: needs root (unshare -n)"; exit 77
fi

mkdir -p "$TMP/ns"
cat > "$TMP/ns/root.zone" <<'EOF'
.		3600 IN SOA ns.root. h.root. 1 3600 600 86400 60
.		3600 IN NS  ns.root.
ns.root.	3600 IN A   127.0.0.1
test.		3600 IN NS  ns.test.
ns.test.	3600 IN A   127.0.0.1
EOF
cat > "$TMP/ns/test.zone" <<'EOF'
test.		3600 IN SOA ns.test. h.test. 1 3600 600 86400 60
test.		3600 IN NS  ns.test.
ns.test.	3600 IN A   127.0.0.1
v6.test.	3600 IN NS  ns1.v6.test.
ns1.v6.test.	3600 IN A   127.0.0.1
ns1.v6.test.	3600 IN AAAA fd00::53
EOF
cat > "$TMP/ns/v6.zone" <<'EOF'
v6.test.	3600 IN SOA ns1.v6.test. h.v6.test. 1 3600 600 86400 60
v6.test.	3600 IN NS  ns1.v6.test.
ns1.v6.test.	3600 IN A   127.0.0.1
ns1.v6.test.	3600 IN AAAA fd00::53
www.v6.test.	3600 IN A   127.0.0.1
EOF
cat > "$TMP/ns/nsd.conf" <<EOF
server:
	server-count: 1
	ip-address: 127.0.0.1
	port: 53
	do-ip4: yes
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$TMP/ns"
	database: ""
	zonelistfile: "$TMP/ns/zone.list"
	xfrdfile: "$TMP/ns/xfrd.state"
	xfrdir: "$TMP/ns"
	pidfile: "$TMP/ns/nsd.pid"
	logfile: "$TMP/ns/nsd.log"
	zonefiles-write: 0
remote-control:
	control-enable: no
zone:
	name: "."
	zonefile: "root.zone"
zone:
	name: "test."
	zonefile: "test.zone"
zone:
	name: "v6.test."
	zonefile: "v6.zone"
EOF
printf '. 3600 IN NS ns.root.\nns.root. 3600 IN A 127.0.0.1\n' > "$TMP/ns/hints"
for mode in auto on off; do
	write_config "zh-$mode.yaml" "root_hints: $TMP/ns/hints" \
		'listen: "127.0.0.1:10399"' 'interval: 1s' 'timeout: 300ms' 'retries: 0' \
		"ip6: $mode" 'zones: [v6.test]'
	# write_config names loopback hints and a listen address: ours win.
	python3 - "$TMP/zh-$mode.yaml" <<'EOF'
import sys
p = sys.argv[1]
seen, out = set(), []
for line in reversed(open(p).read().splitlines()):
    key = line.split(":", 1)[0]
    if key in seen:
        continue
    seen.add(key)
    out.append(line)
open(p, "w").write("\n".join(reversed(out)) + "\n")
EOF
done

# Inside the namespace: loopback up (127.0.0.1 and ::1, no other IPv6
# route), NSD, then each mode's daemon for a few cycles; results to files.
cat > "$TMP/inside.sh" <<EOF
set -u
ip link set lo up
nsd -d -c "$TMP/ns/nsd.conf" > "$TMP/ns/nsd.out" 2>&1 &
nsd=\$!
i=0
while [ \$i -lt 50 ] && ! (echo > /dev/tcp/127.0.0.1/53) 2>/dev/null; do
	sleep 0.1; i=\$((i + 1))
done
for mode in auto on off; do
	"$ZONEHEALTHD" -f -c "$TMP/zh-\$mode.yaml" > "$TMP/\$mode.log" 2>&1 &
	d=\$!
	sleep 4
	curl -s http://127.0.0.1:10399/metrics > "$TMP/\$mode.metrics"
	curl -s http://127.0.0.1:10399/api/v1/zones > "$TMP/\$mode.json"
	kill -TERM \$d; wait \$d; echo \$? > "$TMP/\$mode.rc"
done
kill -TERM \$nsd; wait \$nsd
EOF
# bash for /dev/tcp; unshare -n gives a namespace of our own, gone with it.
timeout 120 unshare -n bash "$TMP/inside.sh"

check "NSD served the zones in the namespace" grep -q . "$TMP/auto.json"
for mode in auto on off; do
	check "$mode: the daemon exited cleanly ($(cat "$TMP/$mode.rc" 2>/dev/null))" \
		test "$(cat "$TMP/$mode.rc" 2>/dev/null)" = 0
done
findings() {
	python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]
print(z["status"])
for f in z["findings"]:
    print(f["cause"], f.get("address") or "-")
' "$1"
}
findings "$TMP/auto.json" > "$TMP/auto.f"
findings "$TMP/on.json" > "$TMP/on.f"
findings "$TMP/off.json" > "$TMP/off.f"
echo "auto:"; sed 's/^/  /' "$TMP/auto.f"
echo "on:"; sed 's/^/  /' "$TMP/on.f"
check "auto: the zone is judged" sh -c "! grep -q '^unknown' '$TMP/auto.f'"
check "auto: no finding names fd00::53" sh -c "! grep -q 'fd00::53' '$TMP/auto.f'"
check "auto: no reachability or round robin finding" \
	sh -c "! grep -Eq '^(server_|ns_address_dead|edns|malformed)' '$TMP/auto.f'"
check "auto: IPv6 said unusable once in the log" \
	test "$(grep -c 'IPv6 is not usable from this host' "$TMP/auto.log")" = 1
check "auto: zonehealth_address_family_usable ipv6 0" \
	grep -q '^zonehealth_address_family_usable{family="ipv6"} 0$' "$TMP/auto.metrics"
check "auto: zonehealth_address_family_usable ipv4 1" \
	grep -q '^zonehealth_address_family_usable{family="ipv4"} 1$' "$TMP/auto.metrics"
check "on: the server is blamed for fd00::53" \
	grep -q '^server_refused_connection fd00::53$' "$TMP/on.f"
check "off: no finding names fd00::53" sh -c "! grep -q 'fd00::53' '$TMP/off.f'"
check "off: never logged as a surprise" sh -c "! grep -q 'IPv6 is not usable' '$TMP/off.log'"
check "off: zonehealth_address_family_usable ipv6 0" \
	grep -q '^zonehealth_address_family_usable{family="ipv6"} 0$' "$TMP/off.metrics"

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
