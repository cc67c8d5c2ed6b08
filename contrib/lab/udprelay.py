#!/usr/bin/env python3
"""udprelay: a UDP-only DNS server for the lab.

Binds UDP ADDRESS:PORT only (nothing on TCP, so TCP gets a RST), relays each
query to BACKEND (a real server on another address) and sends the answer
back from ADDRESS:PORT itself. Pending queries are bounded (--max-pending,
oldest dropped) and forgotten after --timeout seconds. SIGTERM or SIGINT
stops it. Standard library only.
"""

import argparse
import os
import selectors
import signal
import socket
import sys
import time


def log(msg):
    sys.stderr.write("%s udprelay[%d]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def split_hostport(text, default_port):
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, default_port


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--address", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--backend", required=True, help="ADDR or ADDR:PORT of the real server")
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--max-pending", type=int, default=256)
    ap.add_argument("--ready-file", help="written once the socket is bound")
    a = ap.parse_args()
    backend = split_hostport(a.backend, 53)

    def stop(signum, frame):
        log("signal %d: exiting" % signum)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    fam = socket.AF_INET6 if ":" in a.address else socket.AF_INET
    bfam = socket.AF_INET6 if ":" in backend[0] else socket.AF_INET
    front = socket.socket(fam, socket.SOCK_DGRAM)
    front.bind((a.address, a.port))
    front.setblocking(False)

    sel = selectors.DefaultSelector()
    sel.register(front, selectors.EVENT_READ, None)
    pending = {}  # upstream socket -> (client address, deadline), oldest first

    def forget(up):
        sel.unregister(up)
        del pending[up]
        up.close()

    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    log("relaying UDP %s port %d to %s port %d; no TCP" % (a.address, a.port, backend[0], backend[1]))

    while True:
        now = time.monotonic()
        timeout = min(d for _, d in pending.values()) - now if pending else 5.0
        for key, _ in sel.select(max(0.0, min(timeout, 5.0))):
            if key.fileobj is front:
                for _ in range(64):
                    try:
                        query, client = front.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    if len(pending) >= a.max_pending:
                        forget(next(iter(pending)))
                    up = socket.socket(bfam, socket.SOCK_DGRAM)
                    up.setblocking(False)
                    try:
                        up.connect(backend)
                        up.send(query)
                    except OSError as e:
                        log("backend %s: %s" % (a.backend, e))
                        up.close()
                        continue
                    pending[up] = (client, time.monotonic() + a.timeout)
                    sel.register(up, selectors.EVENT_READ, None)
            else:
                up = key.fileobj
                client = pending[up][0]
                try:
                    answer = up.recv(65535)
                    front.sendto(answer, client)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as e:
                    log("relay for %s: %s" % (client[0], e))
                forget(up)
        now = time.monotonic()
        for up in [u for u, (_, d) in pending.items() if d <= now]:
            forget(up)


if __name__ == "__main__":
    main()
