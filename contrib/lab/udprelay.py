#!/usr/bin/env python3
"""udprelay: a UDP-only DNS server for the lab.

Binds UDP ADDRESS:PORT only (nothing on TCP, so TCP gets a RST), relays each
query to BACKEND (a real server on another address) and sends the answer
back from ADDRESS:PORT itself. Pending queries are bounded (--max-pending,
oldest dropped) and forgotten after --timeout seconds.

--loss P drops that share of the queries and, independently, of the
answers, at random from a generator seeded with --seed (default 0), one
draw per query and one per answer in the order they arrive: the same
traffic in the same order loses the same packets on every start.

--log FILE appends one line per query received (written at once, lost or
not):

    TIME SOURCE QNAME QTYPE edns=0|1 do=0|1 relayed|dropped

TIME in epoch seconds (three decimals), SOURCE the client's address, QNAME
in lower case with the final dot, QTYPE a mnemonic (TYPEnnn when unknown),
edns=1 when the query has an OPT record, do=1 when its DO bit is set.
A datagram that does not parse as a query is logged with QNAME and QTYPE
"-". SIGTERM or SIGINT stops it. Standard library only.
"""

import argparse
import os
import random
import selectors
import signal
import socket
import sys
import time


def log(msg):
    sys.stderr.write("%s udprelay[%d]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
          33: "SRV", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3",
          51: "NSEC3PARAM", 59: "CDS", 60: "CDNSKEY", 10: "NULL", 255: "ANY"}


def skip_name(msg, off):
    """The offset after the (possibly compressed) name at OFF."""
    while True:
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def describe(msg):
    """(qname, qtype, edns, do) of the query MSG; ValueError when it does
    not parse."""
    try:
        if len(msg) < 12:
            raise ValueError("short")
        qd, an, ns, ar = (int.from_bytes(msg[i:i + 2], "big") for i in (4, 6, 8, 10))
        if qd != 1:
            raise ValueError("qdcount %d" % qd)
        labels, off = [], 12
        while msg[off] != 0:
            n = msg[off]
            if n & 0xC0:
                raise ValueError("compressed qname")
            labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace").lower())
            off += 1 + n
        off += 1
        qtype = int.from_bytes(msg[off:off + 2], "big")
        off += 4
        edns = do = 0
        for i in range(an + ns + ar):
            off = skip_name(msg, off)
            rtype = int.from_bytes(msg[off:off + 2], "big")
            ttl = msg[off + 4:off + 8]
            rdlen = int.from_bytes(msg[off + 8:off + 10], "big")
            if rtype == 41 and i >= an + ns:
                edns = 1
                do = 1 if ttl[2] & 0x80 else 0
            off += 10 + rdlen
        if off > len(msg):
            raise ValueError("truncated")
    except IndexError:
        raise ValueError("truncated")
    return ("".join(l + "." for l in labels) or ".", QTYPES.get(qtype, "TYPE%d" % qtype), edns, do)


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
    ap.add_argument("--loss", type=float, default=0.0,
                    help="share of queries and of answers dropped at random (0 to below 1)")
    ap.add_argument("--seed", type=int, default=0, help="seeds the loss's random generator")
    ap.add_argument("--log", help="append a line per query to this file")
    a = ap.parse_args()
    backend = split_hostport(a.backend, 53)
    if not 0 <= a.loss < 1:
        ap.error("--loss must be from 0 to below 1")
    rng = random.Random(a.seed)
    logf = open(a.log, "a", buffering=1) if a.log else None

    def lost():
        """One draw: True when this packet is to be dropped."""
        return a.loss > 0 and rng.random() < a.loss

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
    log("relaying UDP %s port %d to %s port %d; no TCP%s%s" % (
        a.address, a.port, backend[0], backend[1],
        "; dropping %g of queries and of answers (seed %d)" % (a.loss, a.seed) if a.loss else "",
        "; logging queries to %s" % a.log if a.log else ""))

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
                    drop = lost()
                    if logf:
                        try:
                            qname, qtype, edns, do = describe(query)
                        except ValueError:
                            qname, qtype, edns, do = "-", "-", 0, 0
                        logf.write("%.3f %s %s %s edns=%d do=%d %s\n" % (
                            time.time(), client[0], qname, qtype, edns, do,
                            "dropped" if drop else "relayed"))
                    if drop:
                        continue
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
                    if not lost():
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
