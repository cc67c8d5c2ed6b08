#!/usr/bin/env python3
"""mktab.py: a zones.tab (contrib/lab's format) for the benchmark.

    bench/mktab.py N > bench.tab

N zones under the TLD bench.: mostly healthy (unsigned, NSEC-signed and
NSEC3-signed), and for every broken kind the lab knows a share of N/500
zones (at least one). The healthy zones have one NS on the shared NSD and
one on the shared Knot; the broken ones borrow the lab's recipes
(contrib/lab/zones.tab). Every address is in 127.0.110-119.x, apart from
the lab's (127.0.53-108.x): the bench and the lab never share a server.
"""
import sys

NSD, KNOT, KNOT3 = "127.0.111.1", "127.0.111.2", "127.0.111.3"
DEAD = "127.0.112.1"            # nothing listens: port unreachable

# kind: (zone options, [(ns name, address, listener, options)]); NAME is the
# zone's own label, so in-bailiwick hosts are per zone.
HEALTHY_NS = [("ns1.hosting.bench.", NSD, "nsd", ""),
              ("ns2.hosting.bench.", KNOT, "knot", "")]
BROKEN = {
    "dead": ("sign=no", [HEALTHY_NS[0], ("ns2.dead-host.bench.", DEAD, "none", "")]),
    "lame": ("sign=no", [("ns1.lame-host.bench.", "127.0.112.5", "nsd:lame", ""),
                         ("ns2.hosting.bench.", KNOT, "-", "in=parent")]),
    "nsmismatch": ("sign=no", HEALTHY_NS + [("ns3.hosting.bench.", KNOT3, "knot", "in=child")]),
    "badglue": ("sign=no", [HEALTHY_NS[0], ("ns2.NAME.bench.", KNOT, "knot", "glue=127.0.112.9")]),
    "noglue": ("sign=no", [HEALTHY_NS[0], ("ns2.NAME.bench.", KNOT, "knot", "glue=none")]),
    "unresolvable": ("sign=no", [HEALTHY_NS[0], ("ns.nowhere.hosting.bench.", "none", "-", "")]),
    "refused": ("sign=no", [HEALTHY_NS[0], ("ns2.hosting.bench.", KNOT, "-", "")]),
    "servfail": ("sign=no", [HEALTHY_NS[0], ("ns2.broken-host.bench.", "127.0.112.4",
                                             "nsd:broken", "load=fail")]),
    "stale": ("sign=no", [HEALTHY_NS[0], ("ns2.stale-host.bench.", "127.0.112.3",
                                          "knot:stale", "serial=-3")]),
    "expired": ("inception=-30d expiration=-2d", HEALTHY_NS),
    "notyet": ("inception=+2d expiration=+30d", HEALTHY_NS),
    "expiring": ("expiration=+2d", HEALTHY_NS),
    "dsmismatch": ("ds=other", HEALTHY_NS),
    "kskunsigned": ("dnskey_signer=zsk", HEALTHY_NS),
    "bogus": ("tamper=127.0.0.2,soa", HEALTHY_NS),
    "cdsmismatch": ("cds=other", HEALTHY_NS),
    "stalesig": ("", [HEALTHY_NS[0], ("ns2.stalesig-host.bench.", "127.0.112.6",
                                      "knot:stalesig", "inception=-30d expiration=-2d")]),
    "gone": (None, []),         # listed in the config, not delegated
}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    if n < 1:
        sys.exit("mktab.py: N must be 1 or more")
    share = max(1, n // 500)
    kinds = [k for k in BROKEN for _ in range(share)]
    kinds = kinds[:n // 2]      # small N: at most half broken
    healthy = n - len(kinds)
    signed, nsec3 = healthy // 10, healthy // 20
    out = ["# bench.tab: written by bench/mktab.py %d" % n,
           "zone . monitor=no",
           "ns . a.root.bench. 127.0.110.1 nsd",
           "ns . b.root.bench. 127.0.110.2 knot",
           "zone bench. monitor=no",
           "ns bench. ns1.nic.bench. 127.0.110.3 nsd",
           "ns bench. ns2.nic.bench. 127.0.110.4 knot"]
    counts = {}
    for i in range(1, n + 1):
        if i <= healthy:
            kind = "signed" if i <= signed else "nsec3" if i <= signed + nsec3 else "unsigned"
            opts = {"signed": "", "nsec3": "nsec3=yes", "unsigned": "sign=no"}[kind]
            ns = HEALTHY_NS
        else:
            kind = kinds[i - healthy - 1]
            opts, ns = BROKEN[kind]
        counts[kind] = counts.get(kind, 0) + 1
        label = "%s-%d" % (kind, i)
        zone = label + ".bench."
        if opts is None:
            out.append("monitor " + zone)
            continue
        out.append(("zone %s %s" % (zone, opts)).rstrip())
        for name, addr, listener, nsopts in ns:
            out.append(("ns %s %s %s %s %s" % (zone, name.replace("NAME", label), addr,
                                               listener, nsopts)).rstrip())
    print("\n".join(out))
    print("# " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))


if __name__ == "__main__":
    main()
