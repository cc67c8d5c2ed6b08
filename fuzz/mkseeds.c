/* mkseeds: writes the seed corpora of the packet and evidence harnesses:
 * DNS answers built with ldns from zone-file text (nothing is queried),
 * and zone runs made of them in fuzz_evidence's input format.
 * Usage: mkseeds DIR (DIR/packet and DIR/evidence must exist). */
#include "zhbuild.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

static const char	*outdir;

/* ---- answers ---- */

#define F_AA	0x1
#define F_TC	0x2
#define F_EDNS	0x4	/* an OPT record with DO, as to our EDNS0 probes */
#define F_NOQ	0x8	/* no question section */

/*
 * An answer to qname/qtype with the given flags and rcode. The records
 * follow as zone-file lines, each prefixed with the section: "an ", "au "
 * or "ad "; NULL ends them.
 */
static ldns_pkt *
answer(const char *qname, ldns_rr_type qtype, int flags, ldns_pkt_rcode rcode,
    ...)
{
	ldns_pkt	*p;
	ldns_rr		*rr;
	ldns_pkt_section sec;
	const char	*line;
	va_list		 ap;

	if (flags & F_NOQ) {
		if ((p = ldns_pkt_new()) == NULL)
			abort();
	} else if (ldns_pkt_query_new_frm_str(&p, qname, qtype,
	    LDNS_RR_CLASS_IN, 0) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_set_id(p, 0x1234);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, false);
	ldns_pkt_set_aa(p, (flags & F_AA) != 0);
	ldns_pkt_set_tc(p, (flags & F_TC) != 0);
	ldns_pkt_set_rcode(p, rcode);
	if (flags & F_EDNS) {
		ldns_pkt_set_edns_udp_size(p, 1232);
		ldns_pkt_set_edns_do(p, true);
	}
	va_start(ap, rcode);
	while ((line = va_arg(ap, const char *)) != NULL) {
		if (strncmp(line, "an ", 3) == 0)
			sec = LDNS_SECTION_ANSWER;
		else if (strncmp(line, "au ", 3) == 0)
			sec = LDNS_SECTION_AUTHORITY;
		else if (strncmp(line, "ad ", 3) == 0)
			sec = LDNS_SECTION_ADDITIONAL;
		else
			abort();
		rr = NULL;
		if (ldns_rr_new_frm_str(&rr, line + 3, 3600, NULL, NULL) !=
		    LDNS_STATUS_OK) {
			fprintf(stderr, "mkseeds: bad record: %s\n", line + 3);
			exit(1);
		}
		if (!ldns_pkt_push_rr(p, sec, rr))
			abort();
	}
	va_end(ap);
	return p;
}

#define SOA(z, serial) \
	z " 3600 IN SOA ns1.example.com. hostmaster.example.com. " #serial \
	" 7200 900 1209600 300"

/* The answers the seeds are made of; built once. */
static ldns_pkt	*a_referral, *a_referral_inzone, *a_auth_ns, *a_parent_nx,
		*a_parent_nodata, *a_parent_cname, *a_sideways, *a_soa,
		*a_soa_old, *a_soa_noaa, *a_soa_other, *a_ns, *a_ns_diff,
		*a_ns_lame, *a_dnskey, *a_refused, *a_servfail, *a_notauth,
		*a_formerr, *a_nxdomain, *a_nodata, *a_upward, *a_cname,
		*a_host_a, *a_host_aaaa, *a_truncated, *a_empty_noaa;

