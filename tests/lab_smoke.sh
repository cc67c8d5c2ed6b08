#!/usr/bin/env bash
# lab_smoke.sh: the DNS lab (contrib/lab/lab.sh) works as its README says.
# Starts the lab in a temporary directory; checks with dig that the lab's
# resolver validates the chain from the lab root (AD bit) and that every
# server address behaves as designed (answers, refuses, or stays silent, on
# UDP and TCP); that each DNSSEC zone is what README.md's third table says
# (Unbound's verdict, the signature windows, DS, DNSKEY, CDS and NSEC3 as
# served, expiry.tab, ldns-verify-zone on the signed files); that each
# rate-limit and round-robin zone behaves as the fourth table says (RRL
# slips and drops a burst but answers a normal pace, the lossy relay loses
# about half, query ACLs answer NOTAUTH to the denied source, Unbound's
# egress included, an NS name's and a service host's three addresses, the
# TCP service ports, the counting relay's log); that a second
# start is refused and a broken server fails the start loudly; stops the
# lab and checks that no process it started
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
for tool in nsd knotd unbound ldns-keygen ldns-signzone ldns-key2ds ldns-verify-zone ldns-nsec3-hash dig ss setsid timeout python3; do
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

# probe ADDR ZONE udp|tcp [SOURCE]: aa, noaa, an rcode, refused, timeout or
# error (asked from SOURCE when given).
probe() {
	local out status tr=+notcp src=()
	[ "$3" = tcp ] && tr=+tcp
	[ -n "${4:-}" ] && src=(-b "$4")
	out=$(timeout 10 dig "${src[@]}" +norec +time=1 +tries=1 $tr @"$1" "$2" SOA 2>&1)
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

# lab_listeners: sockets on port 53 of the lab's addresses (127.0.53-69.x,
# 127.0.72-98.x, 127.0.100-108.x, 127.0.120-122.x), and on web.lab.'s
# service port (8443).
lab_listeners() {
	ss -Hlntu 2>/dev/null | awk '$5 ~ /^127\.0\.(5[3-9]|6[0-9]|7[2-9]|8[0-9]|9[0-8]|10[0-8]|12[0-2])\.[0-9]+:(53|8443)$/ {print $1, $5}'
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

check "root.hints lists the lab roots" grep -qi '^A.ROOT-SERVERS.LAB\. .* A *127\.0\.53\.1$' "$D1/root.hints"
check "root.key holds the root's DS" grep -q '^\.[[:space:]].*DS[[:space:]]*[0-9]* 13 2 ' "$D1/root.key"
check "zonehealth.yaml listens on 127.0.0.1:0" grep -qx 'listen: "127.0.0.1:0"' "$D1/zonehealth.yaml"
check "zonehealth.yaml lists the lab's zones" \
	bash -c 'for z in lab. ok.lab. dead.lab. silent.lab. udponly.lab. alldead.lab. lame.lab. stale.lab. gone.lab.; do grep -qx "  - name: $z" "$1" || exit 1; done' _ "$D1/zonehealth.yaml"
check "zonehealth.yaml lists the dependency-cycle zones" \
	bash -c 'for z in cyca cycb fivens; do grep -qx "  - name: $z.lab." "$1" || exit 1; done' _ "$D1/zonehealth.yaml"
check "zonehealth.yaml lists the DNSSEC zones" \
	bash -c 'for z in nsec nsec3 optout expired notyet expiring dsmismatch kskunsigned bogus brokennsec3 stalesig child.brokenparent cdsmismatch unsigned it200 rsasha1 unsupds bigkeys bigkeysnotcp longttl; do grep -qx "  - name: $z.lab." "$1" || exit 1; done' _ "$D1/zonehealth.yaml"
check "zonehealth.yaml lists the rate-limit and round-robin zones" \
	bash -c 'for z in rrl lossy srcblock resblock multi web count1 count2 count3; do grep -qx "  - name: $z.lab." "$1" || exit 1; done' _ "$D1/zonehealth.yaml"
check "zonehealth.yaml gives web.lab. its service host" \
	bash -c 'grep -A1 -x "  - name: web.lab." "$1" | grep -qxF "    hosts: [{name: www.web.lab., port: 8443}]"' _ "$D1/zonehealth.yaml"
check "... but not brokenparent.lab. nor sub.optout.lab. (monitor=no)" \
	bash -c '! grep -Eq "name: (brokenparent|sub\.optout)\.lab\.$" "$1"' _ "$D1/zonehealth.yaml"
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
127.0.79.1  cyca.lab.     aa       aa       cycle-NSD
127.0.79.2  cycb.lab.     aa       aa       cycle-Knot
127.0.55.1  fivens.lab.   REFUSED  REFUSED  glued-not-serving-NSD
127.0.55.2  fivens.lab.   REFUSED  REFUSED  glued-not-serving-Knot
127.0.95.3  fivens.lab.   aa       aa       own-NSD-no-glue
127.0.95.4  fivens.lab.   aa       aa       own-Knot-no-glue
127.0.95.5  fivens.lab.   aa       aa       own-NSD-no-glue
127.0.80.1  nsec.lab.     aa       aa       NSD
127.0.80.2  nsec.lab.     aa       aa       Knot
127.0.81.1  nsec3.lab.    aa       aa       NSD
127.0.81.2  nsec3.lab.    aa       aa       Knot
127.0.82.1  optout.lab.   aa       aa       NSD
127.0.82.2  optout.lab.   aa       aa       Knot
127.0.82.3  sub.optout.lab. aa     aa       unsigned-child-NSD
127.0.82.4  sub.optout.lab. aa     aa       unsigned-child-Knot
127.0.82.1  sub.optout.lab. noaa   noaa     referral
127.0.83.1  expired.lab.  aa       aa       NSD
127.0.83.2  expired.lab.  aa       aa       Knot
127.0.84.1  notyet.lab.   aa       aa       NSD
127.0.84.2  notyet.lab.   aa       aa       Knot
127.0.85.1  expiring.lab. aa       aa       NSD
127.0.85.2  expiring.lab. aa       aa       Knot
127.0.86.1  dsmismatch.lab. aa     aa       NSD
127.0.86.2  dsmismatch.lab. aa     aa       Knot
127.0.87.1  kskunsigned.lab. aa    aa       NSD
127.0.87.2  kskunsigned.lab. aa    aa       Knot
127.0.88.1  bogus.lab.    aa       aa       NSD
127.0.88.2  bogus.lab.    aa       aa       Knot
127.0.89.1  brokennsec3.lab. aa    aa       NSD
127.0.89.2  brokennsec3.lab. aa    aa       NSD
127.0.90.1  stalesig.lab. aa       aa       NSD
127.0.90.2  stalesig.lab. aa       aa       stale-signatures-Knot
127.0.91.1  brokenparent.lab. aa   aa       NSD
127.0.91.2  brokenparent.lab. aa   aa       Knot
127.0.92.1  child.brokenparent.lab. aa aa   NSD
127.0.92.2  child.brokenparent.lab. aa aa   Knot
127.0.93.1  cdsmismatch.lab. aa    aa       NSD
127.0.93.2  cdsmismatch.lab. aa    aa       Knot
127.0.94.1  unsigned.lab. aa       aa       NSD
127.0.94.2  unsigned.lab. aa       aa       Knot
127.0.96.1  it200.lab.    aa       aa       NSD
127.0.96.2  it200.lab.    aa       aa       NSD
127.0.97.1  rsasha1.lab.  aa       aa       NSD
127.0.97.2  rsasha1.lab.  aa       aa       Knot
127.0.98.1  unsupds.lab.  aa       aa       NSD
127.0.98.2  unsupds.lab.  aa       aa       Knot
127.0.120.1 bigkeys.lab.  aa       aa       NSD
127.0.120.2 bigkeys.lab.  aa       aa       Knot
127.0.121.1 bigkeysnotcp.lab. aa   refused  UDP-only-relay
127.0.121.2 bigkeysnotcp.lab. aa   refused  UDP-only-relay
127.0.121.3 bigkeysnotcp.lab. aa   aa       hidden-NSD
127.0.122.1 longttl.lab.  aa       aa       NSD
127.0.122.2 longttl.lab.  aa       aa       Knot
127.0.72.1  rrl.lab.      aa       aa       own-NSD-with-RRL
127.0.72.2  rrl.lab.      aa       aa       NSD
127.0.73.1  lossy.lab.    aa       aa       NSD
127.0.74.1  srcblock.lab. aa       aa       NSD
127.0.74.2  srcblock.lab. aa       aa       own-Knot-with-ACL
127.0.75.1  resblock.lab. aa       aa       own-Knot-with-ACL
127.0.75.2  resblock.lab. aa       aa       own-Knot-with-ACL
127.0.76.1  multi.lab.    aa       aa       NSD
127.0.76.2  multi.lab.    aa       aa       NSD
127.0.76.3  multi.lab.    refused  refused  nothing-listens
127.0.76.4  multi.lab.    aa       aa       Knot
127.0.77.11 web.lab.      aa       aa       NSD
127.0.77.12 web.lab.      aa       aa       Knot
127.0.78.1  count1.lab.   aa       aa       NSD
127.0.78.1  count2.lab.   aa       aa       NSD
127.0.78.1  count3.lab.   aa       aa       NSD
127.0.78.2  count1.lab.   aa       refused  counting-relay
127.0.78.2  count2.lab.   aa       refused  counting-relay
127.0.78.2  count3.lab.   aa       refused  counting-relay
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
# the dependency cycles: no glue at lab. for cyca.lab.'s and cycb.lab.'s
# NS (each under the other), glue for fivens.lab.'s ns1 and ns2 only (the
# servers that refuse it); each zone's NS address is in the zone that needs
# it; the resolver gives up on all three
for z in cyca.lab. cycb.lab.; do
	glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 $z NS | awk '$4 == "A"')
	check "$z: no glue at lab." test -z "$glue"
done
expect_eq "cyca.lab.: ns.cycb.lab.'s A, in cycb.lab." 127.0.79.1 "$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.79.2 ns.cycb.lab. A)"
expect_eq "cycb.lab.: ns.cyca.lab.'s A, in cyca.lab." 127.0.79.2 "$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.79.1 ns.cyca.lab. A)"
glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 fivens.lab. NS | awk '$4 == "A" {print $1, $5}' | sort | xargs)
expect_eq "fivens.lab.: the parent's glue" "ns1.fivens.lab. 127.0.55.1 ns2.fivens.lab. 127.0.55.2" "$glue"
expect_eq "fivens.lab.: five NS at the parent" 5 "$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 fivens.lab. NS | awk '$4 == "NS"' | wc -l)"
expect_eq "fivens.lab.: ns4's A, in the zone" 127.0.95.4 "$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.95.3 ns4.fivens.lab. A)"
for z in cyca.lab. cycb.lab. fivens.lab.; do
	expect_eq "resolver: $z SOA (no server can be found)" SERVFAIL "$(resolve $z SOA 20)"
