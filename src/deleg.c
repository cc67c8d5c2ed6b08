/* deleg: what a server's answer says about a name's delegation (pure). */
#include "zhbuild.h"

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "deleg.h"
#include "infra.h"
#include "xmalloc.h"

static const char *const deleg_kind_names[] = {
	[DELEG_REFERRAL] = "referral",
	[DELEG_AUTH_NS] = "authoritative NS",
	[DELEG_NODATA] = "no data",
	[DELEG_NXDOMAIN] = "NXDOMAIN",
	[DELEG_ANSWER] = "answer",
	[DELEG_CNAME] = "CNAME",
	[DELEG_LAME] = "lame",
};

const char *
deleg_kind_name(enum deleg_kind k)
{
	return deleg_kind_names[k];
}

void
deleg_answer_clear(struct deleg_answer *a)
{
	infra_deleg_free(a->deleg);
	infra_host_free(a->host);
	free(a->cname);
	memset(a, 0, sizeof(*a));
}

/* Negative-answer TTL from the SOA in authority (RFC 2308 section 5). */
static uint32_t
deleg_negative_ttl(const ldns_pkt *pkt)
{
	const ldns_rr_list	*auth = ldns_pkt_authority(pkt);
	const ldns_rr		*rr;
	const ldns_rdf		*min;
	uint32_t		 ttl;
	size_t			 i;

	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA)
			continue;
		ttl = ldns_rr_ttl(rr);
		if ((min = ldns_rr_rdf(rr, 6)) != NULL &&
		    ldns_rdf2native_int32(min) < ttl)
			ttl = ldns_rdf2native_int32(min);
		return ttl;
	}
	return 0;
}

/* The NS RRset owned by owner in list, into a new delegation with glue. */
static struct infra_deleg *
deleg_collect(const ldns_pkt *pkt, const ldns_rr_list *list, const char *owner,
    const char *cut, uint32_t *ttl)
{
	struct infra_deleg	*d = NULL;
	struct infra_ns		*ns;
	struct sockaddr_storage	 ss;
	const ldns_rr_list	*add = ldns_pkt_additional(pkt);
	const ldns_rr		*rr;
	char			*name, *target;
	size_t			 i, j;
	socklen_t		 len;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_rr_rdf(rr, 0) == NULL)
			continue;
		name = infra_name(ldns_rr_owner(rr));
		if (strcmp(name, owner) != 0) {
			free(name);
			continue;
		}
		free(name);
		if (d == NULL) {
			d = infra_deleg_new(owner, INFRA_DELEG_CUT, 0);
			*ttl = ldns_rr_ttl(rr);
		} else if (ldns_rr_ttl(rr) < *ttl)
			*ttl = ldns_rr_ttl(rr);
		target = infra_name(ldns_rr_rdf(rr, 0));
		ns = infra_deleg_add_ns(d, target);
		/* Addresses are credible only inside the server's own zone. */
		if (infra_name_under(target, cut)) {
			for (j = 0; j < ldns_rr_list_rr_count(add); j++) {
				name = infra_name(ldns_rr_owner(ldns_rr_list_rr(add, j)));
				if (strcmp(name, target) == 0 &&
				    (len = infra_rr_sockaddr(ldns_rr_list_rr(add, j),
				    &ss)) > 0)
					infra_ns_add_addr(ns, (struct sockaddr *)&ss, len);
				free(name);
			}
		}
		free(target);
	}
	return d;
}

/* The owner of the first NS record in authority, or NULL. */
static char *
deleg_referral_owner(const ldns_pkt *pkt)
{
	const ldns_rr_list	*auth = ldns_pkt_authority(pkt);
	size_t			 i;

	for (i = 0; i < ldns_rr_list_rr_count(auth); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) == LDNS_RR_TYPE_NS)
			return infra_name(ldns_rr_owner(ldns_rr_list_rr(auth, i)));
	return NULL;
}

