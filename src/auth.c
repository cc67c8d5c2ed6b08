/* auth: HTTP basic auth against bcrypt hashes, with a cache of recent successes and a budget for hashing. */
#include "zhbuild.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "auth.h"
#include "clock.h"
#include "log.h"
#include "webconfig.h"
#include "xmalloc.h"

#define AUTH_MAC_LEN	32	/* HMAC-SHA256 */
#define AUTH_CACHE_SIZE	16	/* scrapers and people with the password */

struct auth {
	const struct webconfig_user	*users;
	size_t				 n;
	unsigned char			 key[AUTH_MAC_LEN];	/* this process's */
	unsigned char			 cache[AUTH_CACHE_SIZE][AUTH_MAC_LEN];
	size_t				 ncached;
	size_t				 next;		/* slot replaced next */
	struct auth_budget		 budget;
	struct auth_client {
		unsigned char		 key[AUTH_CLIENT_KEY_MAX];
		size_t			 len;
		uint64_t		 used_ms;
		struct auth_budget	 budget;
	}				 clients[AUTH_CLIENTS];
	size_t				 nclients;
	struct crypt_data		*cd;	/* 32 KiB: not on the stack */
};

void
auth_budget_init_rate(struct auth_budget *b, uint64_t now, uint64_t rate_ms,
    uint64_t max_ms)
{
	b->rate_ms = rate_ms;
	b->max_ms = max_ms;
	b->credit_us = (int64_t)max_ms * 1000;
	b->last_ms = now;
}

void
auth_budget_init(struct auth_budget *b, uint64_t now)
{
	auth_budget_init_rate(b, now, AUTH_BUDGET_RATE_MS, AUTH_BUDGET_MAX_MS);
}

bool
auth_budget_allows(struct auth_budget *b, uint64_t now)
{
	int64_t	max = (int64_t)b->max_ms * 1000;
	uint64_t elapsed;

	if (now > b->last_ms) {
		elapsed = now - b->last_ms;
		/* A day idle refills it many times over: no overflow. */
		if (elapsed > b->max_ms * 1000)
			elapsed = b->max_ms * 1000;
		b->credit_us += (int64_t)elapsed * (int64_t)b->rate_ms;
		if (b->credit_us > max)
			b->credit_us = max;
		b->last_ms = now;
	}
	return b->credit_us > 0;
}

void
auth_budget_spend(struct auth_budget *b, uint64_t ms)
{
	if (ms > b->max_ms * 10)
		ms = b->max_ms * 10;
	b->credit_us -= (int64_t)ms * 1000;
}

struct auth *
auth_new(const struct webconfig_user *users, size_t n)
{
	struct auth	*a;
	int		 rc;

	if (n == 0)
		fatalx("auth_new: no users");
	a = xcalloc(1, sizeof(*a));
	a->users = users;
	a->n = n;
	a->cd = xcalloc(1, sizeof(*a->cd));
	if ((rc = gnutls_rnd(GNUTLS_RND_KEY, a->key, sizeof(a->key))) < 0)
		fatalx("gnutls_rnd: %s", gnutls_strerror(rc));
	auth_budget_init(&a->budget, clock_mono_ms());
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	explicit_bzero(a->cd, sizeof(*a->cd));
	free(a->cd);
	explicit_bzero(a, sizeof(*a));
	free(a);
}

/* Equal bytes, in a time that does not depend on where they differ. */
static bool
auth_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	unsigned char	diff = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* HMAC(key, user NUL password): what the cache holds for a success. */
static void
auth_mac(const struct auth *a, const char *user, const char *pass,
    unsigned char *mac)
{
	size_t	ulen = strlen(user), plen = strlen(pass);
	char	*msg;
	int	 rc;

	msg = xmalloc(ulen + 1 + plen);
	memcpy(msg, user, ulen + 1);
	memcpy(msg + ulen + 1, pass, plen);
	rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, a->key, sizeof(a->key), msg,
	    ulen + 1 + plen, mac);
	explicit_bzero(msg, ulen + 1 + plen);
	free(msg);
	if (rc < 0)
		fatalx("gnutls_hmac_fast: %s", gnutls_strerror(rc));
}