done

# ---- the DNSSEC zones (README.md, third table) --------------------------------
# what the validating resolver makes of each
while read -r name type want what; do
	expect_eq "resolver: $name $type ($what)" "$want" "$(resolve "$name" "$type" 10)"
done <<'EOF'
nsec.lab.               SOA  NOERROR+ad  healthy-NSEC
nx.nsec.lab.            A    NXDOMAIN+ad healthy-NSEC
nsec3.lab.              SOA  NOERROR+ad  healthy-NSEC3
nx.nsec3.lab.           A    NXDOMAIN+ad healthy-NSEC3
optout.lab.             SOA  NOERROR+ad  opt-out
www.optout.lab.         A    NOERROR+ad  opt-out
www.sub.optout.lab.     A    NOERROR     insecure-child
nx.optout.lab.          A    NXDOMAIN    opt-out-NXDOMAIN-is-not-secure
expiring.lab.           SOA  NOERROR+ad  expiring
cdsmismatch.lab.        SOA  NOERROR+ad  CDS-does-not-matter
unsigned.lab.           SOA  NOERROR     insecure
www.unsigned.lab.       A    NOERROR     insecure
expired.lab.            SOA  SERVFAIL    expired
notyet.lab.             SOA  SERVFAIL    not-yet-valid
dsmismatch.lab.         SOA  SERVFAIL    DS-matches-no-key
kskunsigned.lab.        SOA  SERVFAIL    DNSKEY-not-signed-by-KSK
child.brokenparent.lab. SOA  SERVFAIL    broken-parent
bogus.lab.              SOA  SERVFAIL    tampered-SOA
www.bogus.lab.          A    SERVFAIL    tampered-A
brokennsec3.lab.        SOA  NOERROR+ad  positive-answers-fine
nx.brokennsec3.lab.     A    SERVFAIL    broken-NSEC3-chain
stalesig.lab.           SOA  NOERROR+ad  retries-the-good-server
www.stalesig.lab.       A    NOERROR+ad  retries-the-good-server
it200.lab.              SOA  NOERROR+ad  positive-answers-fine
nx.it200.lab.           A    NXDOMAIN    200-NSEC3-iterations-insecure
rsasha1.lab.            SOA  NOERROR+ad  SHA-1-still-validates
unsupds.lab.            SOA  NOERROR     unknown-DS-digest-insecure
bigkeys.lab.            SOA  NOERROR+ad  big-DNSKEY-over-TCP
bigkeysnotcp.lab.       SOA  SERVFAIL    big-DNSKEY-no-TCP
longttl.lab.            SOA  NOERROR+ad  long-TTL-validates
EOF

