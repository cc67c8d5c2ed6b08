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

struct auth_budget {
	int64_t		credit_us;
	uint64_t	last_ms;
};

/* A full budget at now (monotonic milliseconds). */
void auth_budget_init(struct auth_budget *, uint64_t now);
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
enum auth_result auth_check(struct auth *, const char *user, const char *pass);

#endif
