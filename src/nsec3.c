/* nsec3: pure NSEC3 denial-of-existence proofs (RFC 5155 section 8).
 *
 * ldns has ldns_dnssec_verify_denial_nsec3(), but 1.8.3 leaks a hashed
 * name on every proof it checks: at thousands of proofs a cycle that is a
 * daemon growing without bound, so the proofs are done here, on raw
 * 20-byte hashes and on names as suffixes of the query name's wire form,
 * with nothing allocated. */
#include "zhbuild.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/sha1.h>

#include "nsec3.h"

#define NSEC3_HASH_LEN		20
#define NSEC3_MAX_RECORDS	64	/* of one answer; more is hostile */
#define NSEC3_FLAG_OPTOUT	0x01

/* One usable NSEC3 record: its hashes raw, its parameters as sent. */
struct nsec3_rec {
	uint8_t			 owner[NSEC3_HASH_LEN];
	uint8_t			 next[NSEC3_HASH_LEN];
	const ldns_rr		*rr;
	const ldns_rdf		*bitmap;
	bool			 optout;
};

struct nsec3_set {
	struct nsec3_rec	 recs[NSEC3_MAX_RECORDS];
	size_t			 n;
	/* The chain's parameters: those of the first usable record. */
	uint16_t		 iterations;
	const uint8_t		*salt;
	size_t			 saltlen;
};

/* A name as a suffix of a wire-format name: no copy. */
struct nsec3_name {
	const uint8_t		*wire;
	size_t			 len;
};

static void
nsec3_why(char *why, size_t len, const char *fmt, ...)
{
	va_list	ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* The name in presentation form, for messages (into buf). */
static const char *
nsec3_name_str(const struct nsec3_name *n, char *buf, size_t len)
{
	ldns_rdf	*r;
	char		*s;

	snprintf(buf, len, "?");
	if ((r = ldns_rdf_new(LDNS_RDF_TYPE_DNAME, n->len, (void *)n->wire)) == NULL)
		return buf;
	if ((s = ldns_rdf2str(r)) != NULL) {
		snprintf(buf, len, "%s", s);
		free(s);
	}
	ldns_rdf_free(r);	/* the struct only: the data is the caller's */
	return buf;
}

bool
nsec3_hash(const ldns_rdf *name, uint8_t algorithm, uint16_t iterations,
    const uint8_t *salt, size_t saltlen, uint8_t out[20])
{
	uint8_t		 buf[LDNS_MAX_DOMAINLEN + 1 + 255];
	const uint8_t	*d = ldns_rdf_data(name);
	size_t		 len = ldns_rdf_size(name), i;
	unsigned	 k;

	/* RFC 5155 5: IH(salt, x, 0) = H(x || salt), then
	 * IH(salt, x, k) = H(IH(salt, x, k-1) || salt); x canonical. */
	if (algorithm != LDNS_SHA1 || iterations > NSEC3_MAX_ITERATIONS ||
	    len > LDNS_MAX_DOMAINLEN + 1 || saltlen > 255)
		return false;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)tolower(d[i]);
	memcpy(buf + len, salt, saltlen);
	ldns_sha1(buf, (unsigned)(len + saltlen), out);
	for (k = 0; k < iterations; k++) {
		memcpy(buf, out, NSEC3_HASH_LEN);
		memcpy(buf + NSEC3_HASH_LEN, salt, saltlen);
		ldns_sha1(buf, (unsigned)(NSEC3_HASH_LEN + saltlen), out);
	}
	return true;
}

/* Base32 with the extended hex alphabet (RFC 4648 7), no padding, as NSEC3
 * owner labels are written: exactly out's length, or false. */
/* Whether the record's type bitmap lists type; an empty one lists none. */
static bool
nsec3_has_type(const struct nsec3_rec *r, ldns_rr_type type)
{
	return r->bitmap != NULL && ldns_rdf_size(r->bitmap) > 0 &&
	    ldns_nsec_bitmap_covers_type(r->bitmap, type);
}

