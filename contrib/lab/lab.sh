#!/usr/bin/env bash
# lab.sh: a private, DNSSEC-signed DNS hierarchy on loopback for zonehealthd.
#
#   lab.sh start DIR [--listen ADDR]   build the lab in DIR and start it
#   lab.sh stop DIR                    stop what `start DIR` started (idempotent)
#   lab.sh status DIR                  each server address: does it answer?
#
# The zones are data: zones.tab beside this script (or $LAB_TABLE); the map
# and what each broken zone shows are in README.md. Everything the lab writes
# (keys, zones, configs, logs, PID records) is inside DIR; the servers run as
# root with their own configs, never the system's. Processes are stopped by
# the PIDs recorded in DIR/pids (checked against their start times), never by
# name. Needs root (port 53) and the Debian packages nsd, knot, unbound,
# ldnsutils, bind9-dnsutils, python3, iproute2.
#
# Environment: LAB_TABLE (zone table), LAB_TIMEOUT (seconds to wait for the
# servers, default 20), LAB_NSD, LAB_KNOTD, LAB_UNBOUND (server binaries),
# LAB_PYTHON (interpreter for labgen.py and the fake servers),
# LAB_CHECK_SAMPLE (check only the first N addresses and zones of each
# server at start: for labs of thousands of zones).

set -u
PATH=$PATH:/usr/sbin:/sbin
HERE=$(cd "$(dirname "$0")" && pwd)
TABLE=${LAB_TABLE:-$HERE/zones.tab}
TIMEOUT=${LAB_TIMEOUT:-20}
RESOLVER=127.0.53.53
MARKER=.zonehealth-lab

if [ -n "${LAB_PYTHON:-}" ]; then
	PY=$LAB_PYTHON
elif [ -x /usr/bin/python3 ]; then
	PY=/usr/bin/python3
else
	PY=python3
fi

say() { echo "lab.sh: $*"; }
die() { echo "lab.sh: error: $*" >&2; exit 1; }

usage() {
	echo "usage: lab.sh start DIR [--listen ADDR] | stop DIR | status DIR" >&2
	exit 2
}

# ---- processes ---------------------------------------------------------
# Every server is started with setsid, so it leads a session of its own
# whose id is its PID. DIR/pids/NAME holds "PID STARTTIME SESSION" lines:
# the server first, then its child processes (NSD forks). A recorded
# process is signalled only while its PID, start time and session all still
# match: never a reused PID, never a process of another session.

# procinfo PID: "STARTTIME SESSION" of a live, non-zombie process (fields 22
# and 6 of /proc/PID/stat); nothing when it is gone.
procinfo() {
	local stat rest
	case $1 in '' | *[!0-9]*) return 0 ;; esac
	[ "$1" -gt 1 ] && [ "$1" != $$ ] || return 0
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
	rest=${stat##*) }        # from field 3 (state) on; comm may hold spaces
	set -f
	set -- $rest
	set +f
	[ "$1" = Z ] && return 0
	echo "${20} $4"
}

# ours PID START SESSION: that recorded process still runs.
ours() {
	[ -n "${3:-}" ] && [ "$(procinfo "$1")" = "$2 $3" ]
}

