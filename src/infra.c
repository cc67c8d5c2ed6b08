/* infra: the infrastructure cache: delegations and NS host addresses, by TTL. */
#include "zhbuild.h"

#include <netinet/in.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "infra.h"
#include "log.h"
#include "xmalloc.h"

struct infra {
	ldns_rbtree_t	*delegs;	/* struct infra_deleg by name */
	ldns_rbtree_t	*hosts;		/* struct infra_host by name */
	uint64_t	 expired;	/* entries dropped at their TTL */
	uint64_t	 evicted;	/* entries dropped early for the cap */
};

static int
infra_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct infra *
infra_new(void)
{
	struct infra	*in;

	in = xcalloc(1, sizeof(*in));
	if ((in->delegs = ldns_rbtree_create(infra_cmp)) == NULL ||
	    (in->hosts = ldns_rbtree_create(infra_cmp)) == NULL)
		fatalx("out of memory");
	return in;
}

static void
infra_deleg_free_node(ldns_rbnode_t *node, void *arg)
{
	infra_deleg_free((struct infra_deleg *)node);
}

static void
infra_host_free_node(ldns_rbnode_t *node, void *arg)
{
	infra_host_free((struct infra_host *)node);
}

void
infra_free(struct infra *in)
{
	if (in == NULL)
		return;
	ldns_traverse_postorder(in->delegs, infra_deleg_free_node, NULL);
	ldns_traverse_postorder(in->hosts, infra_host_free_node, NULL);
	ldns_rbtree_free(in->delegs);
	ldns_rbtree_free(in->hosts);
	free(in);
}

char *
infra_name(const ldns_rdf *rdf)
{
	char	*s, *p;
	size_t	 len;

	if ((s = ldns_rdf2str(rdf)) == NULL)
		fatalx("out of memory");
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	len = strlen(s);
	if (len == 0 || s[len - 1] != '.') {
		p = xasprintf("%s.", s);
		free(s);
		s = p;
	}
	return s;
}

const char *
infra_name_parent(const char *name)
{
	const char	*p;

	if (strcmp(name, ".") == 0)
		return NULL;
	/* Skip the first label, honouring "\." escapes inside it. */
	for (p = name; *p != '\0' && *p != '.'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	if (*p == '\0' || p[1] == '\0')
		return ".";
	return p + 1;
}

bool
infra_name_under(const char *name, const char *zone)
{
	size_t	nl = strlen(name), zl = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return true;
	if (nl < zl || strcmp(name + nl - zl, zone) != 0)
		return false;
	return nl == zl || name[nl - zl - 1] == '.';
}

struct infra_deleg *
infra_deleg_new(const char *name, enum infra_deleg_kind kind, uint64_t expires_ms)
{
	struct infra_deleg	*d;

	d = xcalloc(1, sizeof(*d));
	d->name = xstrdup(name);
	d->node.key = d->name;
	d->kind = kind;
	d->expires_ms = expires_ms;
	return d;
}

struct infra_ns *
infra_deleg_add_ns(struct infra_deleg *d, const char *ns_name)
{
	size_t	i;

	for (i = 0; i < d->nns; i++)
		if (strcmp(d->ns[i].name, ns_name) == 0)
			return &d->ns[i];
	d->ns = xreallocarray(d->ns, d->nns + 1, sizeof(*d->ns));
	memset(&d->ns[d->nns], 0, sizeof(d->ns[d->nns]));
	d->ns[d->nns].name = xstrdup(ns_name);
	return &d->ns[d->nns++];
}

static void
infra_addrs_add(struct addr **v, size_t *n, const struct sockaddr *sa,
    socklen_t len)
{
	size_t	i;

	if (len > sizeof((*v)->ss))
		return;
	for (i = 0; i < *n; i++)
		if ((*v)[i].len == len && memcmp(&(*v)[i].ss, sa, len) == 0)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	memcpy(&(*v)[*n].ss, sa, len);
	(*v)[*n].len = len;
	(*n)++;
}

void
infra_ns_add_addr(struct infra_ns *ns, const struct sockaddr *sa, socklen_t len)
{
	infra_addrs_add(&ns->glue, &ns->nglue, sa, len);
}

void
infra_deleg_free(struct infra_deleg *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nns; i++) {
		free(d->ns[i].name);
		free(d->ns[i].glue);
	}
	free(d->ns);
	free(d->name);
	free(d);
}