static bool
nsec3_b32hex(const uint8_t *s, size_t len, uint8_t *out, size_t outlen)
{
	unsigned	bits = 0, acc = 0, v;
	size_t		i, n = 0;
	int		c;

	for (i = 0; i < len; i++) {
		c = toupper(s[i]);
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'V')
			v = (unsigned)(c - 'A' + 10);
		else
			return false;
		acc = (acc << 5 | v) & 0xffff;
		if ((bits += 5) >= 8) {
			bits -= 8;
			if (n == outlen)
				return false;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n == outlen;
}

/* Wire-format names equal, ignoring ASCII case (label lengths are below
 * 64, so folding them is harmless). */
static bool
nsec3_wire_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t	i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

/* The records of the zone's chain that can be used: SHA-1, well formed,
 * owned by a hash label directly below the zone (RFC 5155 8.1, 8.2). */
static void
nsec3_collect(const ldns_rdf *zone, const ldns_rr_list *list, struct nsec3_set *set)
{
	const ldns_rr	*rr;
	const ldns_rdf	*owner, *salt, *next;
	const uint8_t	*o;
	struct nsec3_rec *r;
	size_t		 i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < ldns_rr_list_rr_count(list) && set->n < NSEC3_MAX_RECORDS; i++) {
		rr = ldns_rr_list_rr(list, i);
		/* Five fields: an empty type bitmap, as an empty non-terminal's
		 * NSEC3 has (RFC 5155 3.2, 7.1): ldns leaves the field out. */
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 || ldns_rr_rd_count(rr) < 5)
			continue;
		if (ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 1 ||
		    ldns_rdf_data(ldns_rr_rdf(rr, 0))[0] != LDNS_SHA1 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 1)) != 1 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 2)) != 2)
			continue;
		salt = ldns_rr_rdf(rr, 3);
		next = ldns_rr_rdf(rr, 4);
		if (ldns_rdf_size(salt) < 1 ||
		    ldns_rdf_size(salt) != 1u + ldns_rdf_data(salt)[0] ||
		    ldns_rdf_size(next) != 1 + NSEC3_HASH_LEN ||
		    ldns_rdf_data(next)[0] != NSEC3_HASH_LEN)
			continue;
		owner = ldns_rr_owner(rr);
		o = ldns_rdf_data(owner);
		if (ldns_rdf_size(owner) < 2 || (size_t)o[0] + 1 > ldns_rdf_size(owner) ||
		    !nsec3_wire_eq(o + 1 + o[0], ldns_rdf_size(owner) - 1 - o[0],
		    ldns_rdf_data(zone), ldns_rdf_size(zone)))
			continue;
		if (set->n == 0) {
			set->iterations = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
			set->salt = ldns_rdf_data(salt) + 1;
			set->saltlen = ldns_rdf_data(salt)[0];
		} else if (ldns_rdf2native_int16(ldns_rr_rdf(rr, 2)) != set->iterations ||
		    ldns_rdf_data(salt)[0] != set->saltlen ||
		    memcmp(ldns_rdf_data(salt) + 1, set->salt, set->saltlen) != 0)
			continue;	/* another chain's parameters */
		r = &set->recs[set->n];
		if (!nsec3_b32hex(o + 1, o[0], r->owner, NSEC3_HASH_LEN))
			continue;
		memcpy(r->next, ldns_rdf_data(next) + 1, NSEC3_HASH_LEN);
		r->rr = rr;
		r->bitmap = ldns_rr_rd_count(rr) > 5 ? ldns_rr_rdf(rr, 5) : NULL;
		r->optout = (ldns_rdf_data(ldns_rr_rdf(rr, 1))[0] & NSEC3_FLAG_OPTOUT) != 0;
		set->n++;
	}
}

static bool
nsec3_hash_of(const struct nsec3_set *set, const struct nsec3_name *n,
    uint8_t out[NSEC3_HASH_LEN])
{
	ldns_rdf	r;

	r._type = LDNS_RDF_TYPE_DNAME;
	r._size = n->len;
	r._data = (void *)n->wire;
	return nsec3_hash(&r, LDNS_SHA1, set->iterations, set->salt, set->saltlen, out);
}

/* The record whose owner is name's hash, or NULL. */
static const struct nsec3_rec *
nsec3_match(const struct nsec3_set *set, const struct nsec3_name *n)
{
	uint8_t	h[NSEC3_HASH_LEN];
	size_t	i;

	if (!nsec3_hash_of(set, n, h))
		return NULL;
	for (i = 0; i < set->n; i++)
		if (memcmp(set->recs[i].owner, h, NSEC3_HASH_LEN) == 0)
			return &set->recs[i];
	return NULL;
}