# descendants PID: the live processes of session PID that descend from PID.
descendants() {
	local root=$1 f stat rest pid c
	local -A kids=()
	for f in /proc/[0-9]*/stat; do
		{ read -r stat <"$f"; } 2>/dev/null || continue
		pid=${stat%% *}
		rest=${stat##*) }
		set -f
		set -- $rest
		set +f
		[ "$4" = "$root" ] || continue
		kids[$2]="${kids[$2]:-} $pid"
	done
	local queue=("$root") out=()
	while [ ${#queue[@]} -gt 0 ]; do
		pid=${queue[0]}
		queue=("${queue[@]:1}")
		for c in ${kids[$pid]:-}; do
			[ "$c" != "$root" ] || continue
			out+=("$c")
			queue+=("$c")
		done
	done
	echo "${out[@]:-}"
}

# launch NAME COMMAND...: start one server in a session of its own, its
# output in DIR/log/NAME.log, and record it in DIR/pids/NAME.
launch() {
	local name=$1 pid info i
	shift
	setsid "$@" </dev/null >>"$DIR/log/$name.log" 2>&1 &
	pid=$!
	# setsid() runs right after the fork: wait (bounded) until it has
	for i in $(seq 1 50); do
		info=$(procinfo "$pid")
		[ -n "$info" ] && [ "${info#* }" = "$pid" ] && break
		[ -z "$info" ] && break
		sleep 0.02
	done
	# a process already gone is recorded with start time "gone": never signalled
	[ -n "$info" ] || info=gone
	echo "$pid ${info%% *} $pid" >"$DIR/pids/$name"
}

# record_children: add the servers' child processes to their records.
record_children() {
	local f pid start sid child
	for f in "$DIR"/pids/*; do
		[ -f "$f" ] || continue
		read -r pid start sid <"$f"
		ours "$pid" "$start" "$sid" || continue
		for child in $(descendants "$pid"); do
			echo "$child $(procinfo "$child")" >>"$f"
		done
	done
}

# main_pid NAME: the recorded server's PID, if it still runs.
main_pid() {
	local pid start sid
	[ -f "$DIR/pids/$1" ] || return 1
	read -r pid start sid <"$DIR/pids/$1"
	ours "$pid" "$start" "$sid" && echo "$pid"
}

# count_left FILE...: how many recorded processes still run.
count_left() {
	local f pid start sid n=0
	for f in "$@"; do
		while read -r pid start sid; do
			ours "$pid" "$start" "$sid" && n=$((n + 1))
		done <"$f"
	done
	echo $n
}

# wait_gone SECONDS FILE...: until no recorded process runs, bounded.
wait_gone() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$(count_left "$@")" -gt 0 ]; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
	return 0
}

# stop_all: SIGTERM every recorded server, wait up to 5 s, then SIGKILL
# whatever recorded process is left, wait up to 3 s. Returns 1 if any
# recorded process survived (its record is kept for another try).
stop_all() {
	local f pid start sid files=()
	[ -d "$DIR/pids" ] || return 0
	for f in "$DIR"/pids/*; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -eq 0 ] && return 0
	for f in "${files[@]}"; do
		read -r pid start sid <"$f"
		ours "$pid" "$start" "$sid" && kill -TERM "$pid" 2>/dev/null
	done
	if ! wait_gone 5 "${files[@]}"; then
		for f in "${files[@]}"; do
			while read -r pid start sid; do
				if ours "$pid" "$start" "$sid"; then
					echo "lab.sh: $(basename "$f"): PID $pid still runs 5 s after SIGTERM: SIGKILL" >&2
					kill -KILL "$pid" 2>/dev/null
				fi
			done <"$f"
		done
		if ! wait_gone 3 "${files[@]}"; then
			for f in "${files[@]}"; do
				while read -r pid start sid; do
					ours "$pid" "$start" "$sid" &&
						echo "lab.sh: error: $(basename "$f"): PID $pid survived SIGKILL" >&2
				done <"$f"
			done
			return 1
		fi
	fi
	rm -f -- "${files[@]}"
	return 0
}

# ---- DNS probes --------------------------------------------------------

# probe ADDR ZONE udp|tcp [SOURCE [TRIES]]: one non-recursive SOA query
# (from SOURCE, and up to TRIES tries on a timeout, when given). Prints one
# word: aa (authoritative answer), noaa, an rcode (REFUSED, SERVFAIL,
# NOTAUTH...), refused (connection refused: ICMP or RST), timeout, or error.
probe() {
	local out status tr=+notcp src=() tries=${5:-1}
	[ "$3" = tcp ] && tr=+tcp
	[ -n "${4:-}" ] && src=(-b "$4")
	out=$(timeout $((tries + 4)) dig "${src[@]}" +norec +time=1 +tries="$tries" $tr @"$1" "$2" SOA 2>&1)
	# dig reports each try that failed, then the answer of one that did not
	status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n 1)
	if [ -z "$status" ]; then
		case $out in
		*"connection refused"*) echo refused ;;
		*"timed out"*) echo timeout ;;
		*) echo error ;;
		esac
	elif [ "$status" != NOERROR ]; then
		echo "$status"
	elif grep -q '^;; flags:[^;]* aa[ ;]' <<<"$out"; then
		echo aa
	else
		echo noaa
	fi
}

# tcpconnect ADDR:PORT: a TCP connect; prints open, refused or timeout.
tcpconnect() {
	local out
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "${1%:*}" "${1##*:}" 2>&1)
	case $?/$out in
	0/*) echo open ;;
	*"refused"*) echo refused ;;
	124/*) echo timeout ;;
	*) echo error ;;
	esac
}

# designed EXPECT UDP TCP: the results of probe_lines are what a line of
# lab.checks expects.
designed() {
	local want src srcs
	case $1 in
	deny=*)
		want=aa
		IFS=, read -r -a srcs <<<"${1#deny=}"
		for src in "${srcs[@]}"; do want="$want,NOTAUTH"; done
		[ "$2" = "$want" ] && [ "$3" = "$want" ]
		return
		;;
	esac
	case $1/$2/$3 in
	serve/aa/aa | refused/refused/refused | timeout/timeout/timeout | udponly/aa/refused | other/* | hostile/*) ;;
	servfail/SERVFAIL/SERVFAIL | lame/REFUSED/REFUSED | referral/noaa/noaa) ;;
	lossy/aa/refused | accept/open/- | closed/refused/-) ;;
	resolve/NOERROR+ad/NOERROR+ad) ;;
	*) return 1 ;;
	esac
}

# resolve NAME TYPE [SECONDS [udp|tcp]]: a recursive query to the lab's
# resolver. Prints the rcode, plus "+ad" when the answer validated (e.g.
# NOERROR+ad), or refused, timeout, error.
resolve() {
	local out status tr=+notcp
	[ "${4:-udp}" = tcp ] && tr=+tcp
	out=$(timeout 20 dig +time=${3:-5} +tries=1 $tr @"$RESOLVER" "$1" "$2" 2>&1)
	case $out in
	*"connection refused"*) echo refused; return ;;
	*"timed out"*) echo timeout; return ;;
	esac
	status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n 1)
	[ -z "$status" ] && { echo error; return; }
	if grep -q '^;; flags:[^;]* ad[ ;]' <<<"$out"; then
		echo "$status+ad"
	else
		echo "$status"
	fi
}

# ---- start -------------------------------------------------------------

need_tools() {
	local t missing=""
	for t in nsd:nsd knotd:knot unbound:unbound ldns-keygen:ldnsutils ldns-signzone:ldnsutils \
		ldns-key2ds:ldnsutils dig:bind9-dnsutils ss:iproute2 setsid:util-linux timeout:coreutils; do
		command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
	done
	command -v "$PY" >/dev/null 2>&1 || missing="$missing python3"
	[ -z "$missing" ] || die "missing Debian packages:$missing (apt-get install$missing)"
}

# preflight ADDR|ADDR:PORT...: nothing may listen on the lab's addresses
# (port 53, or the port given), nor on a wildcard address on those ports
# (it would answer for the dead addresses).
preflight() {
	local a p local_addr who bad="" want=" "
	for a in "$@"; do
		case $a in
		*:*) want="$want$a " p=${a##*:} ;;
		*) want="$want$a:53 " p=53 ;;
		esac
		case $want in
		*" 0.0.0.0:$p "*) ;;
		*) want="${want}0.0.0.0:$p *:$p [::]:$p [::ffff:0.0.0.0]:$p " ;;
		esac
	done
	while read -r local_addr who; do
		case $want in
		*" $local_addr "*) bad="$bad
  $local_addr ${who:-?}" ;;
		esac
	done < <(ss -Hlntup 2>/dev/null |
		sed -E 's/^([^ ]+ +){4}([^ ]+) +[^ ]+ *(users:\(\("([^"]*)",pid=([0-9]+))?.*/\2 \4 (pid \5)/' | sort -u)
	[ -z "$bad" ] || die "addresses the lab needs are in use (another lab? lab.sh stop ITS-DIR):$bad"
}

fail_start() {
	local name=$1
	shift
	echo "lab.sh: error: $name: $*" >&2
	if [ -f "$DIR/log/$name.log" ]; then
		echo "lab.sh: its log, $DIR/log/$name.log, ends:" >&2
		tail -n 8 "$DIR/log/$name.log" | sed 's/^/    /' >&2
	fi
	say "stopping the servers started so far" >&2
	stop_all
	exit 1
}

# probe_lines OUT LINE...: probe what lines of lab.checks name, 64 at a
# time: OUT/N.u and OUT/N.t get the UDP and TCP result of line N (probe's
# words; for the resolver's line, resolve's for its zone's SOA; for a lossy
# relay, UDP with ten tries; for deny=SRC,..., the default source's result
# then each SRC's, comma-separated; for a tcp line, tcpconnect's in .u and
# - in .t). One pass costs the slowest probe, not the sum of them.
probe_lines() {
	local out=$1 i=0 line inst kind addr zone expect pids=() deny=() t r k srcs
	shift
	for line in "$@"; do
		# 64 lines at a time: a table of thousands of zones must not
		# start tens of thousands of dig processes at once
		if [ $((i % 64)) -eq 0 ] && [ ${#pids[@]} -gt 0 ]; then
			wait "${pids[@]}"
			pids=()
		fi
		i=$((i + 1))
		read -r inst kind addr zone expect <<<"$line"
		if [ "$expect" = resolve ]; then
			(resolve "$zone" SOA 3 udp >"$out/$i.u") &
			pids+=($!)
			(resolve "$zone" SOA 3 tcp >"$out/$i.t") &
		elif [ "$expect" = accept ] || [ "$expect" = closed ]; then
			(tcpconnect "$addr" >"$out/$i.u"; echo - >"$out/$i.t") &
		elif [ "$expect" = lossy ]; then
			(probe "$addr" "$zone" udp "" 10 >"$out/$i.u") &
			pids+=($!)
			(probe "$addr" "$zone" tcp >"$out/$i.t") &
		elif [ "${expect#deny=}" != "$expect" ]; then
			# one probe per source and transport, joined once all are done
			IFS=, read -r -a srcs <<<"${expect#deny=}"
			srcs=("" "${srcs[@]}")
			deny+=("$i:${#srcs[@]}")
			for k in "${!srcs[@]}"; do
				(probe "$addr" "$zone" udp "${srcs[k]}" >"$out/$i.u.$k") &
				pids+=($!)
				(probe "$addr" "$zone" tcp "${srcs[k]}" >"$out/$i.t.$k") &
				pids+=($!)
			done
			continue
		else
			(probe "$addr" "$zone" udp >"$out/$i.u") &
			pids+=($!)
			(probe "$addr" "$zone" tcp >"$out/$i.t") &
		fi
		pids+=($!)
	done
	# only these: the servers are background jobs of this shell too
	[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
	for line in "${deny[@]}"; do
		i=${line%:*}
		for t in u t; do
			r=$(<"$out/$i.$t.0")
			for ((k = 1; k < ${line#*:}; k++)); do r="$r,$(<"$out/$i.$t.$k")"; done
			echo "$r" >"$out/$i.$t"
		done
	done
}

# sample_checks: with LAB_CHECK_SAMPLE=N, the first N check lines of each
# server instance and kind of check (a benchmark's lab of thousands of
# zones); all of them otherwise.
sample_checks() {
	awk -v n="${LAB_CHECK_SAMPLE:-0}" '{ k = $1 " " $5 } n == 0 || ++c[k] <= n'
}

# wait_ready: every line of DIR/lab.checks except the resolver's, until
# TIMEOUT. A server that exits, or does not answer in time, fails the start.
wait_ready() {
	local deadline=$((SECONDS + TIMEOUT)) pending=() probed slot next line inst kind addr zone expect u t i k
	local tmp=$DIR/probes first_u first_t
	mkdir -p "$tmp"
	mapfile -t pending < <(grep -v ' resolve$' "$DIR/lab.checks" | sample_checks)
	while [ ${#pending[@]} -gt 0 ]; do
		# probe, all at once, the lines a probe can settle now (slot: the
		# line's number among them, 0 for none); a blackhole, a relay and
		# a TCP listener first need their ready file
		probed=() slot=()
		for k in "${!pending[@]}"; do
			read -r inst kind addr zone expect <<<"${pending[$k]}"
			case $expect in
			serve | servfail | timeout | hostile | udponly | lossy | accept | deny=*)
				main_pid "$inst" >/dev/null || fail_start "$inst" "exited during start-up"
				;;
			esac
			slot[k]=0
			case $expect in
			serve | servfail | deny=*) probed+=("${pending[$k]}") slot[k]=${#probed[@]} ;;
			udponly | lossy | accept)
				[ -s "$DIR/$inst/ready" ] && probed+=("${pending[$k]}") && slot[k]=${#probed[@]} ;;
			esac
		done
		probe_lines "$tmp" "${probed[@]}"
		next=()
		for k in "${!pending[@]}"; do
			read -r inst kind addr zone expect <<<"${pending[$k]}"
			u=- t=-
			[ "${slot[k]}" = 0 ] || { u=$(<"$tmp/${slot[k]}.u"); t=$(<"$tmp/${slot[k]}.t"); }
			case $expect/$u/$t in
			serve/aa/aa | servfail/SERVFAIL/SERVFAIL | udponly/aa/* | lossy/aa/refused | accept/open/*) continue ;;
			deny=*) designed "$expect" "$u" "$t" && continue ;;
			timeout/* | hostile/*) [ -s "$DIR/$inst/ready" ] && continue ;;
			serve/* | servfail/* | udponly/* | lossy/* | accept/*) ;;
			*) continue ;;
			esac
			[ ${#next[@]} -eq 0 ] && first_u=$u first_t=$t
			next+=("${pending[$k]}")
		done
		pending=("${next[@]}")
		[ ${#pending[@]} -eq 0 ] && break
		if [ $SECONDS -ge $deadline ]; then
			read -r inst kind addr zone expect <<<"${pending[0]}"
			case $expect in
			servfail) fail_start "$inst" "no SERVFAIL for $zone SOA from $addr within ${TIMEOUT}s (udp=$first_u)" ;;
			accept) fail_start "$inst" "TCP $addr does not accept a connection within ${TIMEOUT}s ($first_u)" ;;
			lossy) fail_start "$inst" "$addr should answer $zone SOA on UDP within ten tries and refuse TCP, but within ${TIMEOUT}s got udp=$first_u tcp=$first_t" ;;
			deny=*) fail_start "$inst" "$addr should answer $zone SOA with AA from 127.0.0.1 and NOTAUTH from ${expect#deny=}, but within ${TIMEOUT}s got udp=$first_u tcp=$first_t" ;;
			*) fail_start "$inst" "no authoritative SOA answer for $zone from $addr within ${TIMEOUT}s (udp=$first_u)" ;;
			esac
		fi
		sleep 0.1
	done
	# now that everything runs: the dead and UDP-only addresses must refuse,
	# and so must a TCP port where nothing listens; a server asked for a
	# zone it does not serve must answer REFUSED, one asked for a child of
	# its zone a referral
	mapfile -t probed < <(grep -E ' (lame|referral|refused|udponly|closed)$' "$DIR/lab.checks" |
	    sample_checks)
	probe_lines "$tmp" "${probed[@]}"
	i=0
	for line in "${probed[@]}"; do
		i=$((i + 1))
		read -r inst kind addr zone expect <<<"$line"
		u=$(<"$tmp/$i.u") t=$(<"$tmp/$i.t")
		case $expect/$u/$t in
		lame/REFUSED/REFUSED | referral/noaa/noaa | refused/refused/refused | udponly/*/refused) continue ;;
		closed/refused/-) continue ;;
		esac
		case $expect in
		lame) fail_start "$inst" "$addr should answer REFUSED for $zone (it does not serve it), but udp=$u tcp=$t" ;;
		referral) fail_start "$inst" "$addr should answer $zone with a referral (no AA), but udp=$u tcp=$t" ;;
		refused) fail_start "$addr" "should have nothing listening on port 53, but udp=$u tcp=$t" ;;
		udponly) fail_start "$inst" "TCP to $addr should be refused, got $t" ;;
		closed) fail_start "$addr" "should have nothing listening, but a TCP connect got $u" ;;
		esac
	done
	rm -rf -- "$tmp"
}

cmd_start() {
	local listen=$1 t0 name kind cmd r rzone
	t0=$(date +%s.%N)
	[ "$(id -u)" = 0 ] || die "start needs root (the servers bind port 53)"
	need_tools
	case $DIR in *[[:space:]]*) die "DIR must not contain white space: '$DIR'" ;; esac
	mkdir -p -- "$DIR" || die "cannot create $DIR"
	DIR=$(cd -- "$DIR" && pwd)
	if [ -d "$DIR/pids" ] && [ -n "$(ls -A "$DIR/pids")" ]; then
		for f in "$DIR"/pids/*; do
			read -r pid start sid <"$f"
			ours "$pid" "$start" "$sid" && die "a lab is already running in $DIR ($(basename "$f"), PID $pid): lab.sh stop $DIR first"
		done
	fi
	if [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/$MARKER" ]; then
		die "$DIR is not empty and holds no lab: give an empty or new directory"
	fi
	# a previous lab's files: all generated, rebuilt from the table
	(cd "$DIR" && rm -rf -- keys zones log pids unbound nsd-* knot-* blackhole-* udprelay-* hostile-* tcp-* \
		lab.procs lab.checks root.hints root.key root.dnskey zonehealth.yaml expiry.tab probes)
	: >"$DIR/$MARKER"
	mkdir -p "$DIR/pids" "$DIR/log"

	"$PY" "$HERE/labgen.py" --dir "$DIR" --table "$TABLE" --listen "$listen" ||
		die "labgen.py could not build the lab from $TABLE"
	# shellcheck disable=SC2046 # one address per word
	preflight $(awk '{print $3}' "$DIR/lab.checks")

	trap 'echo "lab.sh: interrupted" >&2; stop_all; exit 1' INT TERM HUP
	while read -r name kind cmd; do
		[ "$kind" = unbound ] && continue
		launch "$name" $cmd
	done <"$DIR/lab.procs"
	wait_ready

	read -r name kind cmd < <(grep '^unbound ' "$DIR/lab.procs")
	rzone=$(awk '$5 == "resolve" { print $4; exit }' "$DIR/lab.checks")
	launch unbound $cmd
	local deadline=$((SECONDS + TIMEOUT))
	while :; do
		main_pid unbound >/dev/null || fail_start unbound "exited during start-up"
		r=$(resolve "$rzone" SOA 2)
		case $r in
		NOERROR+ad) break ;;
		NOERROR | SERVFAIL*) fail_start unbound "$rzone SOA answered $r, not NOERROR with AD: the DNSSEC chain from the lab root does not validate" ;;
		esac
		[ $SECONDS -ge $deadline ] && fail_start unbound "no answer on $RESOLVER within ${TIMEOUT}s (last: $r)"
		sleep 0.1
	done
	record_children
	trap - INT TERM HUP

	say "lab running in $DIR ($(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN{printf "%.1f", t1 - t0}') s)"
	say "resolver $RESOLVER (validating; trust anchor $DIR/root.key)"
	say "zonehealthd config: $DIR/zonehealth.yaml (listen $listen)"
	say "servers:"
	awk '{printf "    %-22s %-13s %-18s %s\n", $1, $3, $4, $5}' "$DIR/lab.checks"
	say "stop it with: $0 stop $DIR"
}

# ---- stop and status ---------------------------------------------------

cmd_stop() {
	if [ ! -d "$DIR" ]; then
		say "no lab in $DIR: nothing to stop"
		return 0
	fi
	DIR=$(cd -- "$DIR" && pwd)
	if [ ! -d "$DIR/pids" ] || [ -z "$(ls -A "$DIR/pids")" ]; then
		say "no lab running in $DIR: nothing to stop"
		return 0
	fi
	stop_all || die "some lab processes in $DIR could not be stopped"
	say "lab in $DIR stopped"
}

cmd_status() {
	local tmp i=0 lines inst kind addr zone expect state u t verdict bad=0 pid
	[ -f "$DIR/lab.checks" ] || die "no lab in $DIR"
	DIR=$(cd -- "$DIR" && pwd)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/labstatus.XXXXXX") || die "mktemp failed"
	# the probes in parallel: a blackhole costs its timeouts once, not per line
	mapfile -t lines <"$DIR/lab.checks"
	probe_lines "$tmp" "${lines[@]}"
	printf '%-22s %-9s %-16s %-18s %-10s %-10s %-9s %s\n' SERVER PROCESS ADDRESS ZONE UDP TCP DESIGNED VERDICT
	i=0
	while read -r inst kind addr zone expect; do
		i=$((i + 1))
		u=$(<"$tmp/$i.u") t=$(<"$tmp/$i.t")
		case $inst in
		none | -) state=- ;;
		*) if pid=$(main_pid "$inst"); then state=$pid; else state=stopped; fi ;;
		esac
		if designed "$expect" "$u" "$t"; then verdict=ok; else verdict=WRONG bad=1; fi
		printf '%-22s %-9s %-16s %-18s %-10s %-10s %-9s %s\n' "$inst" "$state" "$addr" "$zone" "$u" "$t" "$expect" "$verdict"
	done <"$DIR/lab.checks"
	rm -rf -- "$tmp"
	return $bad
}

# ---- main --------------------------------------------------------------

[ $# -ge 2 ] || usage
CMD=$1
shift
DIR=""
LISTEN="127.0.0.1:0"
while [ $# -gt 0 ]; do
	case $1 in
	--listen) [ $# -ge 2 ] || usage; LISTEN=$2; shift 2 ;;
	--listen=*) LISTEN=${1#--listen=}; shift ;;
	-*) usage ;;
	*) [ -z "$DIR" ] || usage; DIR=$1; shift ;;
	esac
done
[ -n "$DIR" ] || usage
case $CMD in
start) cmd_start "$LISTEN" ;;
stop) cmd_stop ;;
status) cmd_status ;;
*) usage ;;
esac
