/* rootdata_builtin: the root hints and root trust anchor compiled in. */
#include "zhbuild.h"

#include "rootdata.h"

/*
 * Used when no root_hints file is configured and the system has none. Only
 * a starting point: a resolver primes from any one of these, so a stale
 * address or two costs nothing as long as most still answer.
 */
const char rootdata_builtin_hints[] =
    "$TTL 518400\n"
    ". IN NS a.root-servers.net.\n"
    ". IN NS b.root-servers.net.\n"
    ". IN NS c.root-servers.net.\n"
    ". IN NS d.root-servers.net.\n"
    ". IN NS e.root-servers.net.\n"
    ". IN NS f.root-servers.net.\n"
    ". IN NS g.root-servers.net.\n"
    ". IN NS h.root-servers.net.\n"
    ". IN NS i.root-servers.net.\n"
    ". IN NS j.root-servers.net.\n"
    ". IN NS k.root-servers.net.\n"
    ". IN NS l.root-servers.net.\n"
    ". IN NS m.root-servers.net.\n"
    "a.root-servers.net. IN A 198.41.0.4\n"
    "a.root-servers.net. IN AAAA 2001:503:ba3e::2:30\n"
    "b.root-servers.net. IN A 170.247.170.2\n"
    "b.root-servers.net. IN AAAA 2801:1b8:10::b\n"
    "c.root-servers.net. IN A 192.33.4.12\n"
    "c.root-servers.net. IN AAAA 2001:500:2::c\n"
    "d.root-servers.net. IN A 199.7.91.13\n"
    "d.root-servers.net. IN AAAA 2001:500:2d::d\n"
    "e.root-servers.net. IN A 192.203.230.10\n"
    "e.root-servers.net. IN AAAA 2001:500:a8::e\n"
    "f.root-servers.net. IN A 192.5.5.241\n"
    "f.root-servers.net. IN AAAA 2001:500:2f::f\n"
    "g.root-servers.net. IN A 192.112.36.4\n"
    "g.root-servers.net. IN AAAA 2001:500:12::d0d\n"
    "h.root-servers.net. IN A 198.97.190.53\n"
    "h.root-servers.net. IN AAAA 2001:500:1::53\n"
    "i.root-servers.net. IN A 192.36.148.17\n"
    "i.root-servers.net. IN AAAA 2001:7fe::53\n"
    "j.root-servers.net. IN A 192.58.128.30\n"
    "j.root-servers.net. IN AAAA 2001:503:c27::2:30\n"
    "k.root-servers.net. IN A 193.0.14.129\n"
    "k.root-servers.net. IN AAAA 2001:7fd::1\n"
    "l.root-servers.net. IN A 199.7.83.42\n"
    "l.root-servers.net. IN AAAA 2001:500:9f::42\n"
    "m.root-servers.net. IN A 202.12.27.33\n"
    "m.root-servers.net. IN AAAA 2001:dc3::35\n";

/*
 * The root zone's key signing keys as DS records (RFC 7958): KSK-2017 and
 * KSK-2024, algorithm 8 (RSA/SHA-256), digest type 2 (SHA-256). Rolls are
 * rare and announced years ahead; a newer file overrides this copy.
 */
const char rootdata_builtin_anchor[] =
    ". IN DS 20326 8 2 "
    "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
    ". IN DS 38696 8 2 "
    "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";
