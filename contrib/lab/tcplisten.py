#!/usr/bin/env python3
"""tcplisten: a TCP service port for the lab that accepts and closes.

Listens on TCP ADDRESS:PORT, accepts every connection and closes it at
once: a connect succeeds, which is all a reachability probe asks of a
service address. SIGTERM or SIGINT stops it. Standard library only.
"""

import argparse
import os
import signal
import socket
import sys
import time


def log(msg):
    sys.stderr.write("%s tcplisten[%d]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--address", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ready-file", help="written once the socket listens")
    a = ap.parse_args()

    def stop(signum, frame):
        log("signal %d: exiting" % signum)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    fam = socket.AF_INET6 if ":" in a.address else socket.AF_INET
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((a.address, a.port))
    tcp.listen(64)
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    log("accepting and closing TCP connections on %s port %d" % (a.address, a.port))
    while True:
        try:
            conn, _peer = tcp.accept()
        except InterruptedError:
            continue
        except OSError as e:
            log("accept: %s" % e)
            time.sleep(0.1)
            continue
        conn.close()


if __name__ == "__main__":
    main()
