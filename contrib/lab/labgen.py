#!/usr/bin/env python3
"""labgen: write the zonehealth DNS lab's files into DIR from zones.tab.

Generates, for every zone of the table: keys (ldns-keygen), the zone file,
the signed zone (ldns-signzone) with DS records placed in the parent, and
the DNSSEC faults the table asks for (expired or future signatures, a DS or
CDS of a key not in the zone, a DNSKEY RRset signed by the ZSK only, a
record changed after signing, an NSEC3 record removed) and what validators
refuse or distrust (NSEC3 iterations, RSASHA1 keys, a SHA-1 or unusable DS,
a DNSKEY RRset padded with keys that sign nothing, an SOA TTL raised after
signing); the NSD, Knot and
Unbound configs; root.hints, root.key and zonehealth.yaml; expiry.tab
(`ZONE EPOCH`: the earliest RRSIG expiration in the files served for each
signed zone); and two lists that lab.sh reads:

  DIR/lab.procs    INSTANCE KIND COMMAND...      one process to start per line
  DIR/lab.checks   INSTANCE KIND ADDRESS ZONE EXPECT
                   EXPECT: serve (UDP and TCP answer with AA), refused
                   (nothing listens), timeout (blackhole), udponly (UDP
                   answers, TCP refused), servfail (UDP and TCP answer
                   SERVFAIL: the server's copy of ZONE does not load), lame
                   (UDP and TCP answer REFUSED: the server does not serve
                   ZONE), referral (UDP and TCP answer NOERROR without AA:
                   the server serves an ancestor of ZONE), other (not the
                   lab's to say), lossy (a lossy relay: UDP answers with AA
                   within ten tries, TCP refused), deny=SRC[,SRC...] (UDP
                   and TCP answer with AA from the lab's default source,
                   127.0.0.1, and NOTAUTH from each SRC: a query ACL);
                   for a `tcp` line ADDRESS is ADDR:PORT and ZONE -:
                   accept (a TCP connect succeeds), closed (refused);
                   hostile (hostile.py: answers, but spoilt on purpose)

Starts nothing and sends no packet. Only Python's standard library.
"""

import argparse
import base64
import calendar
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time

TTL = 300
# tamper=ttl: the SOA's TTL after signing (its RRSIG's original TTL is TTL)
TAMPER_TTL = 86400
UNBOUND_ADDRESS = "127.0.53.53"
# the address Unbound sends its queries from (outgoing-interface), so that
# a server's ACL can refuse the resolver and nobody else
UNBOUND_EGRESS = "127.0.0.3"
# algorithm= of a zone line: ldns-keygen's -a and -b (None: its default size)
ALGORITHMS = {"ecdsap256sha256": ("ECDSAP256SHA256", None),
              "rsasha256": ("RSASHA256", 2048),
              "rsasha1": ("RSASHA1", 1024)}
DEFAULT_ALGORITHM = "ecdsap256sha256"
# extrakeys=: the keys that pad a DNSKEY RRset (ZSK flag, sign nothing)
EXTRA_KEY = ("RSASHA256", 2048)
# ds=unsupported: a digest type no validator implements (unassigned)
UNSUPPORTED_DIGEST = 99
# hostile.py's --mode choices
HOSTILE_MODES = ("garbage", "truncated", "comploop", "wrongid", "wrongquestion",
                 "oversized", "trickle", "noclose", "flood")


class LabError(Exception):
    pass


def binary(env, name):
    """The server binary: $ENV when set (e.g. a build to try), else from PATH or /usr/sbin."""
    return os.environ.get(env) or shutil.which(name) or os.path.join("/usr/sbin", name)


def fqdn(name):
    name = name.strip().lower()
    if name in ("", "."):
        return "."
    return name if name.endswith(".") else name + "."


def under(name, zone):
    """True when NAME is ZONE or below it."""
    return zone == "." or name == zone or name.endswith("." + zone)


def depth(zone):
    return 0 if zone == "." else zone.rstrip(".").count(".") + 1


def file_stem(zone):
    return "root" if zone == "." else zone.rstrip(".")


def parse_time(text, now):
    """now, +N[smhd], -N[smhd] (relative to NOW) or an epoch second count."""
    if text == "now":
        return now
    m = re.fullmatch(r"([+-])(\d+)([smhd]?)", text)
    if m:
        n = int(m.group(2)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(3)]
        return now + n if m.group(1) == "+" else now - n
    if re.fullmatch(r"\d{9,}", text):
        return int(text)
    raise LabError("bad time %r (now, +N[smhd], -N[smhd] or epoch seconds)" % text)


def nsec3_hash(name, iterations=0):
    """NAME's NSEC3 hash (SHA-1, no salt, ITERATIONS extra iterations: as
    the lab signs), base32hex in lower case: the first label of its NSEC3
    record (RFC 5155 5)."""
    wire = b"".join(bytes([len(l)]) + l for l in name.lower().encode().split(b".") if l) + b"\0"
    h = hashlib.sha1(wire).digest()
    for _ in range(iterations):
        h = hashlib.sha1(h).digest()
    return base64.b32hexencode(h).decode().lower()


def is_ipv4(text):
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


