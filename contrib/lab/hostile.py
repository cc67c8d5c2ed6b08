#!/usr/bin/env python3
"""hostile: a DNS "server" for the lab that answers in ways that break clients.

Binds UDP and TCP ADDRESS:PORT, asks BACKEND (a real server of the lab,
over UDP) every question it gets, and sends back the backend's answer
spoilt the way --mode says:

  garbage      random bytes behind the query's id (UDP and TCP)
  truncated    the answer cut short: UDP in the middle of a record; TCP a
               length prefix for the whole message, half of it, then close
  comploop     a header and question, then an answer record whose owner is
               a compression pointer to itself (RFC 1035 4.1.4 forbids it)
  wrongid      the answer with another id
  wrongquestion the answer to another name (the first letter changed)
  oversized    the answer with 300 extra A records in the additional section
               over UDP (beyond any EDNS0 size asked for, TC clear) and
               4,000 over TCP (near the 64 KiB limit)
  trickle      UDP answered normally; TCP one byte a second
  noclose      UDP and TCP answered normally, but a TCP connection is never
               closed by this side (the client must close it)
  flood        before each UDP answer, 100 answers with wrong ids and 100
               datagrams of garbage to the client's port, and 200 datagrams
               to other ports of the client's address; then the right
               answer (a client matching id and question still gets it)

At most --max-conns TCP connections at once (the oldest is dropped).
SIGTERM or SIGINT stops it. Standard library only.
"""

import argparse
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

MODES = ("garbage", "truncated", "comploop", "wrongid", "wrongquestion",
         "oversized", "trickle", "noclose", "flood")


def log(msg):
    sys.stderr.write("%s hostile[%d]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def question_end(msg):
    """Offset just past the first question of MSG (uncompressed name)."""
    off = 12
    while off < len(msg) and msg[off] != 0:
        if msg[off] & 0xC0:
            return off + 2 + 4
        off += 1 + msg[off]
    return off + 1 + 4


def extra_a_records(count):
    """COUNT A records owned by the question's name (a pointer to offset 12)."""
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4)
    return b"".join(rr + bytes([127, 0, (i >> 8) & 0xFF, i & 0xFF]) for i in range(count))


def with_additional(answer, count):
    """ANSWER with COUNT more additional records, TC cleared."""
    if len(answer) < 12:
        return answer
    hdr = bytearray(answer[:12])
    hdr[2] &= ~0x02 & 0xFF
    arcount = struct.unpack("!H", hdr[10:12])[0] + count
    hdr[10:12] = struct.pack("!H", min(arcount, 0xFFFF))
    return bytes(hdr) + answer[12:] + extra_a_records(count)