struct infra_host *
infra_host_new(const char *name, enum infra_host_state state, uint64_t expires_ms)
{
	struct infra_host	*h;

	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(name);
	h->node.key = h->name;
	h->state = state;
	h->expires_ms = expires_ms;
	return h;
}

void
infra_host_add_addr(struct infra_host *h, const struct sockaddr *sa, socklen_t len)
{
	infra_addrs_add(&h->addrs, &h->naddrs, sa, len);
}

void
infra_host_free(struct infra_host *h)
{
	if (h == NULL)
		return;
	free(h->addrs);
	free(h->cycle);
	free(h->name);
	free(h);
}

void
infra_put_deleg(struct infra *in, struct infra_deleg *d)
{
	ldns_rbnode_t	*old;

	if ((old = ldns_rbtree_delete(in->delegs, d->name)) != NULL)
		infra_deleg_free((struct infra_deleg *)old);
	if (ldns_rbtree_insert(in->delegs, &d->node) == NULL)
		fatalx("infra: delegation insert failed");
}

const struct infra_deleg *
infra_get_deleg(struct infra *in, const char *name, uint64_t now)
{
	struct infra_deleg	*d;

	d = (struct infra_deleg *)ldns_rbtree_search(in->delegs, name);
	if (d == NULL || d->expires_ms <= now)
		return NULL;
	return d;
}

const struct infra_deleg *
infra_closest_cut(struct infra *in, const char *name, uint64_t now)
{
	const struct infra_deleg	*d;
	const char			*n;

	for (n = name; n != NULL; n = infra_name_parent(n)) {
		d = infra_get_deleg(in, n, now);
		if (d != NULL && d->kind == INFRA_DELEG_CUT)
			return d;
	}
	return NULL;
}

void
infra_put_host(struct infra *in, struct infra_host *h)
{
	ldns_rbnode_t	*old;

	if ((old = ldns_rbtree_delete(in->hosts, h->name)) != NULL)
		infra_host_free((struct infra_host *)old);
	if (ldns_rbtree_insert(in->hosts, &h->node) == NULL)
		fatalx("infra: host insert failed");
}

const struct infra_host *
infra_get_host(struct infra *in, const char *name, uint64_t now)
{
	struct infra_host	*h;

	h = (struct infra_host *)ldns_rbtree_search(in->hosts, name);
	if (h == NULL || h->expires_ms <= now)
		return NULL;
	return h;
}

socklen_t
infra_rr_sockaddr(const ldns_rr *rr, struct sockaddr_storage *ss)
{
	const ldns_rdf		*rd = ldns_rr_rdf(rr, 0);
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (rd == NULL)
		return 0;
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A && ldns_rdf_size(rd) == 4) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		memcpy(&sin->sin_addr, ldns_rdf_data(rd), 4);
		return sizeof(*sin);
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rd) == 16) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		memcpy(&sin6->sin6_addr, ldns_rdf_data(rd), 16);
		return sizeof(*sin6);
	}
	return 0;
}