# epoch YYYYMMDDHHMMSS: seconds since 1970 (0 when not a date).
epoch() {
	date -u -d "${1:0:8} ${1:8:2}:${1:10:2}:${1:12:2}" +%s 2>/dev/null || echo 0
}
# sigwin ADDR ZONE: "EXPIRATION INCEPTION" (epoch) of ADDR's RRSIG over ZONE's SOA.
sigwin() {
	local exp inc
	read -r exp inc < <(timeout 10 dig +norec +dnssec +time=2 +tries=1 @"$1" "$2" SOA |
		awk '$4 == "RRSIG" && $5 == "SOA" {print $9, $10; exit}')
	echo "$(epoch "${exp:-x}") $(epoch "${inc:-x}")"
}
# keytags ADDR ZONE: "FLAGS:TAG" of each DNSKEY ADDR serves for ZONE.
keytags() {
	timeout 10 dig +norec +multi +time=2 +tries=1 @"$1" "$2" DNSKEY |
		awk '$4 == "DNSKEY" {f = $5} /key id = / {sub(/.*key id = /, ""); print f ":" $1}' | sort | xargs
}
# signers ADDR ZONE TYPE: the key tags of ADDR's RRSIGs over ZONE's TYPE RRset.
signers() {
	timeout 10 dig +norec +dnssec +time=2 +tries=1 @"$1" "$2" "$3" |
		awk -v t="$3" '$4 == "RRSIG" && $5 == t {print $11}' | sort -u | xargs
}
# dstag ZONE: the key tag of ZONE's DS at lab. (127.0.54.1).
dstag() {
	timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 "$1" DS | awk '$4 == "DS" {print $5}' | xargs
}
# covered HASH FROM NEXT: the NSEC3 record FROM -> NEXT covers HASH.
covered() {
	if [[ $2 < $3 ]]; then
		[[ $2 < $1 && $1 < $3 ]]
	else
		[[ $1 > $2 || $1 < $3 ]]
	fi
}

