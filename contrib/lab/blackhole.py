#!/usr/bin/env python3
"""blackhole: a DNS "server" for the lab that never answers.

Binds UDP ADDRESS:PORT and reads and discards every datagram; listens on
TCP ADDRESS:PORT, accepts, reads and discards, never writes, and closes each
connection after --hold seconds (at most --max-conns open at once: the
oldest is closed first). Resolvers see a timeout on both transports.
SIGTERM or SIGINT stops it. Standard library only.
"""

import argparse
import os
import selectors
import signal
import socket
import sys
import time


def log(msg):
    sys.stderr.write("%s blackhole[%d]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--address", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--hold", type=float, default=60.0, help="seconds before an accepted TCP connection is closed")
    ap.add_argument("--max-conns", type=int, default=256)
    ap.add_argument("--ready-file", help="written once the sockets are bound")
    a = ap.parse_args()

    def stop(signum, frame):
        log("signal %d: exiting" % signum)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    fam = socket.AF_INET6 if ":" in a.address else socket.AF_INET
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.bind((a.address, a.port))
    udp.setblocking(False)
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((a.address, a.port))
    tcp.listen(64)
    tcp.setblocking(False)

    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ, "udp")
    sel.register(tcp, selectors.EVENT_READ, "listen")
    conns = {}  # socket -> close deadline (insertion order = age)

    def close(conn):
        sel.unregister(conn)
        del conns[conn]
        conn.close()

    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    log("dropping everything on %s port %d (UDP and TCP)" % (a.address, a.port))

    dropped = 0
    while True:
        now = time.monotonic()
        timeout = min(conns.values()) - now if conns else 5.0
        for key, _ in sel.select(max(0.0, min(timeout, 5.0))):
            if key.data == "udp":
                for _ in range(64):
                    try:
                        udp.recvfrom(65535)
                        dropped += 1
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
            elif key.data == "listen":
                try:
                    conn, _peer = tcp.accept()
                except OSError:
                    continue
                if len(conns) >= a.max_conns:
                    close(next(iter(conns)))
                conn.setblocking(False)
                conns[conn] = time.monotonic() + a.hold
                sel.register(conn, selectors.EVENT_READ, "conn")
            else:
                conn = key.fileobj
                try:
                    data = conn.recv(65535)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    close(conn)
        now = time.monotonic()
        for conn in [c for c, deadline in conns.items() if deadline <= now]:
            close(conn)


if __name__ == "__main__":
    main()