static void
answers_build(void)
{
	a_referral = answer("example.com.", LDNS_RR_TYPE_NS, 0,
	    LDNS_RCODE_NOERROR,
	    "au example.com. 172800 IN NS ns1.example.com.",
	    "au example.com. 172800 IN NS ns2.example.net.",
	    "ad ns1.example.com. 172800 IN A 192.0.2.1",
	    "ad ns1.example.com. 172800 IN AAAA 2001:db8::1",
	    "ad ns2.example.net. 172800 IN A 198.51.100.1", NULL);
	/* Three servers, one in-zone without glue (missing_glue). */
	a_referral_inzone = answer("example.com.", LDNS_RR_TYPE_NS, 0,
	    LDNS_RCODE_NOERROR,
	    "au example.com. 172800 IN NS ns1.example.com.",
	    "au example.com. 172800 IN NS ns2.example.net.",
	    "au example.com. 172800 IN NS ns3.example.com.",
	    "ad ns1.example.com. 172800 IN A 192.0.2.1", NULL);
	a_auth_ns = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 3600 IN NS ns1.example.com.",
	    "an example.com. 3600 IN NS ns2.example.net.",
	    "ad ns1.example.com. 3600 IN A 192.0.2.1", NULL);
	a_parent_nx = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NXDOMAIN,
	    "au " SOA("com.", 1767225600), NULL);
	a_parent_nodata = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NOERROR,
	    "au " SOA("com.", 1767225600), NULL);
	a_parent_cname = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 300 IN CNAME example.net.", NULL);
	a_sideways = answer("example.com.", LDNS_RR_TYPE_NS, 0,
	    LDNS_RCODE_NOERROR,
	    "au net. 172800 IN NS a.gtld-servers.net.", NULL);

	a_soa = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA | F_EDNS,
	    LDNS_RCODE_NOERROR,
	    "an " SOA("example.com.", 2026010101),
	    "au example.com. 3600 IN NS ns1.example.com.",
	    "au example.com. 3600 IN NS ns2.example.net.", NULL);
	a_soa_old = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA | F_EDNS,
	    LDNS_RCODE_NOERROR,
	    "an " SOA("example.com.", 2026010100), NULL);
	a_soa_noaa = answer("example.com.", LDNS_RR_TYPE_SOA, F_EDNS,
	    LDNS_RCODE_NOERROR,
	    "an " SOA("example.com.", 2026010101), NULL);
	a_soa_other = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an " SOA("com.", 1767225600), NULL);
	a_ns = answer("example.com.", LDNS_RR_TYPE_NS, F_AA | F_EDNS,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 3600 IN NS ns1.example.com.",
	    "an example.com. 3600 IN NS ns2.example.net.", NULL);
	a_ns_diff = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 3600 IN NS ns1.example.com.",
	    "an example.com. 3600 IN NS ns4.example.org.", NULL);
	a_ns_lame = answer("example.com.", LDNS_RR_TYPE_NS, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 3600 IN NS ns1.example.com.", NULL);
	a_dnskey = answer("example.com.", LDNS_RR_TYPE_DNSKEY, F_AA | F_EDNS,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 3600 IN DNSKEY 257 3 13 "
	    "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+"
	    "KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
	    "an example.com. 3600 IN RRSIG DNSKEY 13 2 3600 "
	    "20260201000000 20260101000000 12345 example.com. "
	    "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCH"
	    "X3DDKdfb+v6oB9wfuh3DTJXUAfI=", NULL);
	a_refused = answer("example.com.", LDNS_RR_TYPE_SOA, 0,
	    LDNS_RCODE_REFUSED, NULL);
	a_servfail = answer("example.com.", LDNS_RR_TYPE_SOA, 0,
	    LDNS_RCODE_SERVFAIL, NULL);
	a_notauth = answer("example.com.", LDNS_RR_TYPE_SOA, 0,
	    LDNS_RCODE_NOTAUTH, NULL);
	/* What a server that cannot parse EDNS0 answers. */
	a_formerr = answer(NULL, 0, F_NOQ, LDNS_RCODE_FORMERR, NULL);
	a_nxdomain = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA,
	    LDNS_RCODE_NXDOMAIN,
	    "au " SOA("com.", 1767225600), NULL);
	a_nodata = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA,
	    LDNS_RCODE_NOERROR,
	    "au " SOA("example.com.", 2026010101), NULL);
	a_upward = answer("example.com.", LDNS_RR_TYPE_SOA, 0,
	    LDNS_RCODE_NOERROR,
	    "au . 518400 IN NS a.root-servers.net.",
	    "ad a.root-servers.net. 518400 IN A 198.41.0.4", NULL);
	a_cname = answer("example.com.", LDNS_RR_TYPE_SOA, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an example.com. 300 IN CNAME example.net.", NULL);
	a_host_a = answer("ns1.example.com.", LDNS_RR_TYPE_A, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an ns1.example.com. 3600 IN A 192.0.2.1",
	    "an ns1.example.com. 3600 IN A 192.0.2.2", NULL);
	a_host_aaaa = answer("ns1.example.com.", LDNS_RR_TYPE_AAAA, F_AA,
	    LDNS_RCODE_NOERROR,
	    "an ns1.example.com. 3600 IN AAAA 2001:db8::1", NULL);
	a_truncated = answer("example.com.", LDNS_RR_TYPE_DNSKEY,
	    F_AA | F_TC | F_EDNS, LDNS_RCODE_NOERROR, NULL);
	a_empty_noaa = answer("example.com.", LDNS_RR_TYPE_SOA, 0,
	    LDNS_RCODE_NOERROR, NULL);
}

