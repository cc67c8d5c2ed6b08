/* fuzz_packet: one DNS answer, arbitrary bytes, judged as every consumer of
 * answers judges it: served_classify, ns_set_from_pkt and deleg_classify. */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "deleg.h"
#include "infra.h"
#include "served.h"
#include "xmalloc.h"
#include "fuzz.h"

#define FUZZ_CUTS	4	/* the name itself, its parent, grandparent, root */

static void
fuzz_served(const ldns_pkt *pkt, const char *zone)
{
	struct served_result	 r;
	struct ns_set		 set, other = { NULL, 0 };
	char			*s;

	served_classify(pkt, zone, &r);
	if (memchr(r.detail, '\0', sizeof(r.detail)) == NULL)
		abort();
	ns_set_from_pkt(&set, pkt, zone);
	ns_set_add(&other, "ns1.example.com.");
	s = ns_set_minus_str(&set, &other);
	free(s);
	s = ns_set_minus_str(&other, &set);
	free(s);
	(void)ns_set_eq(&set, &other);
	ns_set_clear(&set);
	ns_set_clear(&other);
}

static void
fuzz_deleg(const ldns_pkt *pkt, const char *qname, const char *cut)
{
	static const ldns_rr_type	 types[] = {
		LDNS_RR_TYPE_NS, LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA,
	};
	struct deleg_answer		 a;
	size_t				 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		deleg_classify(pkt, qname, types[i], cut, &a);
		(void)deleg_kind_name(a.kind);
		if ((a.kind == DELEG_REFERRAL || a.kind == DELEG_AUTH_NS) &&
		    a.deleg == NULL)
			abort();
		if (a.kind == DELEG_ANSWER && a.host == NULL)
			abort();
		if (a.kind == DELEG_CNAME && a.cname == NULL)
			abort();
		if (a.kind == DELEG_LAME && a.why == NULL)
			abort();
		deleg_answer_clear(&a);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt		*pkt;
	const ldns_rr_list	*qs;
	const char		*cut;
	char			*qname;
	int			 i;

	if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK)
		return 0;
	/* Answers that the query engine takes repeat the question. */
	qs = ldns_pkt_question(pkt);
	if (qs != NULL && ldns_rr_list_rr_count(qs) > 0)
		qname = infra_name(ldns_rr_owner(ldns_rr_list_rr(qs, 0)));
	else
		qname = xstrdup("example.com.");

	fuzz_served(NULL, qname);
	fuzz_served(pkt, qname);
	fuzz_served(pkt, "example.com.");
	fuzz_served(pkt, ".");

	/* The servers of qname's zone or a zone above it were asked. */
	for (cut = qname, i = 0; cut != NULL && i < FUZZ_CUTS; i++) {
		fuzz_deleg(pkt, qname, cut);
		cut = infra_name_parent(cut);
	}
	if (strcmp(qname, ".") != 0)
		fuzz_deleg(pkt, qname, ".");
	free(qname);
	ldns_pkt_free(pkt);
	return 0;
}