/* The record whose interval has name's hash strictly inside (the last of
 * the chain wraps around), or NULL. */
static const struct nsec3_rec *
nsec3_cover(const struct nsec3_set *set, const struct nsec3_name *n)
{
	const struct nsec3_rec	*r;
	uint8_t			 h[NSEC3_HASH_LEN];
	int			 lo, hi, span;
	size_t			 i;

	if (!nsec3_hash_of(set, n, h))
		return NULL;
	for (i = 0; i < set->n; i++) {
		r = &set->recs[i];
		lo = memcmp(r->owner, h, NSEC3_HASH_LEN);
		hi = memcmp(h, r->next, NSEC3_HASH_LEN);
		span = memcmp(r->owner, r->next, NSEC3_HASH_LEN);
		if ((span < 0 && lo < 0 && hi < 0) ||
		    (span >= 0 && lo != 0 && (lo < 0 || hi < 0)))
			return r;
	}
	return NULL;
}

/* The name one label up (false at the root). */
static bool
nsec3_parent(struct nsec3_name *n)
{
	size_t	skip;

	if (n->len <= 1)
		return false;
	skip = (size_t)n->wire[0] + 1;
	if (skip >= n->len)
		return false;
	n->wire += skip;
	n->len -= skip;
	return true;
}

/*
 * RFC 5155 8.3: the closest provable encloser of qname (its nearest
 * ancestor, or itself, whose hash an NSEC3 matches) and, below it, the
 * next closer name, whose hash an NSEC3 must cover. False with why when
 * either is missing; nc->len is 0 when qname itself is matched.
 */
static bool
nsec3_closest_encloser(const struct nsec3_set *set, const ldns_rdf *zone,
    const struct nsec3_name *qname, struct nsec3_name *ce,
    const struct nsec3_rec **ce_rec, struct nsec3_name *nc,
    const struct nsec3_rec **nc_rec, char *why, size_t whylen)
{
	struct nsec3_name	 cur = *qname, child = { NULL, 0 };
	char			 a[LDNS_MAX_DOMAINLEN * 4 + 2];
	size_t			 zlen = ldns_rdf_size(zone);

	*nc_rec = NULL;
	while ((*ce_rec = nsec3_match(set, &cur)) == NULL) {
		child = cur;
		if (cur.len <= zlen || !nsec3_parent(&cur)) {
			nsec3_why(why, whylen, "no NSEC3 matches %s or any of its "
			    "ancestors (no closest encloser, RFC 5155 8.3)",
			    nsec3_name_str(qname, a, sizeof(a)));
			return false;
		}
	}
	*ce = cur;
	*nc = child;
	if (child.len == 0)
		return true;
	/* A match for a delegation (NS without SOA) or a DNAME comes from the
	 * parent side of a cut: it proves nothing below it. */
	if (nsec3_has_type(*ce_rec, LDNS_RR_TYPE_DNAME) ||
	    (nsec3_has_type(*ce_rec, LDNS_RR_TYPE_NS) &&
	    !nsec3_has_type(*ce_rec, LDNS_RR_TYPE_SOA))) {
		nsec3_why(why, whylen, "the NSEC3 matching the closest encloser %s "
		    "is a delegation's or a DNAME's (RFC 5155 8.3)",
		    nsec3_name_str(ce, a, sizeof(a)));
		return false;
	}
	if ((*nc_rec = nsec3_cover(set, nc)) == NULL) {
		nsec3_why(why, whylen, "no NSEC3 covers the next closer name %s "
		    "(RFC 5155 8.3)", nsec3_name_str(nc, a, sizeof(a)));
		return false;
	}
	return true;
}

/* The wildcard at ce, "*." ce, into buf. */
static bool
nsec3_wildcard(const struct nsec3_name *ce, uint8_t *buf, size_t len,
    struct nsec3_name *out)
{
	if (ce->len + 2 > len || ce->len + 2 > LDNS_MAX_DOMAINLEN + 1)
		return false;
	buf[0] = 1;
	buf[1] = '*';
	memcpy(buf + 2, ce->wire, ce->len);
	out->wire = buf;
	out->len = ce->len + 2;
	return true;
}