static void
answers_free(void)
{
	ldns_pkt	*all[] = {
		a_referral, a_referral_inzone, a_auth_ns, a_parent_nx,
		a_parent_nodata, a_parent_cname, a_sideways, a_soa, a_soa_old,
		a_soa_noaa, a_soa_other, a_ns, a_ns_diff, a_ns_lame, a_dnskey,
		a_refused, a_servfail, a_notauth, a_formerr, a_nxdomain,
		a_nodata, a_upward, a_cname, a_host_a, a_host_aaaa,
		a_truncated, a_empty_noaa,
	};
	size_t		 i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ldns_pkt_free(all[i]);
}

static uint8_t *
wire(const ldns_pkt *p, size_t *len)
{
	uint8_t	*w;

	if (ldns_pkt2wire(&w, p, len) != LDNS_STATUS_OK)
		abort();
	return w;
}

static void
write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char	path[1024];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

static void
packet_seed(const char *name, const ldns_pkt *p)
{
	uint8_t	*w;
	size_t	 len;

	w = wire(p, &len);
	write_file("packet", name, w, len);
	free(w);
}

static void
packet_seeds(void)
{
	packet_seed("referral", a_referral);
	packet_seed("referral-inzone", a_referral_inzone);
	packet_seed("auth-ns", a_auth_ns);
	packet_seed("parent-nxdomain", a_parent_nx);
	packet_seed("parent-nodata", a_parent_nodata);
	packet_seed("parent-cname", a_parent_cname);
	packet_seed("sideways-referral", a_sideways);
	packet_seed("soa", a_soa);
	packet_seed("soa-no-aa", a_soa_noaa);
	packet_seed("soa-other-owner", a_soa_other);
	packet_seed("ns", a_ns);
	packet_seed("ns-differs", a_ns_diff);
	packet_seed("dnskey", a_dnskey);
	packet_seed("refused", a_refused);
	packet_seed("servfail", a_servfail);
	packet_seed("notauth", a_notauth);
	packet_seed("formerr-no-question", a_formerr);
	packet_seed("nxdomain", a_nxdomain);
	packet_seed("nodata", a_nodata);
	packet_seed("upward-referral", a_upward);
	packet_seed("cname", a_cname);
	packet_seed("host-a", a_host_a);
	packet_seed("host-aaaa", a_host_aaaa);
	packet_seed("truncated", a_truncated);
	packet_seed("empty-no-aa", a_empty_noaa);
}

/* ---- zone runs, in fuzz_evidence's input format ---- */

struct run {
	uint8_t	buf[65536];
	size_t	n;
};

static void
u8(struct run *r, uint8_t b)
{
	if (r->n == sizeof(r->buf))
		abort();
	r->buf[r->n++] = b;
}

static void
chunk(struct run *r, const ldns_pkt *p)
{
	uint8_t	*w = NULL;
	size_t	 len = 0, i;

	if (p != NULL)
		w = wire(p, &len);
	u8(r, (uint8_t)(len >> 8));
	u8(r, (uint8_t)len);
	for (i = 0; i < len; i++)
		u8(r, w[i]);
	free(w);
}

/* Probe status bytes (fuzz_probe): the low three bits. */
#define P_OK		0
#define P_TIMEOUT	4
#define P_REFUSED	5
#define P_WRONG_SRC	0x14	/* timeout, an answer from elsewhere */