# signature windows, from the SOA serial (labgen's start time, the origin
# of every relative time in zones.tab)
serial=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.80.1 nsec.lab. SOA | awk '{print $3}')
D=86400
while read -r addr zone exp inc what; do
	expect_eq "$addr $zone RRSIG expiration/inception ($what)" \
		"$((serial + exp)) $((serial + inc))" "$(sigwin "$addr" "$zone")"
done <<EOF
127.0.80.1 nsec.lab.      $((30 * D))  -3600        default
127.0.80.2 nsec.lab.      $((30 * D))  -3600        default
127.0.83.1 expired.lab.   $((-2 * D))  $((-30 * D)) expired
127.0.83.2 expired.lab.   $((-2 * D))  $((-30 * D)) expired
127.0.84.1 notyet.lab.    $((30 * D))  $((2 * D))   not-yet-valid
127.0.84.2 notyet.lab.    $((30 * D))  $((2 * D))   not-yet-valid
127.0.85.1 expiring.lab.  $((2 * D))   -3600        expiring
127.0.85.2 expiring.lab.  $((2 * D))   -3600        expiring
127.0.90.1 stalesig.lab.  $((30 * D))  -3600        ns1-current
127.0.90.2 stalesig.lab.  $((-2 * D))  $((-30 * D)) ns2-stale-copy
EOF
s1=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.90.1 stalesig.lab. SOA | awk '{print $3}')
s2=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.90.2 stalesig.lab. SOA | awk '{print $3}')
check "stalesig.lab.: both servers have the same serial ($s1, $s2)" test -n "$s1" -a "$s1" = "$s2"
expect_eq "stalesig.lab.: the same keys on both servers" "$(keytags 127.0.90.1 stalesig.lab.)" \
	"$(keytags 127.0.90.2 stalesig.lab.)"

# expiry.tab: the earliest RRSIG expiration that any server of the zone shows
# (a server with a query ACL, deny=, answers this host's 127.0.0.1)
check "expiry.tab: a line per signed zone served, none for an unsigned or unserved one" \
	bash -c 'grep -q "^nsec\.lab\. [0-9]*$" "$1" && ! grep -Eq "^(unsigned|sub\.optout|alldead)\.lab\. " "$1"' _ "$D1/expiry.tab"
bad=""
while read -r zone when; do
	min=""
	for addr in $(awk -v z="$zone" '$4 == z && ($5 == "serve" || $5 ~ /^deny=/) {print $3}' "$D1/lab.checks"); do
		read -r exp _ <<<"$(sigwin "$addr" "$zone")"
		if [ -z "$min" ] || [ "$exp" -lt "$min" ]; then min=$exp; fi
	done
	[ "$min" = "$when" ] || bad="$bad $zone($when!=${min:-none})"
done <"$D1/expiry.tab"
check "expiry.tab: each zone's earliest RRSIG expiration, as its servers show it${bad:+ (wrong:$bad)}" test -z "$bad"
expect_eq "expiry.tab: stalesig.lab. (ns2's stale copy)" "$((serial - 2 * D))" \
	"$(awk '$1 == "stalesig.lab." {print $2}' "$D1/expiry.tab")"
expect_eq "expiry.tab: expiring.lab." "$((serial + 2 * D))" "$(awk '$1 == "expiring.lab." {print $2}' "$D1/expiry.tab")"