class Zone:
    def __init__(self, name, opts, lineno):
        self.name = name
        self.lineno = lineno
        self.sign = choice(opts, "sign", ("yes", "no"), lineno) == "yes"
        self.nsec3 = choice(opts, "nsec3", ("no", "yes", "optout"), lineno)
        self.inception = window_time(opts, "inception", "-1h", lineno)
        self.expiration = window_time(opts, "expiration", "+30d", lineno)
        # NSEC3 extra iterations (RFC 9276 says 0; validators give up past ~150)
        self.iterations = opts.pop("iterations", None)
        if self.iterations is not None:
            if not re.fullmatch(r"\d+", self.iterations) or int(self.iterations) > 65535:
                raise LabError("line %d: iterations= takes a whole number from 0 to 65535" % lineno)
            self.iterations = int(self.iterations)
        # the signing algorithm of the zone's KSK and ZSK (ldns-keygen -a, -b)
        self.algorithm = choice(opts, "algorithm", tuple(ALGORITHMS), lineno)
        self.ds = choice(opts, "ds", ("yes" if self.sign else "no", "yes", "no", "other",
                                      "unsupported"), lineno)
        # the DS digest type at the parent: 2 (SHA-256) or 1 (SHA-1)
        self.ds_digest = int(choice(opts, "ds_digest", ("2", "1"), lineno))
        # extra RSA ZSK-flag keys published in the DNSKEY RRset, signing nothing
        self.extrakeys = opts.pop("extrakeys", "0")
        if not re.fullmatch(r"\d+", self.extrakeys) or int(self.extrakeys) > 20:
            raise LabError("line %d: extrakeys= takes a whole number from 0 to 20" % lineno)
        self.extrakeys = int(self.extrakeys)
        self.cds = choice(opts, "cds", ("no", "yes", "other"), lineno)
        self.dnskey_signer = choice(opts, "dnskey_signer", ("ksk", "zsk"), lineno)
        self.tamper = opts.pop("tamper", None)
        self.chain = choice(opts, "chain", ("ok", "broken"), lineno)
        self.www = opts.pop("www", "127.0.0.1")
        if self.www != "none" and not all(is_ipv4(a) for a in self.www.split(",")):
            raise LabError("line %d: www= takes IPv4 addresses, comma-separated, or none" % lineno)
        self.monitor = choice(opts, "monitor", ("yes", "no"), lineno) == "yes"
        # service hosts for zonehealth.yaml: [(fqdn, port)]
        self.hosts = []
        for h in filter(None, opts.pop("hosts", "").split(",")):
            m = re.fullmatch(r"([A-Za-z0-9_.*-]+):(\d+)", h)
            if not m or not 0 < int(m.group(2)) < 65536:
                raise LabError("line %d: hosts= takes NAME:PORT[,NAME:PORT...]" % lineno)
            hn = m.group(1).lower()
            hn = hn if hn.endswith(".") else (hn + "." + name if name != "." else hn + ".")
            self.hosts.append((hn, int(m.group(2))))
        if opts:
            raise LabError("line %d: unknown zone option(s) %s" % (lineno, ", ".join(sorted(opts))))
        # what needs the zone's own keys or signatures
        needs_sign = [k for k, bad in (("nsec3", self.nsec3 != "no"),
                                       ("ds=%s" % self.ds, self.ds in ("yes", "unsupported")),
                                       ("algorithm", self.algorithm != DEFAULT_ALGORITHM),
                                       ("ds_digest", self.ds_digest != 2),
                                       ("extrakeys", self.extrakeys > 0),
                                       ("cds=yes", self.cds == "yes"),
                                       ("dnskey_signer", self.dnskey_signer != "ksk"),
                                       ("tamper", self.tamper is not None),
                                       ("chain", self.chain != "ok")) if bad]
        if needs_sign and not self.sign:
            raise LabError("line %d: %s need(s) a signed zone (sign=yes)" % (lineno, ", ".join(needs_sign)))
        if self.chain == "broken" and self.nsec3 == "no":
            raise LabError("line %d: chain=broken needs nsec3=yes or optout" % lineno)
        if self.iterations is not None and self.nsec3 == "no":
            raise LabError("line %d: iterations= needs nsec3=yes or optout" % lineno)
        self.iterations = self.iterations or 0
        if self.nsec3 != "no" and ALGORITHMS[self.algorithm][0] in ("RSASHA1",):
            # algorithm 5 predates NSEC3 (RFC 5155 2): validators treat such
            # a zone as insecure; use an NSEC3-capable algorithm
            raise LabError("line %d: algorithm=%s cannot sign with NSEC3 (nsec3=no)"
                           % (lineno, self.algorithm))
        if self.ds_digest != 2 and self.ds not in ("yes", "other"):
            raise LabError("line %d: ds_digest= needs a DS (ds=yes or other)" % lineno)
        if self.tamper is not None:
            self.tamper = self.tamper.split(",")
            for t in self.tamper:
                if t not in ("soa", "ttl") and not is_ipv4(t):
                    raise LabError("line %d: tamper= takes an IPv4 address (www's A), "
                                   "soa and/or ttl" % lineno)
                if t not in ("soa", "ttl") and (self.www == "none" or name == "."):
                    raise LabError("line %d: tamper= changes the www A record: the zone has none" % lineno)
        self.ns = []        # NsRow
        self.extra = []     # verbatim zone-file lines
        self.records = []   # (owner, type, rdata) built by Lab.build
        self.serial = None  # the SOA serial, set by Lab.build
        self.ksk = self.zsk = None
        self.other = None   # a KSK that is not in the zone (ds=other, cds=other)


class NsRow:
    def __init__(self, zone, name, address, listener, opts, lineno):
        self.zone = zone
        self.name = name
        self.address = address
        self.listener = listener
        self.lineno = lineno
        self.where = opts.pop("in", "both")
        if self.where not in ("both", "parent", "child", "none"):
            raise LabError("line %d: in= must be both, parent, child or none" % lineno)
        if self.where == "none" and (address == "none" or listener == "-" or "glue" in opts):
            # a hidden server (e.g. a relay's backend): listed nowhere, so
            # it needs an address and a server of its own, and has no glue
            raise LabError("line %d: in=none needs an address and a listener, and no glue=" % lineno)
        self.glue = opts.pop("glue", address)
        self.load = opts.pop("load", "ok")
        if self.load not in ("ok", "fail"):
            raise LabError("line %d: load= must be ok or fail" % lineno)
        self.serial = opts.pop("serial", None)
        if self.serial is not None and not re.fullmatch(r"[+-]?\d+", self.serial):
            raise LabError("line %d: serial= must be +N, -N (from the zone's serial) or N" % lineno)
        # the copy's own signature window (default: the zone's)
        self.inception = window_time(opts, "inception", None, lineno)
        self.expiration = window_time(opts, "expiration", None, lineno)
        # what the server process does, whatever the zone (its instance's
        # settings: every line that starts the instance must agree)
        self.rrl = opts.pop("rrl", None)
        if self.rrl is not None:
            if not re.fullmatch(r"\d+", self.rrl) or int(self.rrl) < 1:
                raise LabError("line %d: rrl= takes a rate, queries per second (1 or more)" % lineno)
            self.rrl = int(self.rrl)
            if not re.fullmatch(r"nsd:[A-Za-z0-9_]+", listener):
                raise LabError("line %d: rrl= needs a listener nsd:NAME (an NSD of its own)" % lineno)
        self.deny = opts.pop("deny", None)
        if self.deny is not None:
            self.deny = tuple(self.deny.split(","))
            if not all(is_ipv4(a) for a in self.deny):
                raise LabError("line %d: deny= takes IPv4 addresses, comma-separated" % lineno)
            if not re.fullmatch(r"knot:[A-Za-z0-9_]+", listener):
                raise LabError("line %d: deny= needs a listener knot:NAME (a Knot of its own)" % lineno)
        self.loss = opts.pop("loss", None)
        self.seed = opts.pop("seed", None)
        self.log = opts.pop("log", None)
        if self.loss is not None:
            try:
                self.loss = float(self.loss)
            except ValueError:
                self.loss = -1
            if not 0 <= self.loss < 1:
                raise LabError("line %d: loss= takes a share from 0 to below 1 (e.g. 0.3)" % lineno)
        if self.seed is not None and not re.fullmatch(r"\d+", self.seed):
            raise LabError("line %d: seed= takes a whole number" % lineno)
        if self.log is not None and not re.fullmatch(r"[A-Za-z0-9_./-]+", self.log):
            raise LabError("line %d: log= takes a file name (relative to DIR)" % lineno)
        if (self.loss, self.seed, self.log) != (None, None, None) and not listener.startswith("udprelay="):
            raise LabError("line %d: loss=, seed= and log= need a listener udprelay=ADDR" % lineno)
        if opts:
            raise LabError("line %d: unknown ns option(s) %s" % (lineno, ", ".join(sorted(opts))))
        if address == "none":
            # a name with no address at all: no A record, no glue, no server
            if listener != "-":
                raise LabError("line %d: address none needs listener -" % lineno)
            if self.glue != "none":
                raise LabError("line %d: address none has no glue (drop glue=)" % lineno)
        elif not is_ipv4(address):
            raise LabError("line %d: %s is not an IPv4 address (or none)" % (lineno, address))
        if self.glue != "none" and not is_ipv4(self.glue):
            raise LabError("line %d: glue %s is not an IPv4 address" % (lineno, self.glue))
        if self.variant() and not re.fullmatch(r"(nsd|knot):[A-Za-z0-9_]+", listener):
            # a shared instance serves the zone on all its addresses: a
            # copy of its own needs an instance of its own
            raise LabError("line %d: load=, serial=, inception= and expiration= need a listener "
                           "nsd:NAME or knot:NAME" % lineno)

    def settings(self):
        """The instance-wide settings this line asks for."""
        backend = self.listener.split("=", 1)[1] if self.listener.startswith("udprelay=") else None
        return {"rrl": self.rrl, "deny": self.deny, "loss": self.loss, "seed": self.seed,
                "log": self.log, "backend": backend}

    def variant(self):
        """What is special about this server's copy of the zone: (load,
        serial, inception, expiration) or None."""
        v = (self.load, self.serial, self.inception, self.expiration)
        return None if v == ("ok", None, None, None) else v


