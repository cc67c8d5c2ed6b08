#!/usr/bin/env bash
# lab_smoke.sh: the DNS lab (contrib/lab/lab.sh) works as its README says.
# Starts the lab in a temporary directory; checks with dig that the lab's
# resolver validates the chain from the lab root (AD bit) and that every
# server address behaves as designed (answers, refuses, or stays silent, on
# UDP and TCP); that a second start is refused and a broken server fails the
# start loudly; stops the lab and checks that no process it started
# survives and nothing listens on its addresses. Needs root and the lab's
# Debian packages (skips without them, fails under CI). Every wait is bounded;
# the EXIT trap stops the labs and kills leftovers by recorded PID only.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
LAB=(bash "$top_srcdir/contrib/lab/lab.sh")
PASSES=0
FAILS=0

pass() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

skip() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $*"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "the lab needs root (its servers bind port 53)"
for tool in nsd knotd unbound ldns-keygen ldns-signzone ldns-key2ds dig ss setsid timeout python3; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 ||
		skip "$tool is not installed (apt-get install nsd knot unbound ldnsutils bind9-dnsutils python3)"
done
PATH=$PATH:/usr/sbin:/sbin

TMP=$(mktemp -d "${TMPDIR:-/tmp}/labsmoke.XXXXXX")
RECORDS=$TMP/records    # "PID STARTTIME SESSION" of every process a lab started