/* Records of type t owned by qname in the answer section. */
static void
deleg_answer_records(const ldns_pkt *pkt, const char *qname, ldns_rr_type t,
    struct deleg_answer *a)
{
	const ldns_rr_list	*ans = ldns_pkt_answer(pkt);
	const ldns_rr		*rr;
	struct sockaddr_storage	 ss;
	char			*owner;
	size_t			 i;
	socklen_t		 len;

	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		owner = infra_name(ldns_rr_owner(rr));
		if (strcmp(owner, qname) == 0) {
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    a->cname == NULL && ldns_rr_rdf(rr, 0) != NULL) {
				a->cname = infra_name(ldns_rr_rdf(rr, 0));
				a->ttl = ldns_rr_ttl(rr);
			} else if (ldns_rr_get_type(rr) == t &&
			    (len = infra_rr_sockaddr(rr, &ss)) > 0) {
				if (a->host == NULL) {
					a->host = infra_host_new(qname, INFRA_HOST_OK, 0);
					a->ttl = ldns_rr_ttl(rr);
				} else if (ldns_rr_ttl(rr) < a->ttl)
					a->ttl = ldns_rr_ttl(rr);
				infra_host_add_addr(a->host, (struct sockaddr *)&ss, len);
			}
		}
		free(owner);
	}
}

void
deleg_classify(const ldns_pkt *pkt, const char *qname, ldns_rr_type qtype,
    const char *cut, struct deleg_answer *a)
{
	char	*owner;

	memset(a, 0, sizeof(*a));
	a->kind = DELEG_LAME;
	switch (ldns_pkt_get_rcode(pkt)) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_NXDOMAIN:
		if (!ldns_pkt_aa(pkt)) {
			a->why = "NXDOMAIN without the AA bit";
			return;
		}
		a->kind = DELEG_NXDOMAIN;
		a->ttl = deleg_negative_ttl(pkt);
		return;
	case LDNS_RCODE_REFUSED:
		a->why = "REFUSED";
		return;
	case LDNS_RCODE_SERVFAIL:
		a->why = "SERVFAIL";
		return;
	default:
		a->why = "an error rcode";
		return;
	}

	if (ldns_pkt_aa(pkt)) {
		if (qtype == LDNS_RR_TYPE_NS && (a->deleg = deleg_collect(pkt,
		    ldns_pkt_answer(pkt), qname, cut, &a->ttl)) != NULL) {
			a->kind = DELEG_AUTH_NS;
			return;
		}
		deleg_answer_records(pkt, qname, qtype, a);
		if (a->host != NULL) {
			free(a->cname);
			a->cname = NULL;
			a->kind = DELEG_ANSWER;
			return;
		}
		if (a->cname != NULL) {
			a->kind = DELEG_CNAME;
			return;
		}
		if (ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) == 0) {
			if ((owner = deleg_referral_owner(pkt)) == NULL) {
				a->kind = DELEG_NODATA;
				a->ttl = deleg_negative_ttl(pkt);
				return;
			}
			free(owner);	/* an AA referral: judged below */
		}
	}

	/* A referral: NS in authority for a name below the cut that holds
	 * qname. Anything else (upward or sideways) is lame. */
	if (ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) == 0 &&
	    (owner = deleg_referral_owner(pkt)) != NULL) {
		if (strcmp(owner, cut) != 0 && infra_name_under(owner, cut) &&
		    infra_name_under(qname, owner)) {
			a->deleg = deleg_collect(pkt, ldns_pkt_authority(pkt),
			    owner, cut, &a->ttl);
			if (a->deleg != NULL) {
				a->kind = DELEG_REFERRAL;
				free(owner);
				return;
			}
		}
		free(owner);
		a->why = "an upward or sideways referral";
		return;
	}
	a->why = ldns_pkt_aa(pkt) ? "an unexpected answer" :
	    "an answer without the AA bit";
}