# the DS at lab. and the keys that sign the DNSKEY RRset
for z in ok:55 dsmismatch:86 brokenparent:91 kskunsigned:87; do
	zone=${z%%:*}.lab. addr=127.0.${z##*:}.1
	tags=$(keytags "$addr" "$zone") ds=$(dstag "$zone") by=$(signers "$addr" "$zone" DNSKEY)
	case $zone in
	ok.lab.)
		check "$zone: DS $ds is its KSK, which signs the DNSKEY RRset ($tags; by $by)" \
			bash -c '[[ -n $2 && " $1 " == *" 257:$2 "* && " $3 " == " $2 " ]]' _ "$tags" "$ds" "$by"
		;;
	kskunsigned.lab.)
		check "$zone: DS $ds is its KSK, but the ZSK alone signs the DNSKEY RRset ($tags; by $by)" \
			bash -c '[[ -n $2 && " $1 " == *" 257:$2 "* && " $1 " == *" 256:$3 "* ]]' _ "$tags" "$ds" "$by"
		;;
	*)
		check "$zone: DS $ds matches no DNSKEY ($tags)" \
			bash -c '[[ -n $2 && -n $1 && " $1 " != *":$2 "* ]]' _ "$tags" "$ds"
		;;
	esac
done
ds=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.91.1 child.brokenparent.lab. DS | awk '$4 == "DS" {print $5}')
tags=$(keytags 127.0.92.1 child.brokenparent.lab.)
check "child.brokenparent.lab.: its DS in brokenparent.lab. ($ds) is its KSK ($tags)" \
	bash -c '[[ -n $2 && " $1 " == *" 257:$2 "* ]]' _ "$tags" "$ds"
out=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 unsigned.lab. DS)
check "unsigned.lab.: no DS at lab. (NODATA)" \
	bash -c 'grep -q "status: NOERROR" <<<"$1" && awk '"'"'$4 == "DS" {exit 1}'"'"' <<<"$1"' _ "$out"
check "unsigned.lab.: no RRSIG" test -z "$(signers 127.0.94.2 unsigned.lab. SOA)"

# CDS: nsec.lab.'s names its KSK, cdsmismatch.lab.'s no DNSKEY
for addr in 127.0.80.1 127.0.80.2; do
	cds=$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr nsec.lab. CDS | awk '{print $1}')
	tags=$(keytags "$addr" nsec.lab.)
	check "nsec.lab. @$addr: CDS $cds is its KSK ($tags)" \
		bash -c '[[ -n $2 && " $1 " == *" 257:$2 "* ]]' _ "$tags" "$cds"
done
for addr in 127.0.93.1 127.0.93.2; do
	cds=$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr cdsmismatch.lab. CDS | awk '{print $1}')
	cdnskey=$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr cdsmismatch.lab. CDNSKEY | awk '{print $4}')
	dnskeys=$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr cdsmismatch.lab. DNSKEY | awk '{print $4}')
	tags=$(keytags "$addr" cdsmismatch.lab.)
	check "cdsmismatch.lab. @$addr: CDS $cds matches no DNSKEY ($tags)" \
		bash -c '[[ -n $2 && -n $1 && " $1 " != *":$2 "* ]]' _ "$tags" "$cds"
	check "cdsmismatch.lab. @$addr: its CDNSKEY is no DNSKEY of the zone" \
		bash -c '[ -n "$1" ] && [ -n "$2" ] && ! grep -qxF -- "$1" <<<"$2"' _ "$cdnskey" "$dnskeys"
done

# bogus.lab.: both servers serve the changed address under the old RRSIG
for addr in 127.0.88.1 127.0.88.2; do
	expect_eq "bogus.lab. @$addr: www's tampered A" 127.0.0.2 \
		"$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr www.bogus.lab. A)"
done

