#!/bin/sh
# daemon_slow_clients: clients that trickle a request a byte at a time
# (slowloris) from five addresses cannot hold the HTTP port: each is shut
# once its headers are overdue, one address holds a bounded share of the
# slots meanwhile, and /healthz from another address is answered all along.
# Prints how long the slow connections lived; asserts on outcomes only.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need python3

write_config zh.yaml 'interval: 1h' 'zones: [example.com]'
start_daemon "$TMP/zh.yaml"

python3 - "$PORT" > "$TMP/slow.out" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
conns, refused = [], 0
for src in range(2, 7):                 # 127.0.0.2 .. 127.0.0.6
    for i in range(60):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind(("127.0.0.%d" % src, 0))
            s.connect(("127.0.0.1", port))
            s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            conns.append([s, time.monotonic(), None])
        except OSError:
            refused += 1
start = time.monotonic()
# A header byte every 2 s, for at most 40 s, until the server shut them.
while time.monotonic() - start < 40 and any(c[2] is None for c in conns):
    for c in conns:
        if c[2] is not None:
            continue
        try:
            if c[0].recv(1) == b"":
                c[2] = time.monotonic()
                continue
        except BlockingIOError:
            pass
        except OSError:
            c[2] = time.monotonic()
            continue
        try:
            c[0].send(b"X")
        except OSError:
            c[2] = time.monotonic()
    time.sleep(2)
lived = sorted(c[2] - c[1] for c in conns if c[2] is not None)
print("opened %d, refused or dropped at once %d, shut by the server %d, still open %d"
      % (len(conns), refused, len(lived), sum(1 for c in conns if c[2] is None)))
if lived:
    print("lifetimes: min %.1fs, median %.1fs, max %.1fs"
          % (lived[0], lived[len(lived) // 2], lived[-1]))
print("OPEN %d" % sum(1 for c in conns if c[2] is None))
PY
SLOW=$!
PIDS="$PIDS $SLOW"

# /healthz from 127.0.0.1 while the slow clients hold what they can.
ok=0 tries=0
sleep 1
for _ in $(seq 1 20); do
	tries=$((tries + 1))
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/healthz")
	[ "$code" = 200 ] && ok=$((ok + 1))
	sleep 1
done
wait "$SLOW"
cat "$TMP/slow.out"
check "/healthz answered during the attack ($ok of $tries)" test "$ok" = "$tries"
check "every slow connection was shut by the server" grep -q '^OPEN 0$' "$TMP/slow.out"
code=$(http GET /healthz)
check "/healthz after the attack ($code)" test "$code" = 200
stop_daemon
check "daemon exits cleanly ($DSTATUS)" test "$DSTATUS" = 0

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