# save_records DIR: remember what the lab in DIR started, for the end checks.
save_records() {
	cat "$1"/pids/* >>"$RECORDS" 2>/dev/null
}

# procinfo PID: "STARTTIME SESSION" while the process runs (not a zombie).
procinfo() {
	local stat rest
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
	rest=${stat##*) }
	set -f
	set -- $rest
	set +f
	[ "$1" = Z ] && return 0
	echo "${20} $4"
}

# survivors: recorded processes that still run.
survivors() {
	local pid start sid
	[ -f "$RECORDS" ] || return 0
	while read -r pid start sid; do
		[ -n "$sid" ] && [ "$pid" -gt 1 ] || continue
		[ "$(procinfo "$pid")" = "$start $sid" ] && echo "$pid"
	done <"$RECORDS"
}

cleanup() {
	local d pid
	for d in "$TMP"/lab*; do
		[ -d "$d/pids" ] && save_records "$d" && timeout 30 "${LAB[@]}" stop "$d" >/dev/null 2>&1
	done
	for pid in $(survivors); do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# probe ADDR ZONE udp|tcp: aa, noaa, an rcode, refused, timeout or error.
probe() {
	local out status tr=+notcp
	[ "$3" = tcp ] && tr=+tcp
	out=$(timeout 10 dig +norec +time=1 +tries=1 $tr @"$1" "$2" SOA 2>&1)
	case $out in
	*"connection refused"*) echo refused; return ;;
	*"timed out"*) echo timeout; return ;;
	esac
	status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n 1)
	if [ -z "$status" ]; then
		echo error
	elif [ "$status" != NOERROR ]; then
		echo "$status"
	elif grep -q '^;; flags:[^;]* aa[ ;]' <<<"$out"; then
		echo aa
	else
		echo noaa
	fi
}

# resolve NAME TYPE SECONDS: through the lab's resolver; RCODE or RCODE+ad.
resolve() {
	local out status
	out=$(timeout $(($3 + 5)) dig +time="$3" +tries=1 @127.0.53.53 "$1" "$2" 2>&1)
	case $out in
	*"connection refused"*) echo refused; return ;;
	*"timed out"*) echo timeout; return ;;
	esac
	status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n 1)
	[ -z "$status" ] && { echo error; return; }
	if grep -q '^;; flags:[^;]* ad[ ;]' <<<"$out"; then echo "$status+ad"; else echo "$status"; fi
}

expect_eq() {  # DESC WANT GOT
	if [ "$2" = "$3" ]; then pass "$1: $3"; else fail "$1: want $2, got $3"; fi
}

# lab_listeners: sockets on port 53 of the lab's addresses (127.0.53-69.x).
lab_listeners() {
	ss -Hlntu 2>/dev/null | awk '$5 ~ /^127\.0\.(5[3-9]|6[0-9])\.[0-9]+:53$/ {print $1, $5}'
}

# ---- start ----------------------------------------------------------------
D1=$TMP/lab1
t0=$(date +%s.%N)
timeout 120 "${LAB[@]}" start "$D1" >"$TMP/start1.out" 2>&1
rc=$?
t1=$(date +%s.%N)
save_records "$D1"
if [ $rc -ne 0 ]; then
	fail "lab.sh start exits 0 (got $rc)"
	sed 's/^/    /' "$TMP/start1.out"
	echo "$PASSES passed, $FAILS failed"
	exit 1
fi
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')
pass "lab.sh start exits 0 (${secs} s)"
check "start takes under 10 s" awk -v s="$secs" 'BEGIN{exit !(s < 10)}'

check "root.hints lists the lab roots" grep -qi '^A.ROOT-SERVERS.LAB\. .* A *127\.0\.53\.1$' "$D1/root.hints"
check "root.key holds the root's DS" grep -q '^\.[[:space:]].*DS[[:space:]]*[0-9]* 13 2 ' "$D1/root.key"
check "zonehealth.yaml listens on 127.0.0.1:0" grep -qx 'listen: "127.0.0.1:0"' "$D1/zonehealth.yaml"
check "zonehealth.yaml lists the lab's zones" \
	bash -c 'for z in lab. ok.lab. dead.lab. silent.lab. udponly.lab. alldead.lab. lame.lab. stale.lab. gone.lab.; do grep -qx "  - name: $z" "$1" || exit 1; done' _ "$D1/zonehealth.yaml"
zh=${ZONEHEALTHD:-${top_builddir:-$top_srcdir}/src/zonehealthd}
if [ -x "$zh" ]; then
	check "zonehealthd -t accepts the lab's config" timeout 10 "$zh" -t -c "$D1/zonehealth.yaml"
fi

# ---- the resolver validates from the lab root -------------------------------
expect_eq "resolver: ok.lab. SOA" NOERROR+ad "$(resolve ok.lab. SOA 5)"
expect_eq "resolver: www.ok.lab. A" NOERROR+ad "$(resolve www.ok.lab. A 5)"
expect_eq "resolver: lab. DNSKEY" NOERROR+ad "$(resolve lab. DNSKEY 5)"
expect_eq "resolver: dead.lab. SOA (one server left)" NOERROR+ad "$(resolve dead.lab. SOA 10)"
expect_eq "resolver: silent.lab. SOA (one server left)" NOERROR+ad "$(resolve silent.lab. SOA 10)"
expect_eq "resolver: udponly.lab. SOA" NOERROR+ad "$(resolve udponly.lab. SOA 10)"
expect_eq "resolver: alldead.lab. SOA" SERVFAIL "$(resolve alldead.lab. SOA 25)"
answer=$(timeout 10 dig +short +time=5 +tries=1 @127.0.53.53 www.ok.lab. A)
expect_eq "resolver: www.ok.lab. address" 127.0.0.1 "$answer"

# ---- each server address, as designed ---------------------------------------
while read -r addr zone want_udp want_tcp what; do
	got_udp=$(probe "$addr" "$zone" udp)
	got_tcp=$(probe "$addr" "$zone" tcp)
	expect_eq "$addr $zone ($what) udp/tcp" "$want_udp/$want_tcp" "$got_udp/$got_tcp"
done <<'EOF'
127.0.53.1  .             aa       aa       root-NSD
127.0.53.2  .             aa       aa       root-Knot
127.0.54.1  lab.          aa       aa       TLD-NSD
127.0.54.2  lab.          aa       aa       TLD-Knot
127.0.55.1  ok.lab.       aa       aa       healthy-NSD
127.0.55.2  ok.lab.       aa       aa       healthy-Knot
127.0.56.1  dead.lab.     aa       aa       healthy
127.0.56.2  dead.lab.     refused  refused  nothing-listens
127.0.57.1  silent.lab.   aa       aa       healthy
127.0.57.2  silent.lab.   timeout  timeout  blackhole
127.0.58.1  udponly.lab.  aa       aa       healthy
127.0.58.2  udponly.lab.  aa       refused  UDP-only
127.0.59.1  alldead.lab.  refused  refused  nothing-listens
127.0.59.2  alldead.lab.  refused  refused  nothing-listens
127.0.60.1  lame.lab.     aa       aa       own-NSD
127.0.55.1  lame.lab.     REFUSED  REFUSED  lame
127.0.61.3  nsmismatch.lab. aa     aa       zone-only-NS
127.0.62.9  badglue.lab.  refused  refused  wrong-glue
127.0.55.2  refused.lab.  REFUSED  REFUSED  not-serving-Knot
127.0.67.2  servfail.lab. SERVFAIL SERVFAIL zone-not-loaded
127.0.54.1  noaa.lab.     noaa     noaa     parent-NSD
127.0.69.2  stale.lab.    aa       aa       stale-copy
EOF

# the delegation and zone-served zones (README.md, second table)
s1=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.69.1 stale.lab. SOA | awk '{print $3}')
s2=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.69.2 stale.lab. SOA | awk '{print $3}')
check "stale.lab.: ns2's serial is 3 lower ($s1 vs $s2)" test -n "$s1" -a -n "$s2" -a "$((${s1:-0} - ${s2:-0}))" = 3
glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 badglue.lab. NS | awk '$1 == "ns2.badglue.lab." && $4 == "A" {print $5}')
expect_eq "badglue.lab.: the parent's glue for ns2" 127.0.62.9 "$glue"
expect_eq "badglue.lab.: the zone's A for ns2" 127.0.62.2 "$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.62.1 ns2.badglue.lab. A)"
glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 noglue.lab. NS | awk '$1 == "ns2.noglue.lab." && $4 == "A"')
check "noglue.lab.: no glue for ns2" test -z "$glue"
out=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.55.1 ns.nowhere.ok.lab. A)
check "ns.nowhere.ok.lab. does not exist" grep -q 'status: NXDOMAIN' <<<"$out"
out=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.55.2 nsalias.ok.lab. A)
check "nsalias.ok.lab. is a CNAME" grep -q '^nsalias\.ok\.lab\..*CNAME.*ns1\.cnamens\.lab\.$' <<<"$out"
out=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 gone.lab. SOA)
check "gone.lab. is not delegated (NXDOMAIN from lab.)" grep -q 'status: NXDOMAIN' <<<"$out"
expect_eq "resolver: stale.lab. SOA" NOERROR+ad "$(resolve stale.lab. SOA 10)"

# parents refer, they do not answer for their children
expect_eq "root server refers lab. (no AA)" noaa "$(probe 127.0.53.1 lab. udp)"
expect_eq "TLD server refers ok.lab. (no AA)" noaa "$(probe 127.0.54.2 ok.lab. udp)"
ds=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.54.1 ok.lab. DS)
check "lab. publishes the DS of ok.lab." bash -c '[[ $1 =~ ^[0-9]+\ 13\ 2\  ]]' _ "$ds"
glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.53.2 ok.lab. SOA | awk '$1 == "ns1.nic.lab." && $4 == "A" {print $5}')
expect_eq "root gives glue for ns1.nic.lab." 127.0.54.1 "$glue"

# signature window: from about now-1h to about now+30d
sig=$(timeout 10 dig +norec +dnssec +time=2 +tries=1 @127.0.55.1 ok.lab. SOA | awk '$4 == "RRSIG" && $5 == "SOA" {print $9, $10}')
now=$(date -u +%s)
read -r exp inc <<<"$sig"
exp_s=$(date -u -d "${exp:0:8} ${exp:8:2}:${exp:10:2}:${exp:12:2}" +%s 2>/dev/null || echo 0)
inc_s=$(date -u -d "${inc:0:8} ${inc:8:2}:${inc:10:2}:${inc:12:2}" +%s 2>/dev/null || echo 0)
check "RRSIG inception is about 1 h ago ($inc)" test $((now - inc_s)) -ge 3000 -a $((now - inc_s)) -le 4200
check "RRSIG expiration is about 30 d ahead ($exp)" test $((exp_s - now)) -ge $((30 * 86400 - 600)) -a $((exp_s - now)) -le $((30 * 86400 + 600))

# ---- status, and starts that must fail ---------------------------------------
timeout 60 "${LAB[@]}" status "$D1" >"$TMP/status.out" 2>&1
rc=$?
check "lab.sh status exits 0 when all is as designed" test $rc -eq 0
check "lab.sh status shows the blackhole timing out" grep -q '^blackhole-127.0.57.2 .* timeout *timeout *timeout *ok$' "$TMP/status.out"
check "lab.sh status shows no WRONG line" bash -c '! grep -q WRONG "$1"' _ "$TMP/status.out"

out=$(timeout 60 "${LAB[@]}" start "$D1" 2>&1)
rc=$?
check "a second start in the same DIR fails" test $rc -ne 0
check "... saying a lab runs there" grep -q "already running" <<<"$out"

D2=$TMP/lab2
out=$(timeout 60 "${LAB[@]}" start "$D2" 2>&1)
rc=$?
save_records "$D2"
check "a start while another lab runs fails" test $rc -ne 0
check "... naming the address in use" grep -q "127.0.53.1:53" <<<"$out"

# ---- stop -------------------------------------------------------------------
timeout 60 "${LAB[@]}" stop "$D1" >"$TMP/stop1.out" 2>&1
check "lab.sh stop exits 0" test $? -eq 0
left=$(survivors)
check "no process the lab started survives stop${left:+ (left: $left)}" test -z "$left"
left=$(lab_listeners)
check "nothing listens on the lab's addresses after stop${left:+ (left: $left)}" test -z "$left"
timeout 60 "${LAB[@]}" stop "$D1" >/dev/null 2>&1
check "lab.sh stop again (idempotent) exits 0" test $? -eq 0
timeout 60 "${LAB[@]}" stop "$TMP/never-started" >/dev/null 2>&1
check "lab.sh stop of a DIR without a lab exits 0" test $? -eq 0

# a server that cannot start fails the start loudly, and leaves nothing running
D3=$TMP/lab3
out=$(LAB_KNOTD=/bin/false timeout 60 "${LAB[@]}" start "$D3" 2>&1)
rc=$?
save_records "$D3"
check "start with a failing server exits non-zero" test $rc -ne 0
check "... naming the server and its log" grep -q "knot-0.*exited during start-up" <<<"$out"
check "... and the log file" grep -q "$D3/log/knot-0.log" <<<"$out"
left=$(survivors)
check "... and leaves no process running${left:+ (left: $left)}" test -z "$left"

# a fresh start in another directory after stop
D4=$TMP/lab4
timeout 120 "${LAB[@]}" start "$D4" --listen 127.0.0.1:10353 >"$TMP/start4.out" 2>&1
rc=$?
save_records "$D4"
check "a new start in another DIR exits 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/    /' "$TMP/start4.out"
check "--listen sets zonehealth.yaml's listen" grep -qx 'listen: "127.0.0.1:10353"' "$D4/zonehealth.yaml"
expect_eq "resolver after restart: ok.lab. SOA" NOERROR+ad "$(resolve ok.lab. SOA 5)"
timeout 60 "${LAB[@]}" stop "$D4" >/dev/null 2>&1
check "lab.sh stop exits 0 again" test $? -eq 0
left=$(survivors)
check "no process any lab started survives${left:+ (left: $left)}" test -z "$left"
left=$(lab_listeners)
check "nothing listens on the lab's addresses at the end${left:+ (left: $left)}" test -z "$left"

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