class Instance:
    def __init__(self, name, kind):
        self.name = name
        self.kind = kind
        self.addresses = []
        self.zones = []
        self.variants = {}  # zone -> NsRow.variant() of a copy of its own
        self.backend = None
        self.settings = None  # NsRow.settings() of the lines that start it
        self.port = None      # tcp: the port
        self.mode = None      # hostile: how it spoils answers

    def add(self, address, zone):
        if address not in self.addresses:
            self.addresses.append(address)
        if zone is not None and zone not in self.zones:
            self.zones.append(zone)


def allowed_ranges(deny):
    """Knot address ranges covering every IPv4 address but those of DENY."""
    def num(a):
        return int.from_bytes(bytes(int(x) for x in a.split(".")), "big")

    def text(n):
        return ".".join(str(b) for b in n.to_bytes(4, "big"))
    out, lo = [], 0
    for n in sorted(set(map(num, deny))):
        if n > lo:
            out.append(text(lo) if n - 1 == lo else "%s-%s" % (text(lo), text(n - 1)))
        lo = n + 1
    if lo <= 0xFFFFFFFF:
        out.append(text(lo) if lo == 0xFFFFFFFF else "%s-%s" % (text(lo), text(0xFFFFFFFF)))
    return out


def choice(opts, key, allowed, lineno):
    """Pop KEY from OPTS: one of ALLOWED, default ALLOWED[0]."""
    v = opts.pop(key, allowed[0])
    if v not in allowed:
        raise LabError("line %d: %s= must be %s" % (lineno, key, " or ".join(sorted(set(allowed)))))
    return v


def window_time(opts, key, default, lineno):
    """Pop the signature time KEY from OPTS, checked (see parse_time)."""
    v = opts.pop(key, default)
    if v is not None:
        try:
            parse_time(v, 0)
        except LabError as e:
            raise LabError("line %d: %s=: %s" % (lineno, key, e))
    return v


def parse_opts(words, lineno):
    opts = {}
    for w in words:
        if "=" not in w:
            raise LabError("line %d: expected KEY=VALUE, got %r" % (lineno, w))
        k, v = w.split("=", 1)
        opts[k] = v
    return opts


