#!/bin/sh
# hostile_files: local files that are not regular files. A device or a FIFO
# named as root_hints, trust_anchor, the config, the web config or the
# state file is refused by -t, at start and at a reload, at once: never
# read forever (/dev/zero), never waited on (a FIFO with no writer), never
# renamed over (the state file at shutdown). A refused reload leaves the
# running daemon answering and obeying SIGTERM.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need mkfifo
need truncate
need timeout

mkfifo "$TMP/fifo"
# mkcfg NAME KEY VALUE [LINES...]: a config with KEY set to VALUE, the
# other root data on loopback.
mkcfg() {
	name=$1 key=$2 value=$3; shift 3
	{
		echo 'listen: "127.0.0.1:0"'
		[ "$key" = root_hints ] || echo "root_hints: $DATA/loopback.hints"
		[ "$key" = trust_anchor ] || echo "trust_anchor: $DATA/loopback.anchor"
		echo "$key: $value"
		for line in "$@"; do echo "$line"; done
		echo 'zones: [example.com]'
	} > "$TMP/$name"
}
# -t on each, bounded: a hang is a failure, not a stuck test.
try_t() {	# DESCRIPTION KEY VALUE
	mkcfg "t-$2.yaml" "$2" "$3"
	timeout 10 $(daemon_cmd) -t -c "$TMP/t-$2.yaml" > "$TMP/t.out" 2>&1
	rc=$?
	check "-t refuses $1 ($rc)" test "$rc" = 78
	check "-t says why for $1" grep -q "not a regular file\|cannot read" "$TMP/t.out"
}
try_t "root_hints /dev/zero" root_hints /dev/zero
try_t "root_hints a FIFO" root_hints "$TMP/fifo"
try_t "trust_anchor /dev/zero" trust_anchor /dev/zero
try_t "trust_anchor a FIFO" trust_anchor "$TMP/fifo"
try_t "state_file /dev/null" state_file /dev/null
try_t "state_file a FIFO" state_file "$TMP/fifo"
try_t "web_config_file a FIFO" web_config_file "$TMP/fifo"
# Oversize (sparse: nothing is written): refused by its size, unread.
truncate -s 2M "$TMP/big.hints"
try_t "root_hints of 2 MiB" root_hints "$TMP/big.hints"
truncate -s 65M "$TMP/big.yaml"
timeout 10 $(daemon_cmd) -t -c "$TMP/big.yaml" > "$TMP/t.out" 2>&1
rc=$?
check "-t refuses a config of 65 MiB ($rc)" test "$rc" = 78
timeout 10 $(daemon_cmd) -t -c "$TMP/fifo" > "$TMP/t.out" 2>&1
rc=$?
check "-t refuses a FIFO as the config ($rc)" test "$rc" = 78
timeout 10 $(daemon_cmd) -t -c /dev/zero > "$TMP/t.out" 2>&1
rc=$?
check "-t refuses /dev/zero as the config ($rc)" test "$rc" = 78

# Not at start either (the state file is checked with the config).
mkcfg start.yaml state_file "$TMP/fifo"
timeout 10 $(daemon_cmd) -f -c "$TMP/start.yaml" > "$TMP/start.out" 2>&1
rc=$?
check "a FIFO as state_file: the daemon does not start ($rc)" test "$rc" = 78

# A running daemon: reloads to /dev/zero and to a FIFO are refused, and it
# goes on serving and stops on SIGTERM.
mkcfg run.yaml state_file "$TMP/state" 'interval: 1h'
start_daemon "$TMP/run.yaml"
n=0
for bad in /dev/zero "$TMP/fifo"; do
	mkcfg run.yaml trust_anchor "$bad" 'interval: 1h' "state_file: $TMP/state"
	kill -HUP "$DPID"
	n=$((n + 1))
	for _ in $(seq 1 100); do
		[ "$(grep -c 'reload refused' "$DLOG")" -ge "$n" ] && break
		sleep 0.1
	done
	check "reload to $bad refused" test "$(grep -c 'reload refused' "$DLOG")" -ge "$n"
	code=$(http GET /healthz)
	check "still answering after the reload to $bad ($code)" test "$code" = 200
done
stop_daemon
check "SIGTERM obeyed after the refused reloads ($DSTATUS)" test "$DSTATUS" = 0
check "the state file is a regular file" test -f "$TMP/state"

# A state file replaced by a device node while running is not renamed over.
if [ "$(id -u)" = 0 ]; then
	mkcfg dev.yaml state_file "$TMP/dev" 'interval: 1h'
	start_daemon "$TMP/dev.yaml"
	mknod "$TMP/dev" c 1 5	# /dev/zero's numbers
	stop_daemon
	check "a device at state_file is left alone" test -c "$TMP/dev"
	check "and the daemon says so" grep -q "not a regular file: not replaced" "$DLOG"
	rm -f "$TMP/dev"
fi

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