/* One probe: the status and rtt bytes, the answer when there is one. */
static void
probe(struct run *r, uint8_t status, const ldns_pkt *p)
{
	u8(r, status);
	u8(r, 25);
	if ((status & 7) < 4)
		chunk(r, p);
}

/*
 * The probes of one address in the harness's order: NS (NULL: it times
 * out), SOA over UDP, SOA without EDNS0 when UDP got no usable answer
 * (plain NULL: that times out too), SOA over TCP, DNSKEY.
 */
static void
address(struct run *r, const ldns_pkt *ns, uint8_t udp, const ldns_pkt *soa,
    const ldns_pkt *plain, uint8_t tcp, uint8_t dnskey)
{
	bool	retry;

	probe(r, ns != NULL ? P_OK : P_TIMEOUT, ns);
	probe(r, udp, soa);
	retry = (udp & 7) == P_TIMEOUT || (udp & 7) == 6 || ((udp & 7) < 4 &&
	    (ldns_pkt_get_rcode(soa) == LDNS_RCODE_FORMERR ||
	    ldns_pkt_get_rcode(soa) == LDNS_RCODE_NOTIMPL));
	if (retry)
		probe(r, plain != NULL ? P_OK : P_TIMEOUT, plain);
	probe(r, tcp, soa);
	probe(r, dnskey, a_dnskey);
}

/* Pool indexes of fuzz_evidence's addresses (glue ones come after). */
#define POOL_192_0_2_1		0
#define POOL_192_0_2_2		1
#define POOL_198_51_100_1	2
#define POOL_2001_DB8_1		3

/* A host lookup byte: state 0 OK, 4 NXDOMAIN, 5 CNAME, 6 FAILED. */
static void
host(struct run *r, uint8_t state, size_t n, ...)
{
	va_list	ap;
	size_t	i;

	u8(r, (uint8_t)(state | n << 3));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		u8(r, (uint8_t)va_arg(ap, int));
	va_end(ap);
}

/* What the zone remembers: a serial, and ages (minutes) of lags of the
 * first n servers' first addresses. */
static void
memory(struct run *r, uint32_t serial, size_t n, ...)
{
	va_list	ap;
	size_t	i;
	int	age;

	u8(r, (uint8_t)(1 | n << 1));
	u8(r, (uint8_t)(serial >> 24));
	u8(r, (uint8_t)(serial >> 16));
	u8(r, (uint8_t)(serial >> 8));
	u8(r, (uint8_t)serial);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		age = va_arg(ap, int);
		u8(r, (uint8_t)(age >> 8));
		u8(r, (uint8_t)age);
	}
	va_end(ap);
}

/* zone example.com., serial_grace index, then the parent's answer. */
static void
start(struct run *r, uint8_t grace, uint8_t walk, const ldns_pkt *parent)
{
	r->n = 0;
	u8(r, 0);
	u8(r, grace);
	u8(r, walk);
	chunk(r, parent);
}

static void
run_seed(const char *name, const struct run *r)
{
	write_file("evidence", name, r->buf, r->n);
}