class Lab:
    def __init__(self, table, outdir, listen, now, script_dir):
        self.outdir = outdir
        self.listen = listen
        self.now = now
        self.script_dir = script_dir
        self.zones = {}          # name -> Zone, in table order
        self.instances = {}      # name -> Instance, in first-use order
        self.address_owner = {}  # address -> instance name, or "none"
        self.checks = []         # (instance, kind, address, zone, expect), or
                                 # (None, None, address, zone, lineno) until
                                 # the whole table is read (see derive_checks)
        self.monitored = []      # zonehealth.yaml's zones, in table order
        self.tcp_owner = {}      # (address, port) -> instance name, or "none"
        self.read_table(table)

    # ---- the table ----------------------------------------------------
    def read_table(self, path):
        with open(path) as f:
            for lineno, raw in enumerate(f, 1):
                words = raw.split(None, 1)
                # rr lines are zone-file text, kept whole (';' comments there)
                line = raw.strip() if words and words[0] == "rr" else raw.split("#", 1)[0].strip()
                if not line:
                    continue
                words = line.split()
                kw = words[0]
                if kw == "zone":
                    if len(words) < 2:
                        raise LabError("line %d: zone needs a name" % lineno)
                    name = fqdn(words[1])
                    if name in self.zones:
                        raise LabError("line %d: zone %s declared twice" % (lineno, name))
                    if name != "." and self.parent_of(name) is None:
                        raise LabError("line %d: the parent of %s is not declared before it" % (lineno, name))
                    self.zones[name] = Zone(name, parse_opts(words[2:], lineno), lineno)
                    if self.zones[name].monitor and name != ".":
                        self.monitored.append(name)
                elif kw == "ns":
                    if len(words) < 5:
                        raise LabError("line %d: ns ZONE NSNAME ADDRESS LISTENER [KEY=VALUE...]" % lineno)
                    zone = self.zone(words[1], lineno)
                    row = NsRow(zone.name, fqdn(words[2]), words[3], words[4],
                                parse_opts(words[5:], lineno), lineno)
                    if (row.inception or row.expiration) and not zone.sign:
                        raise LabError("line %d: inception= and expiration= need a signed zone" % lineno)
                    zone.ns.append(row)
                    self.assign(row)
                elif kw == "rr":
                    if len(words) < 3:
                        raise LabError("line %d: rr ZONE TEXT..." % lineno)
                    zone = self.zone(words[1], lineno)
                    zone.extra.append(line.split(None, 2)[2])
                elif kw == "tcp":
                    if len(words) not in (3, 4):
                        raise LabError("line %d: tcp ADDRESS PORT [accept|none]" % lineno)
                    self.tcp_line(words[1], words[2], words[3] if len(words) == 4 else "accept", lineno)
                elif kw == "monitor":
                    if len(words) != 2:
                        raise LabError("line %d: monitor NAME" % lineno)
                    name = fqdn(words[1])
                    if name in self.zones:
                        raise LabError("line %d: %s is a lab zone (its zone line says monitor=)" % (lineno, name))
                    if name in self.monitored or name == ".":
                        raise LabError("line %d: %s is already monitored" % (lineno, name))
                    self.monitored.append(name)
                else:
                    raise LabError("line %d: unknown keyword %r" % (lineno, kw))
        if "." not in self.zones:
            raise LabError("the table declares no root zone")
        for z in self.zones.values():
            if not z.ns:
                raise LabError("line %d: zone %s has no ns line" % (z.lineno, z.name))
        for inst in self.instances.values():
            if inst.kind in ("udprelay", "hostile"):
                owner = self.address_owner.get(inst.backend)
                if owner is None or owner == "none":
                    raise LabError("%s: backend %s is not served by the lab" % (inst.name, inst.backend))
        self.derive_checks()

    def zone(self, name, lineno):
        name = fqdn(name)
        if name not in self.zones:
            raise LabError("line %d: zone %s is not declared (zone line first)" % (lineno, name))
        return self.zones[name]

    def parent_of(self, name):
        """The deepest lab zone above NAME (not NAME itself), or None."""
        if name == ".":
            return None
        return self.home_of(name.split(".", 1)[1] or ".")

    def home_of(self, name):
        """The lab zone that holds NAME's authoritative data (deepest enclosing):
        found label by label, so a table of thousands of zones stays fast."""
        while True:
            if name in self.zones:
                return name
            if name == ".":
                return None
            name = name.split(".", 1)[1] or "."

    def children(self, zone):
        """The lab zones delegated from ZONE (built once, when the table is read)."""
        if getattr(self, "_children", None) is None:
            self._children = {}
            for c in self.zones.values():
                if c.name != ".":
                    self._children.setdefault(self.parent_of(c.name), []).append(c)
        return self._children.get(zone, [])

    def assign(self, row):
        lis = row.listener
        expect = "servfail" if row.load == "fail" else "serve"
        if lis == "-":
            if row.address != "none":
                # what runs there is known once the whole table is read
                self.checks.append((None, None, row.address, row.zone, row.lineno))
            return
        if lis == "none":
            inst = None
            expect = "refused"
        elif lis in ("nsd", "knot"):
            inst = self.instance("%s-%d" % (lis, depth(row.zone)), lis)
        elif re.fullmatch(r"(nsd|knot):[A-Za-z0-9_]+", lis):
            kind, tag = lis.split(":")
            inst = self.instance("%s-%s" % (kind, tag), kind)
        elif lis == "blackhole":
            inst = self.instance("blackhole-" + row.address, "blackhole")
            expect = "timeout"
        elif lis.startswith("udprelay="):
            backend = lis.split("=", 1)[1]
            if not is_ipv4(backend):
                raise LabError("line %d: udprelay backend %s is not an IPv4 address" % (row.lineno, backend))
            inst = self.instance("udprelay-" + row.address, "udprelay")
            inst.backend = backend
            expect = "lossy" if row.loss else "udponly"
        elif lis.startswith("hostile="):
            mode, _, backend = lis.split("=", 1)[1].partition(":")
            if mode not in HOSTILE_MODES or not is_ipv4(backend):
                raise LabError("line %d: hostile=MODE:BACKEND takes a mode (%s) and an IPv4 address"
                               % (row.lineno, ", ".join(HOSTILE_MODES)))
            inst = self.instance("hostile-" + row.address, "hostile")
            inst.backend = backend
            inst.mode = mode
            expect = "hostile"
        else:
            raise LabError("line %d: unknown listener %r" % (row.lineno, lis))
        owner = inst.name if inst else "none"
        prev = self.address_owner.get(row.address)
        if prev is not None and prev != owner:
            raise LabError("line %d: %s is already used by %s" % (row.lineno, row.address, prev))
        self.address_owner[row.address] = owner
        if row.address in (UNBOUND_ADDRESS, UNBOUND_EGRESS):
            raise LabError("line %d: %s is the resolver's address" % (row.lineno, row.address))
        if inst:
            # instance-wide settings (rrl=, deny=, the relay's): every line
            # that starts the instance says the same
            if inst.settings is None:
                inst.settings = row.settings()
            elif inst.settings != row.settings():
                diff = sorted(k for k in inst.settings if inst.settings[k] != row.settings()[k])
                raise LabError("line %d: %s is started by several lines that disagree on %s"
                               % (row.lineno, inst.name, ", ".join(diff)))
            if expect == "serve":
                expect = self.serve_expect(inst)
        if inst and inst.kind in ("nsd", "knot"):
            if row.zone in inst.variants and inst.variants[row.zone] != row.variant():
                raise LabError("line %d: %s serves %s already, as another copy (load=, serial=)"
                               % (row.lineno, inst.name, row.zone))
            inst.variants[row.zone] = row.variant()
            inst.add(row.address, row.zone)
        elif inst:
            inst.add(row.address, None)
        self.checks.append((owner, inst.kind if inst else "none", row.address, row.zone, expect))

    def tcp_line(self, address, port, what, lineno):
        """A TCP service port: tcplisten.py accepts (and closes) every
        connection (accept), or nothing listens there (none)."""
        if not is_ipv4(address):
            raise LabError("line %d: %s is not an IPv4 address" % (lineno, address))
        if not port.isdigit() or not 0 < int(port) < 65536 or int(port) == 53:
            raise LabError("line %d: bad TCP port %s (1-65535, not 53: the DNS lines own it)"
                           % (lineno, port))
        if what not in ("accept", "none"):
            raise LabError("line %d: tcp ADDRESS PORT takes accept or none" % lineno)
        if address in (UNBOUND_ADDRESS, UNBOUND_EGRESS):
            raise LabError("line %d: %s is the resolver's address" % (lineno, address))
        port = int(port)
        if (address, port) in self.tcp_owner:
            raise LabError("line %d: %s port %d is already listed" % (lineno, address, port))
        where = "%s:%d" % (address, port)
        if what == "none":
            self.tcp_owner[(address, port)] = "none"
            self.checks.append(("none", "none", where, "-", "closed"))
            return
        inst = self.instance("tcp-%s-%d" % (address, port), "tcp")
        inst.port = port
        inst.add(address, None)
        self.tcp_owner[(address, port)] = inst.name
        self.checks.append((inst.name, "tcp", where, "-", "accept"))

    @staticmethod
    def serve_expect(inst):
        """What an address of INST answers for a zone it serves (and loads)."""
        deny = (inst.settings or {}).get("deny")
        return "deny=" + ",".join(deny) if deny else "serve"

    def expectation(self, address, zone):
        """(instance, kind, expect) for ADDRESS asked for ZONE, from what the
        table runs there: used for `-` rows and for glue addresses."""
        owner = self.address_owner.get(address)
        if owner is None or owner == "none":
            return ("none", "none", "refused")
        inst = self.instances[owner]
        if inst.kind not in ("nsd", "knot"):
            return (owner, inst.kind, "other")
        if zone in inst.zones:
            v = inst.variants.get(zone)
            return (owner, inst.kind, "servfail" if v and v[0] == "fail" else self.serve_expect(inst))
        if any(z != zone and under(zone, z) for z in inst.zones):
            return (owner, inst.kind, "referral")
        return (owner, inst.kind, "lame")

    def derive_checks(self):
        """Fill in the `-` rows' expectations; add one, after the zone's
        other lines, for every parent glue address that differs from the NS
        name's own address (e.g. nothing listens there: refused)."""
        glue = {}   # zone -> its glue-only checks
        for z in self.zones.values():
            for r in z.ns:
                if (z.name != "." and r.where in ("both", "parent") and under(r.name, z.name)
                        and r.glue not in ("none", r.address)):
                    if r.glue in (UNBOUND_ADDRESS, UNBOUND_EGRESS):
                        raise LabError("line %d: %s is the resolver's address" % (r.lineno, r.glue))
                    inst, kind, expect = self.expectation(r.glue, z.name)
                    c = (inst, kind, r.glue, z.name, expect)
                    if c not in glue.setdefault(z.name, []):
                        glue[z.name].append(c)
        checks = []
        for i, c in enumerate(self.checks):
            if c[0] is None:
                address, zone, lineno = c[2], c[3], c[4]
                if self.address_owner.get(address) is None:
                    raise LabError("line %d: nothing in the lab runs on %s (listener none, not -)"
                                   % (lineno, address))
                inst, kind, expect = self.expectation(address, zone)
                c = (inst, kind, address, zone, expect)
            checks.append(c)
            if i + 1 == len(self.checks) or self.checks[i + 1][3] != c[3]:
                checks.extend(glue.pop(c[3], []))
        for rest in glue.values():
            checks.extend(rest)
        self.checks = checks

    def instance(self, name, kind):
        if name not in self.instances:
            self.instances[name] = Instance(name, kind)
        inst = self.instances[name]
        if inst.kind != kind:
            raise LabError("instance %s used as %s and %s" % (name, inst.kind, kind))
        return inst

    # ---- zone contents ------------------------------------------------
    def build(self):
        """Fill every zone's records: SOA, NS, A for NS names, glue, www."""
        for z in self.zones.values():
            first = next((r.name for r in z.ns if r.where in ("both", "child")), z.ns[0].name)
            rname = "hostmaster." + (z.name if z.name != "." else "")
            z.serial = self.now
            z.records.append((z.name, "SOA", "%s %s %d 3600 600 86400 %d" % (first, rname, z.serial, TTL)))
            for r in z.ns:
                if r.where in ("both", "child"):
                    self.add(z, z.name, "NS", r.name)
            if z.www != "none" and z.name != ".":
                for a in z.www.split(","):
                    self.add(z, "www." + z.name, "A", a)
        for z in self.zones.values():
            parent = self.zones.get(self.parent_of(z.name)) if z.name != "." else None
            for r in z.ns:
                if parent and r.where in ("both", "parent"):
                    self.add(parent, z.name, "NS", r.name)
                if r.address == "none" or r.where == "none":
                    continue    # no address, or a hidden server: no A, no glue
                home = self.home_of(r.name)
                if home is None:
                    raise LabError("line %d: %s is in no lab zone" % (r.lineno, r.name))
                self.add(self.zones[home], r.name, "A", r.address)
                if under(r.name, z.name):
                    self.add(z, r.name, "A", r.address)
                if parent and r.where in ("both", "parent"):
                    if under(r.name, z.name) and r.glue != "none":
                        self.add(parent, r.name, "A", r.glue)

    @staticmethod
    def add(zone, owner, rtype, rdata):
        rec = (owner, rtype, rdata)
        if rec not in zone.records:
            zone.records.append(rec)

    # ---- keys and signing --------------------------------------------
    def run(self, argv, cwd=None):
        p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        if p.returncode != 0:
            raise LabError("%s failed (exit %d): %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
        return p.stdout

    def keygen(self, zone, ksk, algorithm=ALGORITHMS[DEFAULT_ALGORITHM]):
        """A new key for ZONE (a KSK, flags 257, or a ZSK, 256) with
        ALGORITHM, (ldns-keygen -a NAME, -b BITS or None): its base name."""
        keydir = os.path.join(self.outdir, "keys")
        argv = ["ldns-keygen", "-a", algorithm[0], "-r", "/dev/urandom"]
        if algorithm[1]:
            argv += ["-b", str(algorithm[1])]
        if ksk:
            argv.append("-k")
        base = self.run(argv + [zone], cwd=keydir).strip()
        return os.path.join(keydir, base)

    def ds_line(self, key):
        """The DS (SHA-256) of KEY (a key's base name): OWNER TTL CLASS DS
        RDATA, computed here (RFC 4034 5.1.4; key tag: Appendix B) rather
        than by ldns-key2ds, which now and then printed nothing."""
        with open(key + ".key") as f:
            words = f.read().split(";", 1)[0].split()
        owner = words[0]
        return "%s\t3600\tIN\tDS\t%s" % (owner, self.ds_rdata(key))

    def ds_rdata(self, key, digest=2):
        """The DS rdata of KEY with DIGEST type 2 (SHA-256) or 1 (SHA-1); any
        other type (ds=unsupported) is written with a SHA-256 digest: a
        digest type validators do not implement, same key tag and
        algorithm."""
        words = self.dnskey_rdata(key).split()
        flags, proto, alg = int(words[0]), int(words[1]), int(words[2])
        rdata = bytes([flags >> 8, flags & 0xFF, proto, alg]) + base64.b64decode("".join(words[3:]))
        with open(key + ".key") as f:
            owner = f.read().split(";", 1)[0].split()[0]
        wire = b"".join(bytes([len(l)]) + l for l in owner.lower().encode().split(b".") if l) + b"\0"
        acc = sum(b << 8 if i % 2 == 0 else b for i, b in enumerate(rdata))
        tag = (acc + (acc >> 16)) & 0xFFFF
        h = hashlib.sha1 if digest == 1 else hashlib.sha256
        return "%d %d %d %s" % (tag, alg, digest, h(wire + rdata).hexdigest())

    @staticmethod
    def dnskey_rdata(key):
        """The DNSKEY rdata of KEY, from its .key file."""
        with open(key + ".key") as f:
            words = f.read().split(";", 1)[0].split()
        return " ".join(words[words.index("DNSKEY") + 1:])

    @staticmethod
    def rr_line(owner, rtype, rdata):
        return "%-32s %d IN %-6s %s" % (owner, TTL, rtype, rdata)

    def zone_text(self, z, records, note=""):
        lines = ["; %s: written by contrib/lab/labgen.py%s" % (z.name, note),
                 "$ORIGIN %s" % z.name, "$TTL %d" % TTL]
        lines += [self.rr_line(*r) for r in records]
        lines.extend(z.extra)
        return "\n".join(lines) + "\n"

    def insecure_cut(self, z, owner):
        """True when OWNER is at or below a delegation from Z to a lab zone
        that has no DS in Z (an insecure delegation)."""
        return any(c.ds == "no" and under(owner, c.name) for c in self.children(z.name))

    def write_zone(self, z, stem, records, note="", inception=None, expiration=None):
        """Write STEM.zone, Z before signing (RECORDS and Z's rr lines), and
        STEM.signed, the file the servers load: signed with Z's keys, in Z's
        signature window unless INCEPTION or EXPIRATION say otherwise, then
        tampered with (tamper=) or its NSEC3 chain broken (chain=broken)."""
        with open(stem + ".zone", "w") as f:
            f.write(self.zone_text(z, records, note))
        if not z.sign:
            shutil.copyfile(stem + ".zone", stem + ".signed")
            return
        # ldns-signzone -p flags its NSEC3 records opt-out, but still hashes
        # the insecure delegations into the chain: sign without them and add
        # them after (a delegation's NS and glue carry no signature), so
        # only the opt-out flag of the covering NSEC3 proves them insecure
        held = [r for r in records if self.insecure_cut(z, r[0])] if z.nsec3 == "optout" else []
        source = stem + ".zone"
        if held:
            source = stem + ".optout"
            with open(source, "w") as f:
                f.write(self.zone_text(z, [r for r in records if r not in held], note))
        argv = ["ldns-signzone",
                "-i", str(parse_time(inception or z.inception, self.now)),
                "-e", str(parse_time(expiration or z.expiration, self.now)),
                "-o", z.name, "-f", stem + ".signed"]
        if z.nsec3 != "no":
            argv += ["-n", "-t", str(z.iterations)] + (["-p"] if z.nsec3 == "optout" else [])
        # dnskey_signer=zsk: the KSK is in the zone (a DNSKEY record, see
        # write_zones) but only the ZSK signs, the DNSKEY RRset included
        keys = [z.zsk] if z.dnskey_signer == "zsk" else [z.zsk, z.ksk]
        self.run(argv + [source] + keys)
        if held:
            os.remove(source)
        with open(stem + ".signed") as f:
            lines = f.read().splitlines()
        lines += [self.rr_line(*r) for r in held]
        if z.tamper:
            lines = self.tampered(z, lines)
        if z.chain == "broken":
            lines = self.broken_chain(z, lines)
        with open(stem + ".signed", "w") as f:
            f.write("\n".join(lines) + "\n")

    @staticmethod
    def tampered(z, lines):
        """LINES with, after signing, the www A record reading an address of
        Z.tamper and/or (soa) the SOA's minimum TTL one more: their RRSIGs
        cover what was signed, so they do not verify; and/or (ttl) the
        SOA's TTL raised to TAMPER_TTL: the RRSIG keeps the original TTL,
        so it still verifies, but the TTL outlasts it."""
        www = "www." + z.name
        for t in z.tamper:
            for i, line in enumerate(lines):
                w, _, note = line.partition(";")
                w = w.split()
                note = " ;" + note if note else ""
                if t not in ("soa", "ttl") and len(w) == 5 and w[0] == www and w[3] == "A":
                    lines[i] = "%s ; tamper=: signed as %s" % ("\t".join(w[:4] + [t]), w[4])
                    break
                if t == "soa" and len(w) == 11 and w[0] == z.name and w[3] == "SOA":
                    lines[i] = "%s ; tamper=: signed with minimum %s%s" % (
                        "\t".join(w[:10] + [str(int(w[10]) + 1)]), w[10], note)
                    break
                if t == "ttl" and len(w) == 11 and w[0] == z.name and w[3] == "SOA":
                    lines[i] = "%s ; tamper=: signed with TTL %s%s" % (
                        "\t".join([w[0], str(TAMPER_TTL)] + w[2:]), w[1], note)
                    break
            else:
                raise LabError("%s: tamper=%s: no such record in the signed zone" % (z.name, t))
        return lines

    @staticmethod
    def broken_chain(z, lines):
        """LINES without the NSEC3 record (and its RRSIG) that covers the
        hash of *.ZONE: every NXDOMAIN below the apex needs it (the wildcard
        proof), and the record before it in the chain does not cover it."""
        target = nsec3_hash("*." + z.name, z.iterations)
        drop = None
        for line in lines:
            w = line.split(";", 1)[0].split()
            if len(w) > 8 and w[3] == "NSEC3":
                owner, nxt = w[0].split(".", 1)[0].lower(), w[8].lower()
                if owner < target < nxt or (nxt <= owner and (target > owner or target < nxt)):
                    drop = w[0].lower()
        if drop is None:
            raise LabError("%s: chain=broken: no NSEC3 record covers *.%s" % (z.name, z.name))
        if drop.split(".", 1)[0] == nsec3_hash(z.name, z.iterations):
            # NSD would then serve the zone without NSEC3 at all
            raise LabError("%s: chain=broken: the apex's NSEC3 covers *.%s; use another zone name"
                           % (z.name, z.name))
        out = []
        for line in lines:
            w = line.split(";", 1)[0].split()
            if len(w) > 4 and w[0].lower() == drop and (w[3] == "NSEC3" or w[3:5] == ["RRSIG", "NSEC3"]):
                continue
            out.append(line)
        return out

    @staticmethod
    def earliest_expiration(path):
        """The earliest RRSIG expiration in the signed zone file PATH, in
        epoch seconds (None without RRSIG)."""
        best = None
        with open(path) as f:
            for line in f:
                w = line.split(";", 1)[0].split()
                if len(w) > 8 and w[3] == "RRSIG":
                    t = w[8]
                    t = calendar.timegm(time.strptime(t, "%Y%m%d%H%M%S")) if len(t) == 14 else int(t)
                    best = t if best is None else min(best, t)
        return best

    def variant_stem(self, inst, zone):
        return os.path.join(self.outdir, "zones", "%s@%s" % (file_stem(zone), inst.name))

    def served_file(self, inst, zone):
        """The file INST serves ZONE from: the zone's, or a copy of its own."""
        if inst.variants.get(zone):
            return self.variant_stem(inst, zone) + ".signed"
        return self.path("zones", file_stem(zone) + ".signed")

    def write_variants(self, z):
        """The copies of Z that instances serve instead of Z's own file:
        another SOA serial (serial=) or signature window (inception=,
        expiration=), signed with Z's keys; a copy that does not load
        (load=fail): the signed zone plus a line that does not parse."""
        for inst in self.instances.values():
            v = inst.variants.get(z.name)
            if not v:
                continue
            load, serial, inception, expiration = v
            records = list(z.records)
            note = " for %s" % inst.name
            if serial is not None:
                n = z.serial + int(serial) if serial[0] in "+-" else int(serial)
                if not 0 <= n < 2 ** 32:
                    raise LabError("%s: serial %s of %s is out of range" % (inst.name, n, z.name))
                soa = [i for i, r in enumerate(records) if r[1] == "SOA"][0]
                f = records[soa][2].split()
                f[2] = str(n)
                records[soa] = (records[soa][0], "SOA", " ".join(f))
                note += ", serial %d (%s)" % (n, serial)
            if inception or expiration:
                note += ", signatures %s to %s" % (inception or z.inception, expiration or z.expiration)
            stem = self.variant_stem(inst, z.name)
            self.write_zone(z, stem, records, note, inception, expiration)
            if load == "fail":
                with open(stem + ".signed", "a") as f:
                    f.write("; load=fail: the next line does not parse, so %s does not load this zone\n"
                            "load-fail.%s %d IN A not-an-address\n" % (inst.name, z.name, TTL))

    def write_zones(self):
        zdir = os.path.join(self.outdir, "zones")
        for z in self.zones.values():
            alg = ALGORITHMS[z.algorithm]
            if z.sign:
                z.ksk = self.keygen(z.name, True, alg)
                z.zsk = self.keygen(z.name, False, alg)
            if "other" in (z.ds, z.cds):
                # a KSK that never made it into the zone (a botched rollover)
                z.other = self.keygen(z.name, True, alg)
            for _ in range(z.extrakeys):
                # published (so ldns-signzone signs them into the DNSKEY
                # RRset) but never given to it as signing keys
                self.add(z, z.name, "DNSKEY", self.dnskey_rdata(self.keygen(z.name, False, EXTRA_KEY)))
            if z.dnskey_signer == "zsk":
                self.add(z, z.name, "DNSKEY", self.dnskey_rdata(z.ksk))
            if z.cds != "no":
                key = z.ksk if z.cds == "yes" else z.other
                self.add(z, z.name, "CDS", self.ds_rdata(key))
                self.add(z, z.name, "CDNSKEY", self.dnskey_rdata(key))
        # every key is made above, so each parent can take its children's DS
        for z in self.zones.values():
            for child in self.children(z.name):
                if child.ds != "no":
                    digest = UNSUPPORTED_DIGEST if child.ds == "unsupported" else child.ds_digest
                    self.add(z, child.name, "DS", self.ds_rdata(
                        child.other if child.ds == "other" else child.ksk, digest))
            self.write_zone(z, os.path.join(zdir, file_stem(z.name)), z.records)
            self.write_variants(z)

    def write_expiry(self):
        """DIR/expiry.tab, one `ZONE EPOCH` line per signed zone the lab
        serves (table order): the earliest RRSIG expiration over every file
        a server loads for ZONE (its own and the copies of its own; not a
        load=fail copy, which no server loads)."""
        with open(self.path("expiry.tab"), "w") as f:
            for z in self.zones.values():
                files = set()
                for inst in self.instances.values():
                    v = inst.variants.get(z.name)
                    if z.name in inst.zones and not (v and v[0] == "fail"):
                        files.add(self.served_file(inst, z.name))
                times = [t for t in map(self.earliest_expiration, sorted(files)) if t is not None]
                if times:
                    f.write("%s %d\n" % (z.name, min(times)))

    # ---- configs ------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.outdir, *parts)

    def nsd_conf(self, inst):
        d = self.path(inst.name)
        lines = ["# %s: written by contrib/lab/labgen.py" % inst.name,
                 "server:",
                 "\tserver-count: 1"]
        lines += ["\tip-address: %s" % a for a in inst.addresses]
        lines += ["\tport: 53",
                  "\tdo-ip4: yes",
                  "\tdo-ip6: no",
                  "\treuseport: no",
                  '\tusername: ""',
                  '\tchroot: ""',
                  '\tzonesdir: "%s"' % self.path("zones"),
                  '\tdatabase: ""',
                  '\tzonelistfile: "%s"' % os.path.join(d, "zone.list"),
                  '\txfrdfile: "%s"' % os.path.join(d, "xfrd.state"),
                  '\txfrdir: "%s"' % d,
                  '\tpidfile: "%s"' % os.path.join(d, "nsd.pid"),
                  '\tlogfile: "%s"' % self.path("log", inst.name + ".log"),
                  "\tverbosity: 1",
                  '\tidentity: "%s"' % inst.name,
                  "\trefuse-any: yes",
                  "\tzonefiles-check: no",
                  "\tzonefiles-write: 0"]
        rrl = (inst.settings or {}).get("rrl")
        if rrl:
            # response rate limiting (NSD built with --enable-ratelimit, as
            # Debian's is): RRL qps per /32 and answer, every second limited
            # answer a TC=1 "slip", the others dropped
            lines += ["\trrl-size: 10000",
                      "\trrl-ratelimit: %d" % rrl,
                      "\trrl-whitelist-ratelimit: %d" % rrl,
                      "\trrl-slip: 2",
                      "\trrl-ipv4-prefix-length: 32"]
        lines += ["remote-control:",
                  "\tcontrol-enable: no"]
        for zone in inst.zones:
            lines += ["zone:",
                      '\tname: "%s"' % zone,
                      '\tzonefile: "%s"' % self.served_file(inst, zone)]
        return "\n".join(lines) + "\n"

    def knot_conf(self, inst):
        d = self.path(inst.name)
        if len(os.path.join(d, "knot.sock")) > 107:
            raise LabError("%s: the path of its control socket, %s, is longer than a Unix socket "
                           "allows (107 bytes): use a shorter DIR" % (inst.name, os.path.join(d, "knot.sock")))
        lines = ["# %s: written by contrib/lab/labgen.py" % inst.name,
                 "server:",
                 '    identity: "%s"' % inst.name,
                 '    rundir: "%s"' % d,
                 '    pidfile: "%s"' % os.path.join(d, "knot.pid"),
                 "    udp-workers: 1",
                 "    tcp-workers: 1",
                 "    background-workers: 1",
                 "    listen: [ %s ]" % ", ".join("%s@53" % a for a in inst.addresses),
                 "database:",
                 '    storage: "%s"' % d,
                 "control:",
                 '    listen: "%s"' % os.path.join(d, "knot.sock"),
                 "log:",
                 "  - target: stderr",
                 "    any: info",
                 "template:",
                 "  - id: default",
                 '    storage: "%s"' % self.path("zones"),
                 "    zonefile-sync: -1",
                 "    zonefile-load: whole",
                 "    journal-content: none",
                 "    dnssec-signing: off"]
        deny = (inst.settings or {}).get("deny")
        if deny:
            # mod-queryacl answers NOTAUTH to a source outside its allowed
            # ranges: allow everything but the denied addresses
            lines += ["mod-queryacl:",
                      "  - id: lab",
                      "    address: [ %s ]" % ", ".join(allowed_ranges(deny) + ["::/0"])]
        lines += ["zone:"]
        for zone in inst.zones:
            lines += ['  - domain: "%s"' % zone,
                      '    file: "%s"' % self.served_file(inst, zone)]
            if deny:
                lines += ["    module: mod-queryacl/lab"]
        return "\n".join(lines) + "\n"

    def unbound_conf(self):
        d = self.path("unbound")
        lines = ["# unbound: written by contrib/lab/labgen.py; validating, lab root only",
                 "server:",
                 "\tverbosity: 1",
                 "\tinterface: %s" % UNBOUND_ADDRESS,
                 # its queries leave from a fixed address, so that a
                 # server's ACL can refuse the resolver alone (deny=)
                 "\toutgoing-interface: %s" % UNBOUND_EGRESS,
                 "\tport: 53",
                 "\tdo-ip4: yes",
                 "\tdo-ip6: no",
                 "\tdo-udp: yes",
                 "\tdo-tcp: yes",
                 "\tnum-threads: 1",
                 "\tso-reuseport: no",
                 "\taccess-control: 127.0.0.0/8 allow",
                 "\tdo-not-query-localhost: no",
                 '\tusername: ""',
                 '\tchroot: ""',
                 '\tdirectory: "%s"' % d,
                 '\tpidfile: "%s"' % os.path.join(d, "unbound.pid"),
                 "\tuse-syslog: no",
                 '\tlogfile: ""',
                 "\tlog-time-ascii: yes",
                 "\tval-log-level: 2",
                 '\troot-hints: "%s"' % self.path("root.hints"),
                 '\ttrust-anchor-file: "%s"' % self.path("root.key"),
                 "\ttrust-anchor-signaling: no",
                 "\troot-key-sentinel: no",
                 '\tmodule-config: "validator iterator"',
                 # a silent or refusing server costs seconds, not minutes
                 "\tinfra-cache-max-rtt: 3000",
                 # answer a slow SERVFAIL (e.g. alldead.lab., ~10 s: Unbound
                 # waits out ICMP port unreachable like a timeout) instead of
                 # dropping it after 1.9 s
                 "\tdiscard-timeout: 0",
                 "\tprefetch: no",
                 "\tede: yes",
                 "remote-control:",
                 "\tcontrol-enable: no"]
        return "\n".join(lines) + "\n"

    def write_configs(self):
        for inst in self.instances.values():
            os.makedirs(self.path(inst.name), exist_ok=True)
            if inst.kind == "nsd":
                with open(self.path(inst.name, "nsd.conf"), "w") as f:
                    f.write(self.nsd_conf(inst))
            elif inst.kind == "knot":
                with open(self.path(inst.name, "knot.conf"), "w") as f:
                    f.write(self.knot_conf(inst))
        os.makedirs(self.path("unbound"), exist_ok=True)
        with open(self.path("unbound", "unbound.conf"), "w") as f:
            f.write(self.unbound_conf())

        root = self.zones["."]
        with open(self.path("root.hints"), "w") as f:
            f.write("; The lab's root hints (named.root format): written by contrib/lab/labgen.py\n")
            for r in root.ns:
                f.write("%-28s 3600000 NS %s\n" % (".", r.name.upper()))
                f.write("%-28s 3600000 A  %s\n" % (r.name.upper(), r.address))
        with open(self.path("root.key"), "w") as f:
            f.write("; The lab root's trust anchor (DS of its KSK): written by contrib/lab/labgen.py\n")
            if root.sign:
                f.write(self.ds_line(root.ksk) + "\n")
        if root.sign:
            with open(root.ksk + ".key") as src, open(self.path("root.dnskey"), "w") as f:
                f.write(src.read())

        with open(self.path("zonehealth.yaml"), "w") as f:
            f.write("# zonehealthd config for the lab in %s (written by contrib/lab/lab.sh)\n" % self.outdir)
            f.write('listen: "%s"\n' % self.listen)
            f.write("root_hints: %s\n" % self.path("root.hints"))
            f.write("trust_anchor: %s\n" % self.path("root.key"))
            f.write("resolvers: [%s]\n" % UNBOUND_ADDRESS)
            f.write("interval: 30s\ntimeout: 1s\nretries: 1\nzones:\n")
            for name in self.monitored:
                f.write("  - name: %s\n" % name)
                z = self.zones.get(name)
                if z is not None and z.hosts:
                    f.write("    hosts: [%s]\n" % ", ".join(
                        "{name: %s, port: %d}" % h for h in z.hosts))

    def write_lists(self):
        py = sys.executable or "python3"
        with open(self.path("lab.procs"), "w") as f:
            for inst in self.instances.values():
                d = self.path(inst.name)
                if inst.kind == "nsd":
                    cmd = [binary("LAB_NSD", "nsd"), "-d", "-c", os.path.join(d, "nsd.conf")]
                elif inst.kind == "knot":
                    cmd = [binary("LAB_KNOTD", "knotd"), "-c", os.path.join(d, "knot.conf")]
                elif inst.kind == "blackhole":
                    cmd = [py, os.path.join(self.script_dir, "blackhole.py"),
                           "--address", inst.addresses[0], "--ready-file", os.path.join(d, "ready")]
                elif inst.kind == "udprelay":
                    cmd = [py, os.path.join(self.script_dir, "udprelay.py"),
                           "--address", inst.addresses[0], "--backend", inst.backend,
                           "--ready-file", os.path.join(d, "ready")]
                    st = inst.settings
                    if st["loss"]:
                        cmd += ["--loss", repr(st["loss"]), "--seed", st["seed"] or "0"]
                    if st["log"]:
                        os.makedirs(os.path.dirname(self.path(st["log"])), exist_ok=True)
                        cmd += ["--log", self.path(st["log"])]
                elif inst.kind == "hostile":
                    cmd = [py, os.path.join(self.script_dir, "hostile.py"),
                           "--address", inst.addresses[0], "--backend", inst.backend,
                           "--mode", inst.mode, "--ready-file", os.path.join(d, "ready")]
                elif inst.kind == "tcp":
                    cmd = [py, os.path.join(self.script_dir, "tcplisten.py"),
                           "--address", inst.addresses[0], "--port", str(inst.port),
                           "--ready-file", os.path.join(d, "ready")]
                f.write("%s %s %s\n" % (inst.name, inst.kind, " ".join(cmd)))
            f.write("unbound unbound %s -d -c %s\n" % (binary("LAB_UNBOUND", "unbound"),
                                                       self.path("unbound", "unbound.conf")))
        with open(self.path("lab.checks"), "w") as f:
            for c in self.checks:
                f.write("%s %s %s %s %s\n" % c)
            # the resolver is ready once it validates the first TLD's SOA
            tlds = [z for z in self.zones if depth(z) == 1]
            f.write("unbound unbound %s %s resolve\n" % (UNBOUND_ADDRESS, tlds[0] if tlds else "."))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--now", type=int, default=None, help="start time (epoch seconds)")
    a = ap.parse_args()
    outdir = os.path.abspath(a.dir)
    for sub in ("keys", "zones", "log"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    try:
        lab = Lab(a.table, outdir, a.listen, a.now or int(time.time()),
                  os.path.dirname(os.path.abspath(__file__)))
        lab.build()
        lab.write_zones()
        lab.write_configs()
        lab.write_lists()
        lab.write_expiry()
    except (LabError, OSError, subprocess.SubprocessError) as e:
        sys.stderr.write("labgen: %s: %s\n" % (a.table, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
