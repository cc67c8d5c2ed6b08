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
	struct crypt_data		*cd;	/* 32 KiB: not on the stack */
};

void
auth_budget_init(struct auth_budget *b, uint64_t now)
{
	b->credit_us = (int64_t)AUTH_BUDGET_MAX_MS * 1000;
	b->last_ms = now;
}

bool
auth_budget_allows(struct auth_budget *b, uint64_t now)
{
	int64_t	max = (int64_t)AUTH_BUDGET_MAX_MS * 1000;
	uint64_t elapsed;

	if (now > b->last_ms) {
		elapsed = now - b->last_ms;
		/* A day idle refills it many times over: no overflow. */
		if (elapsed > (uint64_t)AUTH_BUDGET_MAX_MS * 1000)
			elapsed = (uint64_t)AUTH_BUDGET_MAX_MS * 1000;
		b->credit_us += (int64_t)elapsed * AUTH_BUDGET_RATE_MS;
		if (b->credit_us > max)
			b->credit_us = max;
		b->last_ms = now;
	}
	return b->credit_us > 0;
}

void
auth_budget_spend(struct auth_budget *b, uint64_t ms)
{
	if (ms > (uint64_t)AUTH_BUDGET_MAX_MS * 10)
		ms = (uint64_t)AUTH_BUDGET_MAX_MS * 10;
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

enum auth_result
auth_check(struct auth *a, const char *user, const char *pass)
{
	unsigned char	 mac[AUTH_MAC_LEN];
	const char	*hash, *out;
	uint64_t	 start, end;
	size_t		 i;
	bool		 ok;

	auth_mac(a, user, pass, mac);
	if (auth_cached(a, mac))
		return AUTH_OK;
	start = clock_mono_ms();
	if (!auth_budget_allows(&a->budget, start))
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