# brokennsec3.lab.: an NXDOMAIN answer whose NSEC3s do not cover the hash
# of *.brokennsec3.lab. (the wildcard proof); in nsec3.lab. one does
for z in brokennsec3:89:no nsec3:81:yes; do
	zone=${z%%:*}.lab. want=${z##*:} addr=127.0.${z#*:}
	addr=${addr%:*}
	wild=$(ldns-nsec3-hash -t 0 "*.$zone" | tr -d . | tr A-Z a-z)
	for a in $addr.1 $addr.2; do
		out=$(timeout 10 dig +norec +dnssec +time=2 +tries=1 @$a "nx.$zone" A)
		cover=no
		while read -r from next; do
			covered "$wild" "$from" "$next" && cover=yes
		done < <(awk '$4 == "NSEC3" {split($1, o, "."); print tolower(o[1]), tolower($9)}' <<<"$out")
		check "$zone @$a: NXDOMAIN; an NSEC3 covers the wildcard's hash: $want" \
			bash -c 'grep -q "status: NXDOMAIN" <<<"$1" && [ "$2" = "$3" ]' _ "$out" "$cover" "$want"
	done
done

# optout.lab.: sub.optout.lab. has no NSEC3 of its own; in a referral to it,
# an opt-out NSEC3 covers its hash (and there is no DS)
sub=$(ldns-nsec3-hash -t 0 sub.optout.lab. | tr -d . | tr A-Z a-z)
for addr in 127.0.82.1 127.0.82.2; do
	out=$(timeout 10 dig +norec +dnssec +time=2 +tries=1 @$addr www.sub.optout.lab. A)
	proof=none
	while read -r from flags next; do
		if [ "$from" = "$sub" ]; then
			proof=own
			break
		fi
		[ "$flags" = 1 ] && covered "$sub" "$from" "$next" && proof=optout
	done < <(awk '$4 == "NSEC3" {split($1, o, "."); print tolower(o[1]), $6, tolower($9)}' <<<"$out")
	check "optout.lab. @$addr: referral to sub.optout.lab., no DS, an opt-out NSEC3 covers it ($proof)" \
		bash -c 'awk '"'"'$4 == "DS" {exit 1}'"'"' <<<"$1" && [ "$2" = optout ]' _ "$out" "$proof"
done
check "optout.lab.: every NSEC3 has the opt-out flag" \
	awk '$4 == "NSEC3" {n++; if ($6 != 1) bad = 1} END {exit !(n > 0 && !bad)}' "$D1/zones/optout.lab.signed"

# the policy zones as served (README.md, third table): it200.lab.'s NSEC3
# iterations, rsasha1.lab.'s and unsupds.lab.'s DS at lab. and keys, the
# big DNSKEY answers (truncated at 1232 bytes; whole over TCP, or TCP
# refused), longttl.lab.'s SOA TTL above its RRSIG's original TTL
for addr in 127.0.96.1 127.0.96.2; do
	expect_eq "it200.lab. @$addr: NSEC3PARAM" "1 0 200 -" \
		"$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr it200.lab. NSEC3PARAM)"
done
expect_eq "rsasha1.lab.: DS at lab. (algorithm 5, digest type 1: 40 hex digits)" "5 1 40" \
	"$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.54.1 rsasha1.lab. DS | awk '{print $2, $3, length($4)}')"
for addr in 127.0.97.1 127.0.97.2; do
	expect_eq "rsasha1.lab. @$addr: DNSKEY algorithms" "5 5" \
		"$(timeout 10 dig +norec +short +time=2 +tries=1 @$addr rsasha1.lab. DNSKEY | awk '{print $3}' | xargs)"
done
ds=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.54.1 unsupds.lab. DS)
tags=$(keytags 127.0.98.1 unsupds.lab.)
check "unsupds.lab.: DS at lab. of its KSK, digest type 99 ($ds; $tags)" \
	bash -c '[[ $1 =~ ^([0-9]+)\ 13\ 99\  && " $2 " == *" 257:${BASH_REMATCH[1]} "* ]]' _ "$ds" "$tags"
# dnskey_size ADDR ZONE udp|tcp: tc (truncated), the answer's size in bytes,
# refused or timeout; asked as resolvers ask (1232-byte buffer, DO set)
dnskey_size() {
	local out tr=+notcp
	[ "$3" = tcp ] && tr=+tcp
	out=$(timeout 10 dig +norec +dnssec +bufsize=1232 +ignore +time=2 +tries=1 $tr @"$1" "$2" DNSKEY 2>&1)
	case $out in
	*"connection refused"*) echo refused; return ;;
	*"timed out"*) echo timeout; return ;;
	esac
	if grep -q '^;; flags:[^;]* tc[ ;]' <<<"$out"; then echo tc; return; fi
	sed -n 's/^;; MSG SIZE  rcvd: \([0-9]*\)$/\1/p' <<<"$out"
}
for addr in 127.0.120.1 127.0.120.2 127.0.121.1 127.0.121.2; do
	zone=bigkeys.lab.
	[ "${addr#127.0.121.}" != "$addr" ] && zone=bigkeysnotcp.lab.
	expect_eq "$zone @$addr: DNSKEY over UDP (1232 bytes)" tc "$(dnskey_size $addr $zone udp)"
	size=$(dnskey_size $addr $zone tcp)
	if [ "$zone" = bigkeys.lab. ]; then
		check "$zone @$addr: DNSKEY over TCP, $size bytes (over 1232)" test "${size:-0}" -gt 1232
	else
		expect_eq "$zone @$addr: DNSKEY over TCP" refused "$size"
	fi
done
out=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.121.3 bigkeysnotcp.lab. NS)
check "bigkeysnotcp.lab.: its hidden server is in no NS set" \
	bash -c 'grep -q "status: NOERROR" <<<"$1" && ! grep -q hidden <<<"$1"' _ "$out"
for addr in 127.0.122.1 127.0.122.2; do
	expect_eq "longttl.lab. @$addr: SOA TTL, RRSIG original TTL" "86400 300" \
		"$(timeout 10 dig +norec +dnssec +time=2 +tries=1 @$addr longttl.lab. SOA |
		   awk '$4 == "SOA" {t = $2} $4 == "RRSIG" && $5 == "SOA" {o = $8} END {print t, o}')"
done

# the signed files: ldns-verify-zone passes the healthy ones, fails the broken
for z in ok.lab nsec.lab nsec3.lab optout.lab expiring.lab cdsmismatch.lab stalesig.lab child.brokenparent.lab \
	it200.lab rsasha1.lab unsupds.lab bigkeys.lab bigkeysnotcp.lab longttl.lab; do
	check "ldns-verify-zone passes $z.signed" bash -c 'ldns-verify-zone "$1" >/dev/null 2>&1' _ "$D1/zones/$z.signed"
