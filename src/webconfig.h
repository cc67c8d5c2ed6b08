/* webconfig: the HTTP server's TLS and basic auth, from an exporter-toolkit web config file. */
#ifndef ZH_WEBCONFIG_H
#define ZH_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct cfgerr;

/* client_auth_type, with Go's crypto/tls meanings. */
enum webconfig_client_auth {
	WEBCONFIG_NO_CLIENT_CERT,		/* none asked for */
	WEBCONFIG_REQUEST_CLIENT_CERT,		/* asked for, not needed, not checked */
	WEBCONFIG_REQUIRE_ANY_CLIENT_CERT,	/* needed, not checked */
	WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN,	/* checked when sent */
	WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT, /* needed and checked */
};

enum webconfig_tls_version {
	WEBCONFIG_TLS12,
	WEBCONFIG_TLS13,
};

struct webconfig_user {
	char	*name;
	char	*hash;		/* bcrypt: $2a$, $2b$ or $2y$ */
};

/*
 * A loaded web config. The files it names are read at load time, so a
 * reload picks up renewed certificates; paths are as resolved (relative
 * ones are taken from the web config file's directory).
 */
struct webconfig {
	char				*path;
	bool				 tls;		/* tls_server_config given */
	char				*cert_file;
	char				*key_file;
	char				*client_ca_file;	/* NULL: none */
	char				*cert_pem;	/* the files' text, NUL-terminated */
	char				*key_pem;
	char				*client_ca_pem;
	enum webconfig_client_auth	 client_auth;
	enum webconfig_tls_version	 min_version;
	struct webconfig_user		*users;		/* basic_auth_users, in file order */
	size_t				 nusers;
};

/* Reads path and every file it names; checks that the certificates and key
 * load and match. NULL with each error ("FILE:LINE:COL: error: ...")
 * appended to errs. An empty file is a config with nothing in it. */
struct webconfig *webconfig_load(const char *path, struct cfgerr *errs);
/* The same from len bytes of text named name (tests and fuzzing); relative
 * paths are taken from name's directory. */
struct webconfig *webconfig_load_buffer(const char *name, const char *text,
    size_t len, struct cfgerr *errs);
void webconfig_free(struct webconfig *);

/* True when both would make the same TLS server (NULL is no TLS): a reload
 * that only changes users keeps the running one. */
bool webconfig_same_tls(const struct webconfig *, const struct webconfig *);
/* "RequireAndVerifyClientCert" and so on; "TLS12", "TLS13". */
const char *webconfig_client_auth_name(enum webconfig_client_auth);
const char *webconfig_tls_version_name(enum webconfig_tls_version);
/* What wc turns on, for the log and -t: "TLS (min_version TLS12,
 * client_auth_type NoClientCert), 2 basic auth users". NULL: none. */
void webconfig_describe(const struct webconfig *, char *out, size_t len);
/* True for a hash crypt_r can check: $2a$, $2b$ or $2y$, cost 04-31,
 * 53 characters of salt and digest. */
bool webconfig_is_bcrypt(const char *);

#endif
