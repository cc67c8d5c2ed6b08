# lib.sh: helpers for the shell tests: start the real daemon, talk to it, clean up.
# Sourced by tests/*.sh; every process started here is killed by PID on exit.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${ZONEHEALTHD:=$top_builddir/src/zonehealthd}"
DATA="$top_srcdir/tests/data"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zhtest.XXXXXX")
PIDS=""
FAILS=0
PASSES=0

cleanup() {
	for pid in $PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# Tools the tests need; under CI a missing one is a failure, not a skip.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $1 is not installed"; exit 1
	fi
	echo "SKIP: $1 is not installed"; exit 77
}

# The daemon's command, under valgrind when ZH_VALGRIND=1.
daemon_cmd() {
	if [ "${ZH_VALGRIND:-0}" = 1 ]; then
		echo "valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99 --suppressions=$top_srcdir/tests/valgrind.supp $ZONEHEALTHD"
	else
		echo "$ZONEHEALTHD"
	fi
}

# A config in $TMP with loopback root hints; $1 = name, rest = extra YAML.
write_config() {
	name=$1; shift
	{
		echo 'listen: "127.0.0.1:0"'
		echo "root_hints: $DATA/loopback.hints"
		echo "trust_anchor: $DATA/loopback.anchor"
		echo "log_level: debug"
		for line in "$@"; do echo "$line"; done
	} > "$TMP/$name"
}

# start_daemon CONFIG [ARGS]: starts it in the foreground, waits (bounded)
# for the bound address (http or https), sets DPID, PORT, BASE and DLOG.
start_daemon() {
	DLOG=$(mktemp "$TMP/daemon.XXXXXX")
	dcfg=$1; shift
	$(daemon_cmd) -f -c "$dcfg" "$@" 2>"$DLOG" &
	DPID=$!
	PIDS="$PIDS $DPID"
	PORT=""
	for _ in $(seq 1 300); do
		PORT=$(sed -n 's|.*listening on https\{0,1\}://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$DLOG" | tail -n 1)
		[ -n "$PORT" ] && break
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$PORT" ]; then
		echo "daemon did not start; its log:"; cat "$DLOG"
		exit 1
	fi
	BASE="http://127.0.0.1:$PORT"
}

# stop_daemon: SIGTERM, bounded wait; sets DSTATUS to its exit status.
stop_daemon() {
	kill -TERM "$DPID"
	for _ in $(seq 1 300); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$DPID" 2>/dev/null; then
		echo "daemon ignored SIGTERM"; kill -KILL "$DPID"
	fi
	wait "$DPID"
	DSTATUS=$?
}

# wait_for_log PATTERN: bounded wait until the daemon log has the pattern.
wait_for_log() {
	for _ in $(seq 1 200); do
		grep -q -- "$1" "$DLOG" && return 0
		sleep 0.1
	done
	return 1
}

# http METHOD PATH [curl args]: writes headers to $TMP/h and body to $TMP/b,
# prints the status code.
http() {
	method=$1; path=$2; shift 2
	if [ "$method" = HEAD ]; then
		curl -s -I -o "$TMP/h" -w '%{http_code}' --max-time 10 "$@" "$BASE$path"
		: > "$TMP/b"
	else
		curl -s -X "$method" -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' \
		    --max-time 10 "$@" "$BASE$path"
	fi
}

header() { grep -i "^$1:" "$TMP/h" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'; }

# metric NAME_WITH_LABELS: its value in $TMP/b, or nothing.
metric() { awk -v m="$1" '$1 == m { print $2 }' "$TMP/b"; }

# all_judged: every zone the API lists has a status (the body in $TMP/b).
all_judged() {
	http GET /api/v1/zones >/dev/null
	python3 -c 'import json, sys; sys.exit(0 if all(z["status"] != "unknown" for z in json.load(open(sys.argv[1]))["zones"]) else 1)' "$TMP/b"
}

# wait_judged: bounded wait until every zone has been judged.
wait_judged() {
	for _ in $(seq 1 150); do all_judged && return 0; sleep 0.2; done
	return 1
}

# daemon_config LAB_CONFIG OUT: the lab's config for a daemon: a free port,
# runs every 2 s; EXTRA lines appended.
daemon_config() {
	in=$1; out=$2; shift 2
	sed -e 's/^interval:.*/interval: 2s/' -e 's/^listen:.*/listen: "127.0.0.1:0"/' "$in" > "$out"
	for line in "$@"; do echo "$line" >> "$out"; done
}

# lab_start: the DNS lab (contrib/lab) in $LAB, stopped (by the PIDs it
# recorded) when the test exits; with what the lab's tests all use (curl
# for the API, python3 for reading it). Needs root: skipped without it,
# except under CI.
lab_start() {
	for t in python3 nsd knotd unbound curl; do need "$t"; done
	if [ "$(id -u)" != 0 ]; then
		[ -n "${CI:-}" ] && { echo "FAIL: the lab needs root (port 53 on 127.x)"; exit 1; }
		echo "SKIP: the lab needs root"; exit 77
	fi
	LAB="$TMP/lab"
	trap 'lab_stop; cleanup' EXIT
	if ! "$top_srcdir/contrib/lab/lab.sh" start "$LAB" > "$TMP/lab.log" 2>&1; then
		cat "$TMP/lab.log"
		echo "FAIL: the lab did not start"
		exit 1
	fi
}
lab_stop() { "$top_srcdir/contrib/lab/lab.sh" stop "$LAB" >/dev/null 2>&1; }

# chromium_run ARGS...: headless Chromium, bounded, in a profile of its
# own, with its background traffic (updates, sync, QUIC probes) off, so it
# sends nothing beyond the loopback page it is given.
chromium_run() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$TMP/chromium" "$@" 2>/dev/null
}

# dom_zone_rows DOM: the zone table's rows as "ZONE STATUS" lines, in order.
dom_zone_rows() {
	python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.rows = []; self.intable = False; self.badge = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "zones": self.intable = True
        if self.intable and tag == "a" and a.get("href", "").startswith("/zone/"):
            self.rows.append([a["href"][6:], None])
        if self.intable and tag == "span" and "badge" in a.get("class", "").split():
            self.badge = True
    def handle_data(self, data):
        if self.badge and self.rows:
            self.rows[-1][1] = data.strip(); self.badge = False
    def handle_endtag(self, tag):
        if tag == "table": self.intable = False
p = P(); p.feed(open(sys.argv[1]).read())
for zone, status in p.rows:
    print(zone, status)
PY
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# sanitizer_clean FILE: no AddressSanitizer, LeakSanitizer or UBSan report.
sanitizer_clean() {
	! grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|LeakSanitizer has encountered' "$1"
}
# sanitizer_show FILE: the report's first lines, for the log.
sanitizer_show() {
	sanitizer_clean "$1" && return 0
	grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|LeakSanitizer has' "$1" | head -n 60 | sed 's/^/    /'
}
# crash_show FILE STATUS: the sanitizer report, or for a death by a signal
# (a non-ASan build: glibc's "double free" abort, SIGSEGV) the last lines.
crash_show() {
	sanitizer_show "$1"
	if [ "$2" -gt 128 ] 2>/dev/null; then
		echo "    killed by signal $(($2 - 128)); the end of its stderr:"
		tail -n 3 "$1" | sed 's/^/    /'
	fi
}