void
infra_set_root(struct infra *in, const ldns_rr_list *hints)
{
	struct infra_deleg	*d;
	struct infra_ns		*ns;
	struct sockaddr_storage	 ss;
	const ldns_rr		*rr, *arr;
	char			*owner, *target;
	size_t			 i, j;
	socklen_t		 len;

	d = infra_deleg_new(".", INFRA_DELEG_CUT, INFRA_FOREVER);
	for (i = 0; i < ldns_rr_list_rr_count(hints); i++) {
		rr = ldns_rr_list_rr(hints, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_rr_rdf(rr, 0) == NULL)
			continue;
		owner = infra_name(ldns_rr_owner(rr));
		if (strcmp(owner, ".") != 0) {
			free(owner);
			continue;
		}
		free(owner);
		target = infra_name(ldns_rr_rdf(rr, 0));
		ns = infra_deleg_add_ns(d, target);
		for (j = 0; j < ldns_rr_list_rr_count(hints); j++) {
			arr = ldns_rr_list_rr(hints, j);
			owner = infra_name(ldns_rr_owner(arr));
			if (strcmp(owner, target) == 0 &&
			    (len = infra_rr_sockaddr(arr, &ss)) > 0)
				infra_ns_add_addr(ns, (struct sockaddr *)&ss, len);
			free(owner);
		}
		free(target);
	}
	infra_put_deleg(in, d);
}

size_t
infra_expire(struct infra *in, uint64_t now)
{
	ldns_rbnode_t	*node, *next;
	size_t		 n = 0;

	for (node = ldns_rbtree_first(in->delegs); node != LDNS_RBTREE_NULL;
	    node = next) {
		next = ldns_rbtree_next(node);
		if (((struct infra_deleg *)node)->expires_ms <= now) {
			ldns_rbtree_delete(in->delegs, node->key);
			infra_deleg_free((struct infra_deleg *)node);
			n++;
		}
	}
	for (node = ldns_rbtree_first(in->hosts); node != LDNS_RBTREE_NULL;
	    node = next) {
		next = ldns_rbtree_next(node);
		if (((struct infra_host *)node)->expires_ms <= now) {
			ldns_rbtree_delete(in->hosts, node->key);
			infra_host_free((struct infra_host *)node);
			n++;
		}
	}
	in->expired += n;
	return n;
}

/* An entry to drop when over the cap: soonest to expire goes first. */
struct infra_victim {
	uint64_t	 expires_ms;
	ldns_rbnode_t	*node;
	bool		 host;
};

static int
infra_victim_cmp(const void *a, const void *b)
{
	const struct infra_victim	*x = a, *y = b;

	return x->expires_ms < y->expires_ms ? -1 : x->expires_ms > y->expires_ms;
}

size_t
infra_cap(struct infra *in, size_t max)
{
	struct infra_victim	*v;
	ldns_rbnode_t		*node;
	size_t			 n = 0, i, drop, total = infra_size(in);

	if (max == 0 || total <= max)
		return 0;
	v = xcalloc(total, sizeof(*v));
	for (node = ldns_rbtree_first(in->delegs); node != LDNS_RBTREE_NULL;
	    node = ldns_rbtree_next(node))
		if (((struct infra_deleg *)node)->expires_ms != INFRA_FOREVER) {
			v[n].expires_ms = ((struct infra_deleg *)node)->expires_ms;
			v[n++].node = node;
		}
	for (node = ldns_rbtree_first(in->hosts); node != LDNS_RBTREE_NULL;
	    node = ldns_rbtree_next(node)) {
		v[n].expires_ms = ((struct infra_host *)node)->expires_ms;
		v[n].host = true;
		v[n++].node = node;
	}
	qsort(v, n, sizeof(*v), infra_victim_cmp);
	/* Down to nine tenths, so the cap is not hit again at once. */
	drop = total - max + max / 10;
	for (i = 0; i < n && i < drop; i++) {
		if (v[i].host) {
			ldns_rbtree_delete(in->hosts, v[i].node->key);
			infra_host_free((struct infra_host *)v[i].node);
		} else {
			ldns_rbtree_delete(in->delegs, v[i].node->key);
			infra_deleg_free((struct infra_deleg *)v[i].node);
		}
	}
	free(v);
	in->evicted += i;
	return i;
}

void
infra_stats(const struct infra *in, uint64_t *expired, uint64_t *evicted)
{
	*expired = in->expired;
	*evicted = in->evicted;
}

size_t
infra_size(const struct infra *in)
{
	return in->delegs->count + in->hosts->count;
}

void
infra_addr_set_port(struct addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}
