/* auth: HTTP basic auth against bcrypt hashes, with a cache of recent successes and a budget for hashing. */
#ifndef ZH_AUTH_H
#define ZH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct webconfig_user;
struct auth;

enum auth_result {
	AUTH_OK,
	AUTH_DENIED,	/* unknown user or wrong password */
	AUTH_BUSY,	/* not checked: the hashing budget is spent */
};

/*
 * bcrypt costs tens to hundreds of milliseconds of the one thread that
 * also runs every DNS check, so hashing is budgeted: at most
 * AUTH_BUDGET_RATE_MS of it per second of wall clock, saved up to
 * AUTH_BUDGET_MAX_MS. Credit is kept in microseconds so that refilling
 * by the millisecond loses nothing.
 */
#define AUTH_BUDGET_RATE_MS	250
#define AUTH_BUDGET_MAX_MS	2000
/* Each client address has a share of its own, so that one flooding with
 * wrong passwords waits while others are checked (AUTH_CLIENTS most
 * recent addresses tracked). */
#define AUTH_CLIENT_RATE_MS	100
#define AUTH_CLIENT_MAX_MS	500
#define AUTH_CLIENTS		64
#define AUTH_CLIENT_KEY_MAX	16

struct auth_budget {
	int64_t		credit_us;
	uint64_t	last_ms;
	uint64_t	rate_ms;	/* refill per second of wall clock */
	uint64_t	max_ms;		/* saved up to */
};

/* A full budget at now (monotonic milliseconds): the whole daemon's
 * (AUTH_BUDGET_*), or a client's (auth_budget_init_rate, AUTH_CLIENT_*). */
void auth_budget_init(struct auth_budget *, uint64_t now);
void auth_budget_init_rate(struct auth_budget *, uint64_t now, uint64_t rate_ms,
    uint64_t max_ms);
/* Brings the credit up to now; true when some is left to hash with. */
bool auth_budget_allows(struct auth_budget *, uint64_t now);
/* Takes ms of hashing off the credit, which may go below zero. */
void auth_budget_spend(struct auth_budget *, uint64_t ms);

/* A checker for n >= 1 users; it borrows them (they must outlive it). */
struct auth *auth_new(const struct webconfig_user *users, size_t n);
void auth_free(struct auth *);
/*
 * Checks a user name and password. An unknown user costs the same
 * hashing as a known one, the comparison takes the same time wherever
 * it differs, and a success is remembered (as a keyed MAC, not the
 * password) so that a scraper's every request does not hash again.
 */
/* client (len bytes, e.g. the address, an IPv6 /64) picks the client's
 * budget; NULL: one anonymous client. */
enum auth_result auth_check(struct auth *, const char *user, const char *pass,
    const void *client, size_t client_len);

#endif