static void
evidence_seeds(void)
{
	static struct run	r;

	/* Healthy: ns1 (glue v4 and v6) and ns2 serve the zone. */
	start(&r, 1, 0, a_referral);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);	/* ns1 v4 */
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);	/* ns1 v6 */
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);	/* ns2: out of bailiwick, */
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);	/* unglued */
	run_seed("healthy", &r);

	/* The parent answers authoritatively (it serves the zone too). */
	start(&r, 1, 0, a_auth_ns);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);
	host(&r, 0, 1, POOL_192_0_2_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);
	run_seed("parent-authoritative", &r);

	/* Not delegated, three ways; the parent unreachable; the walk gives up. */
	start(&r, 0, 0, a_parent_nx);
	run_seed("not-delegated-nxdomain", &r);
	start(&r, 0, 0, a_parent_nodata);
	run_seed("not-delegated-nodata", &r);
	start(&r, 0, 0, a_parent_cname);
	run_seed("not-delegated-cname", &r);
	start(&r, 0, 0, NULL);
	run_seed("parent-unreachable", &r);
	start(&r, 0, 0, a_sideways);
	run_seed("parent-sideways", &r);
	start(&r, 0, 15, a_referral);
	run_seed("walk-failed", &r);

	/* Every address times out: dead, and edns/qtype on one each. */
	start(&r, 0, 0, a_referral);
	address(&r, NULL, P_TIMEOUT, NULL, NULL, P_TIMEOUT, P_TIMEOUT);
	address(&r, NULL, P_TIMEOUT, NULL, a_soa_noaa, P_REFUSED, P_TIMEOUT);
	host(&r, 6, 0);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, a_ns, P_OK, a_soa, NULL, P_TIMEOUT, P_TIMEOUT);
	run_seed("timeouts", &r);

	/* EDNS0 broken (FORMERR, then plain answers), wrong source address. */
	start(&r, 0, 0, a_referral);
	address(&r, a_ns, P_OK, a_formerr, a_soa, P_OK, P_TIMEOUT);
	address(&r, a_ns, P_WRONG_SRC, NULL, a_soa, P_OK, P_OK);
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);
	run_seed("edns-wrong-source", &r);

	/* Lame: ns2 refuses and is not in the zone's NS set; ns1 serves an
	 * older serial over IPv6 (serial_grace 0). */
	start(&r, 0, 0, a_referral);
	address(&r, a_ns_lame, P_OK, a_soa, NULL, P_OK, P_OK);
	address(&r, a_ns_lame, P_OK, a_soa_old, NULL, P_OK, P_OK);
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, a_refused, P_OK, a_refused, NULL, P_OK, P_OK);
	run_seed("lame-serial", &r);
	/* The same after an earlier run: ns1's lag seen 5 minutes ago,
	 * ns2's two hours ago. */
	memory(&r, 2026010101, 2, 5, 120);
	run_seed("lame-serial-remembered", &r);

	/* Nothing answers now; an earlier run saw a serial. */
	start(&r, 1, 0, a_referral);
	address(&r, NULL, P_TIMEOUT, NULL, NULL, P_TIMEOUT, P_TIMEOUT);
	address(&r, NULL, P_REFUSED, NULL, NULL, P_REFUSED, P_REFUSED);
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, NULL, P_TIMEOUT, NULL, NULL, P_TIMEOUT, P_TIMEOUT);
	memory(&r, 2026010101, 0);
	run_seed("all-dead-remembered", &r);

	/* Servers that do not serve it, each its own way; an NS set that
	 * differs and names a new server, ns4, which is looked up. */
	start(&r, 2, 0, a_referral);
	address(&r, a_ns_diff, P_OK, a_servfail, NULL, P_OK, P_OK);
	address(&r, a_ns, P_OK, a_notauth, NULL, P_OK, P_OK);
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	address(&r, a_ns, P_OK, a_upward, NULL, P_OK, P_OK);
	host(&r, 0, 1, POOL_192_0_2_2);		/* ns4 */
	address(&r, a_ns_diff, P_OK, a_nxdomain, NULL, P_OK, P_OK);
	run_seed("not-served", &r);

	/* More of them: no AA, CNAME, another zone's SOA, nodata. */
	start(&r, 3, 0, a_referral);
	address(&r, a_empty_noaa, P_OK, a_soa_noaa, NULL, P_OK, P_OK);
	address(&r, a_ns, P_OK, a_cname, NULL, P_OK, P_OK);
	host(&r, 0, 2, POOL_192_0_2_1, POOL_2001_DB8_1);
	host(&r, 0, 1, POOL_198_51_100_1);
	/* DNSKEY truncated over UDP, answered over TCP. */
	address(&r, a_ns, P_OK, a_soa_other, NULL, P_OK, 0x08);
	run_seed("not-served-2", &r);

	/* Glue that differs from the host's own addresses; an in-zone NS
	 * without glue; NS names that do not resolve. */
	start(&r, 0, 0, a_referral_inzone);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);	/* ns1 glue */
	host(&r, 0, 1, POOL_192_0_2_2);
	address(&r, a_ns, P_OK, a_soa, NULL, P_OK, P_OK);	/* ns1 own */
	host(&r, 4, 0);						/* ns2 */
	host(&r, 5, 0);						/* ns3 */
	run_seed("glue", &r);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	answers_build();
	packet_seeds();
	evidence_seeds();
	answers_free();
	return 0;
}