done
for z in expired.lab notyet.lab bogus.lab brokennsec3.lab stalesig.lab@knot-stalesig; do
	check "ldns-verify-zone fails $z.signed" bash -c '! ldns-verify-zone "$1" >/dev/null 2>&1' _ "$D1/zones/$z.signed"
done
# and, given the DS lab. publishes, the zones whose DS names no key that signs
for z in ok.lab dsmismatch.lab kskunsigned.lab; do
	timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 $z. DS | awk '$4 == "DS"' >"$TMP/$z.ds"
done
check "ldns-verify-zone -k (lab.'s DS) passes ok.lab." \
	bash -c 'ldns-verify-zone -k "$1" "$2" >/dev/null 2>&1' _ "$TMP/ok.lab.ds" "$D1/zones/ok.lab.signed"
for z in dsmismatch.lab kskunsigned.lab; do
	check "ldns-verify-zone -k (lab.'s DS) fails $z." \
		bash -c '! ldns-verify-zone -k "$1" "$2" >/dev/null 2>&1' _ "$TMP/$z.ds" "$D1/zones/$z.signed"
done

# ---- rate limiting, blocked sources, the resolver's view, round robin --------
# (README.md, fourth table)

# dnsq ADDR NAME TYPE COUNT SPACING [SOURCE]: COUNT identical queries (EDNS0,
# DO=0, no RD, one try each), SPACING seconds apart (0: all at once), then 2 s
# for the answers. Prints one letter per query, in sending order: a (answer),
# t (TC=1), r (another rcode), d (no answer).
dnsq() {
	timeout 60 python3 - "$@" <<'PY'
import select, socket, struct, sys, time
addr, name, qtype, count, spacing = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
qtype = {"SOA": 6, "A": 1}[qtype]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if len(sys.argv) > 6:
    s.bind((sys.argv[6], 0))
wire = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
got = {}
def collect(until):
    while True:
        left = until - time.time()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            return
        d = s.recv(65535)
        qid, flags = struct.unpack(">HH", d[:4])
        got[qid] = "t" if flags & 0x0200 else ("a" if flags & 15 == 0 else "r")
for i in range(count):
    q = struct.pack(">HHHHHH", i, 0, 1, 0, 0, 1) + wire + struct.pack(">HH", qtype, 1)
    s.sendto(q + b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0), (addr, 53))
    collect(time.time() + spacing)