class Hostile:
    def __init__(self, args):
        self.a = args
        self.fam = socket.AF_INET6 if ":" in args.address else socket.AF_INET
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.conns = []

    def ask_backend(self, query):
        """The backend's answer to QUERY over UDP, or None."""
        s = socket.socket(self.fam, socket.SOCK_DGRAM)
        try:
            s.settimeout(1.0)
            s.sendto(query, (self.a.backend, 53))
            for _ in range(4):
                data, _ = s.recvfrom(65535)
                if data[:2] == query[:2]:
                    return data
        except OSError:
            return None
        finally:
            s.close()
        return None

    def random_bytes(self, n):
        with self.lock:
            return bytes(self.rng.getrandbits(8) for _ in range(n))

    def spoil(self, query, answer, tcp):
        """What to send for QUERY, given the backend's ANSWER (bytes)."""
        mode = self.a.mode
        if mode == "garbage":
            return query[:2] + self.random_bytes(60)
        if mode == "comploop":
            qend = question_end(query)
            hdr = query[:2] + b"\x84\x00" + struct.pack("!HHHH", 1, 1, 0, 0)
            body = query[12:qend]
            here = 12 + len(body)
            loop = struct.pack("!H", 0xC000 | here)
            return hdr + body + loop + struct.pack("!HHIH", 6, 1, 60, 0)
        if answer is None:
            return None
        if mode == "truncated":
            return answer[:max(13, len(answer) // 2)]
        if mode == "wrongid":
            return struct.pack("!H", struct.unpack("!H", answer[:2])[0] ^ 0x5A5A) + answer[2:]
        if mode == "wrongquestion":
            b = bytearray(answer)
            if len(b) > 13 and b[12] > 0:
                b[13] = ord("x") if b[13] != ord("x") else ord("y")
            return bytes(b)
        if mode == "oversized":
            return with_additional(answer, 4000 if tcp else 300)
        return answer

    # ---- UDP --------------------------------------------------------
    def flood(self, udp, peer, query):
        """Wrong answers to PEER's port, then datagrams to its other ports."""
        ident = struct.unpack("!H", query[:2])[0]
        for i in range(100):
            fake = struct.pack("!H", (ident + 1 + i) & 0xFFFF) + b"\x84\x00" + query[4:]
            udp.sendto(fake, peer)
        for _ in range(100):
            junk = self.random_bytes(40)
            if junk[:2] == query[:2]:
                continue
            udp.sendto(junk, peer)
        for _ in range(200):
            port = self.rng.randint(1024, 65535)
            if port == peer[1]:
                continue
            try:
                udp.sendto(self.random_bytes(30), (peer[0], port) + tuple(peer[2:]))
            except OSError:
                pass

    def serve_udp(self, udp):
        while True:
            try:
                query, peer = udp.recvfrom(65535)
            except OSError:
                continue
            if len(query) < 12:
                continue
            answer = self.ask_backend(query)
            if self.a.mode == "flood":
                self.flood(udp, peer, query)
            out = self.spoil(query, answer, False) if self.a.mode not in ("trickle", "noclose") else answer
            if out is not None:
                try:
                    udp.sendto(out, peer)
                except OSError:
                    pass

    # ---- TCP --------------------------------------------------------
    def track(self, conn):
        with self.lock:
            self.conns.append(conn)
            while len(self.conns) > self.a.max_conns:
                old = self.conns.pop(0)
                try:
                    old.close()
                except OSError:
                    pass

    def untrack(self, conn):
        with self.lock:
            if conn in self.conns:
                self.conns.remove(conn)
        try:
            conn.close()
        except OSError:
            pass

    def read_message(self, conn):
        def exact(n):
            buf = b""
            while len(buf) < n:
                part = conn.recv(n - len(buf))
                if not part:
                    return None
                buf += part
            return buf
        head = exact(2)
        if head is None:
            return None
        return exact(struct.unpack("!H", head)[0])

    def serve_conn(self, conn):
        try:
            conn.settimeout(30.0)
            while True:
                query = self.read_message(conn)
                if query is None or len(query) < 12:
                    break
                answer = self.ask_backend(query)
                mode = self.a.mode
                out = self.spoil(query, answer, True) if mode not in ("trickle", "noclose", "flood") else answer
                if out is None:
                    continue
                if mode == "truncated":
                    whole = answer if answer is not None else out
                    conn.sendall(struct.pack("!H", len(whole)) + out)
                    break
                framed = struct.pack("!H", min(len(out), 0xFFFF)) + out[:0xFFFF]
                if mode == "trickle":
                    for i in range(len(framed)):
                        conn.sendall(framed[i:i + 1])
                        time.sleep(1.0)
                    continue
                conn.sendall(framed)
                if mode == "noclose":
                    # hold it open: read and drop until the client goes
                    while conn.recv(65535):
                        pass
                    break
        except OSError:
            pass
        finally:
            self.untrack(conn)

    def serve_tcp(self, tcp):
        while True:
            try:
                conn, _ = tcp.accept()
            except OSError:
                continue
            self.track(conn)
            threading.Thread(target=self.serve_conn, args=(conn,), daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--address", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--backend", required=True, help="the real server asked (UDP port 53)")
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-conns", type=int, default=64)
    ap.add_argument("--ready-file", help="written once the sockets are bound")
    a = ap.parse_args()

    def stop(signum, frame):
        log("signal %d: exiting" % signum)
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    h = Hostile(a)
    udp = socket.socket(h.fam, socket.SOCK_DGRAM)
    udp.bind((a.address, a.port))
    tcp = socket.socket(h.fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((a.address, a.port))
    tcp.listen(64)
    threading.Thread(target=h.serve_tcp, args=(tcp,), daemon=True).start()
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    log("%s on %s port %d, backend %s" % (a.mode, a.address, a.port, a.backend))
    h.serve_udp(udp)


if __name__ == "__main__":
    main()