/* Looks at every entry whatever matches first. */
static bool
auth_cached(const struct auth *a, const unsigned char *mac)
{
	bool	hit = false;
	size_t	i;

	for (i = 0; i < a->ncached; i++)
		hit |= auth_equal(a->cache[i], mac, AUTH_MAC_LEN);
	return hit;
}

static void
auth_remember(struct auth *a, const unsigned char *mac)
{
	memcpy(a->cache[a->next], mac, AUTH_MAC_LEN);
	a->next = (a->next + 1) % AUTH_CACHE_SIZE;
	if (a->ncached < AUTH_CACHE_SIZE)
		a->ncached++;
}

/* The client's budget: found, or a new one in place of the least recently
 * used (a flooder rotating addresses gets fresh shares, but the daemon's
 * budget still bounds them all). */
static struct auth_budget *
auth_client(struct auth *a, const void *key, size_t len, uint64_t now)
{
	struct auth_client	*c, *oldest = NULL;
	size_t			 i;

	if (len > AUTH_CLIENT_KEY_MAX)
		len = AUTH_CLIENT_KEY_MAX;
	for (i = 0; i < a->nclients; i++) {
		c = &a->clients[i];
		if (c->len == len && (len == 0 || memcmp(c->key, key, len) == 0)) {
			c->used_ms = now;
			return &c->budget;
		}
		if (oldest == NULL || c->used_ms < oldest->used_ms)
			oldest = c;
	}
	c = a->nclients < AUTH_CLIENTS ? &a->clients[a->nclients++] : oldest;
	memset(c, 0, sizeof(*c));
	if (len > 0)
		memcpy(c->key, key, len);
	c->len = len;
	c->used_ms = now;
	auth_budget_init_rate(&c->budget, now, AUTH_CLIENT_RATE_MS,
	    AUTH_CLIENT_MAX_MS);
	return &c->budget;
}

enum auth_result
auth_check(struct auth *a, const char *user, const char *pass, const void *client,
    size_t client_len)
{
	unsigned char		 mac[AUTH_MAC_LEN];
	struct auth_budget	*cb;
	const char		*hash, *out;
	uint64_t		 start, end;
	size_t			 i;
	bool			 ok;

	auth_mac(a, user, pass, mac);
	if (auth_cached(a, mac))
		return AUTH_OK;
	start = clock_mono_ms();
	/* The client's share first: a flooder is stopped there, and does
	 * not spend what other clients' checks need. */
	cb = auth_client(a, client, client != NULL ? client_len : 0, start);
	if (!auth_budget_allows(cb, start) || !auth_budget_allows(&a->budget, start))
		return AUTH_BUSY;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->users[i].name, user) == 0)
			break;
	/* An unknown user is hashed too, at a real user's cost, so that
	 * timing does not tell which names exist. */
	hash = a->users[i < a->n ? i : 0].hash;
	out = crypt_r(pass, hash, a->cd);
	end = clock_mono_ms();
	auth_budget_spend(&a->budget, end > start ? end - start : 1);
	auth_budget_spend(cb, end > start ? end - start : 1);
	/* libxcrypt fails with NULL or a "*0"-style token; neither matches. */
	ok = out != NULL && strlen(out) == strlen(hash) &&
	    auth_equal((const unsigned char *)out,
	    (const unsigned char *)hash, strlen(hash)) && i < a->n;
	/* It held the password and the hash of it. */
	explicit_bzero(a->cd, sizeof(*a->cd));
	if (!ok)
		return AUTH_DENIED;
	auth_remember(a, mac);
	return AUTH_OK;
}