collect(time.time() + 2)
print("".join(got.get(i, "d") for i in range(count)))
PY
}
# letters CHAR TEXT: how many CHARs TEXT has.
letters() {
	local t=${2//[!$1]/}
	echo ${#t}
}

# rrl.lab.: single queries a second apart are all answered; a burst of 20
# identical ones trips ns1's RRL (answers, then TC=1 slips and drops); ns2
# (no RRL of its own) answers the same burst in full
paced=$(dnsq 127.0.72.1 rrl.lab. SOA 3 1)
expect_eq "rrl.lab. @127.0.72.1: 3 queries a second apart" aaa "$paced"
burst=$(dnsq 127.0.72.1 rrl.lab. SOA 20 0)
check "rrl.lab. @127.0.72.1: a burst of 20 gets answers, slips and drops ($burst)" \
	test "$(letters a "$burst")" -ge 1 -a "$(letters t "$burst")" -ge 1 -a "$(letters d "$burst")" -ge 1
burst=$(dnsq 127.0.72.2 rrl.lab. SOA 20 0)
expect_eq "rrl.lab. @127.0.72.2: a burst of 20, all answered" aaaaaaaaaaaaaaaaaaaa "$burst"

# lossy.lab.: the relay answers about half (0.7 x 0.7) of 100 queries at
# any pace; ns1 behind it answers all
lost=$(dnsq 127.0.73.2 lossy.lab. SOA 100 0.02)
check "lossy.lab. @127.0.73.2: 25 to 75 of 100 queries answered ($(letters a "$lost"))" \
	test "$(letters a "$lost")" -ge 25 -a "$(letters a "$lost")" -le 75 -a "$(letters t "$lost")$(letters r "$lost")" = 00
got=$(dnsq 127.0.73.1 lossy.lab. SOA 100 0.02)
expect_eq "lossy.lab. @127.0.73.1: 100 of 100 queries answered" 100 "$(letters a "$got")"

# srcblock.lab.: ns2 answers 127.0.0.1 and NOTAUTH to 127.0.0.2; ns1 both
for t in udp tcp; do
	expect_eq "srcblock.lab. @127.0.74.2 from 127.0.0.2 ($t)" NOTAUTH "$(probe 127.0.74.2 srcblock.lab. $t 127.0.0.2)"
	expect_eq "srcblock.lab. @127.0.74.2 from 127.0.0.1 ($t)" aa "$(probe 127.0.74.2 srcblock.lab. $t 127.0.0.1)"
	expect_eq "srcblock.lab. @127.0.74.1 from 127.0.0.2 ($t)" aa "$(probe 127.0.74.1 srcblock.lab. $t 127.0.0.2)"
done

# resblock.lab.: both servers refuse Unbound's egress address (127.0.0.3)
# alone, so the resolver answers SERVFAIL, with CD too
for a in 127.0.75.1 127.0.75.2; do
	expect_eq "resblock.lab. @$a from 127.0.0.3 (the resolver's egress)" NOTAUTH "$(probe $a resblock.lab. udp 127.0.0.3)"
	expect_eq "resblock.lab. @$a from 127.0.0.2" aa "$(probe $a resblock.lab. udp 127.0.0.2)"
done
check "unbound.conf sends from 127.0.0.3" grep -qx $'\toutgoing-interface: 127.0.0.3' "$D1/unbound/unbound.conf"
expect_eq "resolver: resblock.lab. SOA (servers refuse the resolver)" SERVFAIL "$(resolve resblock.lab. SOA 10)"
out=$(timeout 15 dig +cd +time=10 +tries=1 @127.0.53.53 resblock.lab. SOA 2>&1)
expect_eq "resolver: resblock.lab. SOA with CD" SERVFAIL "$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out")"
while read -r name type want what; do
	expect_eq "resolver: $name $type ($what)" "$want" "$(resolve "$name" "$type" 10)"
done <<'EOF'
rrl.lab.                SOA  NOERROR+ad  rate-limited-ns1
lossy.lab.              SOA  NOERROR+ad  lossy-ns2
srcblock.lab.           SOA  NOERROR+ad  resolver-not-blocked
multi.lab.              SOA  NOERROR+ad  one-dead-address
www.web.lab.            A    NOERROR+ad  service-host
count1.lab.             SOA  NOERROR+ad  shared-relay
count2.lab.             SOA  NOERROR+ad  shared-relay
count3.lab.             SOA  NOERROR+ad  shared-relay
EOF

# multi.lab.: ns1.multi.lab. has three addresses, as A records and as glue
glue=$(timeout 10 dig +norec +time=2 +tries=1 @127.0.54.1 multi.lab. NS | awk '$1 == "ns1.multi.lab." && $4 == "A" {print $5}' | sort | xargs)
expect_eq "multi.lab.: the parent's glue for ns1" "127.0.76.1 127.0.76.2 127.0.76.3" "$glue"
a=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.76.4 ns1.multi.lab. A | sort | xargs)
expect_eq "multi.lab.: the zone's A records for ns1" "127.0.76.1 127.0.76.2 127.0.76.3" "$a"

# web.lab.: www has three addresses; TCP 8443 accepts on two, refused on one
a=$(timeout 10 dig +norec +short +time=2 +tries=1 @127.0.77.11 www.web.lab. A | sort | xargs)
expect_eq "web.lab.: www's A records" "127.0.77.1 127.0.77.2 127.0.77.3" "$a"
for w in 1:open 2:open 3:refused; do
	out=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/8443" && echo open' _ "127.0.77.${w%:*}" 2>&1)
	case $out in *refused*) out=refused ;; esac
	expect_eq "web.lab.: TCP 127.0.77.${w%:*}:8443" "${w#*:}" "$out"
done

# count1-3.lab.: the relay on 127.0.78.2 logs each query: source, name,
# type, EDNS0 and DO
for q in "count1.lab. SOA +dnssec edns=1 do=1" "count2.lab. SOA +nodnssec edns=1 do=0" \
	"www.count3.lab. A +noedns edns=0 do=0"; do
	read -r name type flag edns dobit <<<"$q"
	timeout 10 dig +norec +time=2 +tries=1 "$flag" @127.0.78.2 "$name" "$type" >/dev/null 2>&1
	sleep 0.2
	expect_eq "count relay logs $name $type $flag" "127.0.0.1 $name $type $edns $dobit relayed" \
		"$(tail -n 1 "$D1/log/count.queries" | cut -d' ' -f2-)"
done

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
check "lab.sh status shows the query ACL (NOTAUTH from 127.0.0.2)" \
	grep -q '^knot-srcblock .* aa,NOTAUTH *aa,NOTAUTH *deny=127.0.0.2 *ok$' "$TMP/status.out"
check "lab.sh status shows the lossy relay" grep -q '^udprelay-127.0.73.2 .* aa *refused *lossy *ok$' "$TMP/status.out"
check "lab.sh status shows the TCP service ports" \
	bash -c 'grep -q "^tcp-127.0.77.1-8443 .* open *- *accept *ok$" "$1" && grep -q "^none .* 127.0.77.3:8443 .* refused *- *closed *ok$" "$1"' _ "$TMP/status.out"
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