/* A matching record says name has no qtype (and no CNAME instead). */
static bool
nsec3_types_absent(const struct nsec3_rec *r, const struct nsec3_name *n,
    ldns_rr_type qtype, char *why, size_t whylen)
{
	char	a[LDNS_MAX_DOMAINLEN * 4 + 2], *t;

	if (!nsec3_has_type(r, qtype) && !nsec3_has_type(r, LDNS_RR_TYPE_CNAME))
		return true;
	t = ldns_rr_type2str(qtype);
	nsec3_why(why, whylen, "the NSEC3 matching %s lists %s or CNAME: the "
	    "name has data there", nsec3_name_str(n, a, sizeof(a)),
	    t != NULL ? t : "the type");
	free(t);
	return false;
}

bool
nsec3_prove(const ldns_rdf *zone, const ldns_rdf *qname_rdf, ldns_rr_type qtype,
    bool nxdomain, const ldns_rr_list *nsec3s, char *why, size_t whylen)
{
	static struct nsec3_set	 set;	/* large; the daemon has one thread */
	struct nsec3_name	 qname, ce, nc, wc;
	const struct nsec3_rec	*m, *ce_rec, *nc_rec;
	uint8_t			 wbuf[LDNS_MAX_DOMAINLEN + 3];
	char			 a[LDNS_MAX_DOMAINLEN * 4 + 2];
	size_t			 zlen = ldns_rdf_size(zone);

	nsec3_why(why, whylen, "proven");
	if (zone == NULL || qname_rdf == NULL || nsec3s == NULL) {
		nsec3_why(why, whylen, "nothing to prove");
		return false;
	}
	qname.wire = ldns_rdf_data(qname_rdf);
	qname.len = ldns_rdf_size(qname_rdf);
	if (qname.len < zlen || !nsec3_wire_eq(qname.wire + qname.len - zlen, zlen,
	    ldns_rdf_data(zone), zlen)) {
		nsec3_why(why, whylen, "the name is not in the zone");
		return false;
	}
	nsec3_collect(zone, nsec3s, &set);
	if (set.n == 0) {
		nsec3_why(why, whylen, "no usable NSEC3 (SHA-1, at most %d "
		    "iterations, owned by a hash below the zone)", NSEC3_MAX_ITERATIONS);
		return false;
	}
	if (set.iterations > NSEC3_MAX_ITERATIONS) {
		nsec3_why(why, whylen, "NSEC3 iterations %u, above RFC 5155's %d",
		    set.iterations, NSEC3_MAX_ITERATIONS);
		return false;
	}
	/* NODATA (8.5; 8.6 for DS): a record matching qname without the type. */
	if (!nxdomain && (m = nsec3_match(&set, &qname)) != NULL) {
		return nsec3_types_absent(m, &qname, qtype, why, whylen);
	}
	if (!nsec3_closest_encloser(&set, zone, &qname, &ce, &ce_rec, &nc, &nc_rec,
	    why, whylen))
		return false;
	if (nc.len == 0) {
		/* Matched qname itself: the name exists. */
		nsec3_why(why, whylen, "an NSEC3 matches %s itself: the name exists",
		    nsec3_name_str(&qname, a, sizeof(a)));
		return false;
	}
	/* NODATA for DS under an opt-out span (8.6): an insecure delegation. */
	if (!nxdomain && qtype == LDNS_RR_TYPE_DS && nc_rec->optout)
		return true;
	if (!nsec3_wildcard(&ce, wbuf, sizeof(wbuf), &wc)) {
		nsec3_why(why, whylen, "the wildcard name is too long");
		return false;
	}
	if (nxdomain) {
		/* 8.4: and no wildcard at the closest encloser could have
		 * answered instead. */
		if (nsec3_cover(&set, &wc) != NULL)
			return true;
		nsec3_why(why, whylen, "no NSEC3 covers the wildcard %s at the "
		    "closest encloser (RFC 5155 8.4)", nsec3_name_str(&wc, a, sizeof(a)));
		return false;
	}
	/* 8.7: NODATA from a wildcard: it matches, without the type. */
	if ((m = nsec3_match(&set, &wc)) == NULL) {
		nsec3_why(why, whylen, "no NSEC3 matches %s (RFC 5155 8.5), nor "
		    "a wildcard at its closest encloser (8.7)",
		    nsec3_name_str(&qname, a, sizeof(a)));
		return false;
	}
	return nsec3_types_absent(m, &wc, qtype, why, whylen);
}
