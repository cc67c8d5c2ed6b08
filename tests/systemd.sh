#!/bin/sh
# systemd: the unit passes systemd-analyze verify and rates 2.0 or better in
# "systemd-analyze security"; the daemon speaks sd_notify as the unit says
# (READY with STATUS, WATCHDOG pings from the loop, RELOADING, STOPPING).
. "${top_srcdir:-.}/tests/lib.sh"
need systemd-analyze
need python3

UNIT="$TMP/zonehealthd.service"
SOCKET="$TMP/zonehealthd.socket"
for u in service socket; do
	sed -e "s|@sbindir@|$(dirname "$ZONEHEALTHD")|g" -e "s|@sysconfdir@|/etc|g" \
		"$top_srcdir/systemd/zonehealthd.$u.in" > "$TMP/zonehealthd.$u"
done
# verify runs man for each Documentation= page: give it the built pages,
# as they would be installed.
mkdir -p "$TMP/man/man8" "$TMP/man/man5"
cp "$top_builddir/man/zonehealthd.8" "$TMP/man/man8/" &&
    cp "$top_builddir/man/zonehealth.yaml.5" "$TMP/man/man5/" ||
    fail "the manual pages are built"
if command -v man >/dev/null 2>&1; then
	check "systemd-analyze verify" env MANPATH="$TMP/man" systemd-analyze verify "$UNIT"
	check "systemd-analyze verify (the socket unit)" \
	    env MANPATH="$TMP/man" systemd-analyze verify "$SOCKET" "$UNIT"
else
	# No man to look the pages up with: verify the rest of the unit.
	sed '/^Documentation=/d' "$UNIT" > "$TMP/nodoc.service"
	check "systemd-analyze verify (no man here: without Documentation=)" \
	    systemd-analyze verify "$TMP/nodoc.service"
	sed '/^Documentation=/d' "$SOCKET" > "$TMP/nodoc.socket"
	check "systemd-analyze verify (the socket unit, without Documentation=)" \
	    systemd-analyze verify "$TMP/nodoc.socket" "$TMP/nodoc.service"
fi
score=$(systemd-analyze security --offline=yes "$UNIT" 2>/dev/null |
	sed -n 's/.*Overall exposure level for zonehealthd.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security: exposure $score (goal: 2.0 or lower)"
check "exposure $score is 2.0 or lower" python3 -c "import sys; sys.exit(0 if 0 <= float('$score') <= 2.0 else 1)"
check "the unit asks for a watchdog" grep -q '^WatchdogSec=' "$UNIT"
check "the socket unit's drop-in passes --web.systemd-socket" \
    grep -q '^#.*ExecStart=.*--web.systemd-socket' "$SOCKET"

if ! grep -q '^#define HAVE_LIBSYSTEMD 1' "$top_builddir/zhbuild.h" 2>/dev/null; then
	echo "built without libsystemd: no sd_notify to test"
	finish
fi

# A notify socket of our own: record every datagram, one per line.
python3 - "$TMP/notify" "$TMP/notes" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.time() + 30
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        out.write(msg.replace("\n", "|") + "\n")
        out.flush()
PY
LPID=$!
PIDS="$PIDS $LPID"
for _ in $(seq 1 50); do [ -S "$TMP/notify" ] && break; sleep 0.1; done

write_config zh.yaml 'zones: [a.test]'
NOTIFY_SOCKET="$TMP/notify" WATCHDOG_USEC=900000
export NOTIFY_SOCKET WATCHDOG_USEC
start_daemon "$TMP/zh.yaml"
unset NOTIFY_SOCKET WATCHDOG_USEC
for _ in $(seq 1 50); do grep -q 'READY=1' "$TMP/notes" 2>/dev/null && break; sleep 0.1; done
check "READY=1 with a STATUS line" grep -q 'READY=1|STATUS=1 zones: ' "$TMP/notes"
sleep 1.5
check "watchdog pinged from the loop" test "$(grep -c '^WATCHDOG=1' "$TMP/notes")" -ge 3
kill -HUP "$DPID"
for _ in $(seq 1 50); do grep -q 'RELOADING=1' "$TMP/notes" && break; sleep 0.1; done
check "RELOADING=1 on SIGHUP" grep -q 'RELOADING=1' "$TMP/notes"
check "READY=1 again after it" test "$(grep -c 'READY=1' "$TMP/notes")" -ge 2
check "STATUS refreshed with run counts" grep -q 'STATUS=1 zones: .* runs' "$TMP/notes"
stop_daemon
for _ in $(seq 1 20); do grep -q 'STOPPING=1' "$TMP/notes" && break; sleep 0.1; done
check "STOPPING=1 on SIGTERM" grep -q 'STOPPING=1' "$TMP/notes"
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null
finish
