#!/bin/sh
# bench/soak.sh: the daemon against the lab for N cycles (default 1000) of
# every zone, the hostile servers' zones among them, with faults switched
# on and off every few cycles (a lab server frozen with SIGSTOP, then
# thawed); prints open fds, RSS and the
# infra cache size at the start and the end. Not a test: it asserts
# nothing; with VALGRIND=1 the daemon runs under valgrind (use fewer
# cycles). Needs root (the lab).
#
#   sudo bench/soak.sh [CYCLES]
set -eu
CYCLES=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
ZH=${ZONEHEALTHD:-$top/src/zonehealthd}
D=$(mktemp -d "${TMPDIR:-/tmp}/zhsoak.XXXXXX")
DPID=""
FROZEN=""
cleanup() {
	[ -n "$FROZEN" ] && kill -CONT "$FROZEN" 2>/dev/null
	[ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	"$top/contrib/lab/lab.sh" stop "$D/lab" >/dev/null 2>&1 || true
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$top/contrib/lab/lab.sh" start "$D/lab" > "$D/lab.log" 2>&1 ||
	{ cat "$D/lab.log"; exit 1; }
# A server to freeze and thaw: the Knot instance behind ok.lab.'s ns2.
# DIR/pids/NAME holds "PID STARTTIME SESSION"; knot-2 serves ok.lab.'s ns2.
victim=""
[ -f "$D/lab/pids/knot-2" ] && read -r victim _ _ < "$D/lab/pids/knot-2"
sed -e 's/^interval:.*/interval: 1s/' -e 's/^listen:.*/listen: "127.0.0.1:0"/' \
	"$D/lab/zonehealth.yaml" > "$D/soak.yaml"
# and the hostile servers' zones (the lab does not monitor them itself)
for z in hgarbage htruncated hcomploop hwrongid hwrongquestion hoversized \
    htrickle hnoclose hflood; do
	echo "  - name: $z.lab." >> "$D/soak.yaml"
done
if [ "${VALGRIND:-0}" = 1 ]; then
	valgrind -q --leak-check=full --error-exitcode=99 --log-file="$D/valgrind.log" \
	    "$ZH" -f -c "$D/soak.yaml" 2> "$D/daemon.log" &
else
	"$ZH" -f -c "$D/soak.yaml" 2> "$D/daemon.log" &
fi
DPID=$!
PORT=""
for _ in $(seq 1 300); do
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$D/daemon.log" | tail -n 1)
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || { echo "daemon did not start"; cat "$D/daemon.log"; exit 1; }
# The daemon's own pid under valgrind is valgrind's: the fds and RSS are
# the process's either way.
sample() {
	m=$(curl -s "http://127.0.0.1:$PORT/metrics")
	fds=$(echo "$m" | awk '$1 == "process_open_fds" { print $2 }')
	rss=$(echo "$m" | awk '$1 == "process_resident_memory_bytes" { printf "%.1f", $2 / 1048576 }')
	infra=$(echo "$m" | awk '$1 == "zonehealth_infra_cache_entries" { print $2 }')
	runs=$(echo "$m" | awk '$1 == "zonehealth_runs_started_total" { print $2 }')
	echo "$1: open fds $fds, RSS $rss MiB, infra cache $infra entries, $runs zone runs started"
}
sleep 5
sample "start"
zones=$(grep -c '^  - name:' "$D/soak.yaml")
echo "soak: $zones zones every 1 s for $CYCLES cycles; faults: knot-2 (pid ${victim:-none}) frozen for 10 cycles of every 20"
i=0
while [ "$i" -lt "$CYCLES" ]; do
	sleep 1
	i=$((i + 1))
	if [ -n "$victim" ] && [ $((i % 20)) -eq 10 ]; then
		kill -STOP "$victim" 2>/dev/null && FROZEN=$victim
	elif [ -n "$FROZEN" ] && [ $((i % 20)) -eq 0 ]; then
		kill -CONT "$FROZEN" 2>/dev/null
		FROZEN=""
	fi
	[ $((i % 100)) -eq 0 ] && sample "cycle $i"
	kill -0 "$DPID" 2>/dev/null || { echo "the daemon died"; tail "$D/daemon.log"; exit 1; }
done
[ -n "$FROZEN" ] && kill -CONT "$FROZEN" && FROZEN=""
sample "end"
kill -TERM "$DPID"
wait "$DPID"
echo "daemon exit status: $?"
DPID=""
if [ "${VALGRIND:-0}" = 1 ]; then
	echo "valgrind: $(grep -c 'ERROR SUMMARY: [1-9]' "$D/valgrind.log" || true) error summaries with errors"
	tail -n 5 "$D/valgrind.log"
fi
