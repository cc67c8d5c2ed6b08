/* webconfig: the HTTP server's TLS and basic auth, from an exporter-toolkit web config file. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <yaml.h>

#include "cfgerr.h"
#include "log.h"
#include "file.h"
#include "webconfig.h"
#include "xmalloc.h"

/* Certificates, keys and CA bundles are small; this only stops a path
 * such as /dev/zero from eating memory. */
#define WEBCONFIG_FILE_MAX	(1024 * 1024)

/* Where each value is going while one file is walked. */
struct webconfig_load {
	const char		*file;
	const char		*dir;	/* relative paths start here; NULL: cwd */
	FILE			*fp;
	struct cfgerr	*errs;
	yaml_document_t		 doc;
	struct webconfig	*wc;
};

/* A key of a mapping: what is done with its value. */
struct webconfig_key {
	const char	*name;
	void		(*set)(struct webconfig_load *, const char *key,
			    yaml_node_t *, void *arg);
};

/* Keys of the exporter-toolkit format this server does not implement:
 * refused by name, since ignoring e.g. client_allowed_sans would quietly
 * let in clients the operator meant to keep out. */
static const char *const webconfig_unsupported[] = {
	"http_server_config",
	"cert", "key", "client_allowed_sans", "max_version", "cipher_suites",
	"prefer_server_cipher_suites", "curve_preferences",
};

static const char *const webconfig_client_auth_names[] = {
	[WEBCONFIG_NO_CLIENT_CERT] = "NoClientCert",
	[WEBCONFIG_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEBCONFIG_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT] =
	    "RequireAndVerifyClientCert",
};

static const char *const webconfig_tls_version_names[] = {
	[WEBCONFIG_TLS12] = "TLS12",
	[WEBCONFIG_TLS13] = "TLS13",
};

#define WEBCONFIG_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Where the TLS section's values were, for errors found after the walk. */
struct webconfig_tls_marks {
	yaml_node_t	*map;
	yaml_node_t	*cert_file;
	yaml_node_t	*key_file;
	yaml_node_t	*client_ca_file;
	yaml_node_t	*client_auth_type;
};

static void webconfig_error(struct webconfig_load *, const yaml_node_t *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

/* An error at a node; libyaml counts from 0, people from 1. */
static void
webconfig_error(struct webconfig_load *l, const yaml_node_t *node,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cfgerr_vat(l->errs, l->file, node, fmt, ap);
	va_end(ap);
}

const char *
webconfig_client_auth_name(enum webconfig_client_auth a)
{
	return webconfig_client_auth_names[a];
}

const char *
webconfig_tls_version_name(enum webconfig_tls_version v)
{
	return webconfig_tls_version_names[v];
}

bool
webconfig_is_bcrypt(const char *s)
{
	static const char	b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	int			cost;

	/* "$2b$" "12" "$" then 22 characters of salt and 31 of digest. */
	if (strlen(s) != 60 || s[0] != '$' || s[1] != '2' ||
	    (s[2] != 'a' && s[2] != 'b' && s[2] != 'y') || s[3] != '$' ||
	    s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' ||
	    s[6] != '$')
		return false;
	cost = (s[4] - '0') * 10 + (s[5] - '0');
	if (cost < 4 || cost > 31)
		return false;
	return strspn(s + 7, b64) == 53;
}

static const char *
webconfig_scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* A scalar with something in it, or an error naming key and what was wanted. */
static const char *
webconfig_want_scalar(struct webconfig_load *l, const char *key,
    yaml_node_t *node, const char *expected)
{
	if (node->type == YAML_SCALAR_NODE && !cfgerr_yaml_null(node))
		return webconfig_scalar(node);
	webconfig_error(l, node, "\"%s\": expected %s, got %s", key, expected,
	    cfgerr_yaml_kind(node));
	return NULL;
}

/* "a, b or c" */
static char *
webconfig_list_names(const char *const *names, size_t n)
{
	char	*out = xstrdup(""), *next;
	size_t	 i;

	for (i = 0; i < n; i++) {
		next = xasprintf("%s%s%s", out,
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
		free(out);
		out = next;
	}
	return out;
}

/* One of names, by index; -1 with an error listing them. */
static int
webconfig_want_name(struct webconfig_load *l, const char *key,
    yaml_node_t *node, const char *const *names, size_t n)
{
	const char	*s;
	char		*all;
	size_t		 i;

	all = webconfig_list_names(names, n);
	if ((s = webconfig_want_scalar(l, key, node, all)) == NULL) {
		free(all);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			free(all);
			return (int)i;
		}
	webconfig_error(l, node, "\"%s\": \"%s\" is not %s", key, s, all);
	free(all);
	return -1;
}

/* The earlier key of map equal to pair's, or NULL. */
static yaml_node_t *
webconfig_earlier_key(struct webconfig_load *l, yaml_node_t *map,
    yaml_node_pair_t *pair)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*key, *k;

	key = yaml_document_get_node(&l->doc, pair->key);
	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		k = yaml_document_get_node(&l->doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp(webconfig_scalar(k), webconfig_scalar(key)) == 0)
			return k;
	}
	return NULL;
}

/*
 * Every key of map against table; values go to their setter with arg.
 * Duplicate, unknown and unsupported keys are errors; nothing here
 * knows a key by name.
 */
static void
webconfig_walk(struct webconfig_load *l, yaml_node_t *map,
    const struct webconfig_key *table, size_t n, void *arg)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*key, *value, *first;
	const char		*name, *names[8];
	char			*all;
	size_t			 i;

	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(&l->doc, pair->key);
		value = yaml_document_get_node(&l->doc, pair->value);
		if (key == NULL || value == NULL)
			continue;
		if (key->type != YAML_SCALAR_NODE) {
			webconfig_error(l, key, "expected a key name, got %s",
			    cfgerr_yaml_kind(key));
			continue;
		}
		name = webconfig_scalar(key);
		if ((first = webconfig_earlier_key(l, map, pair)) != NULL) {
			webconfig_error(l, key, "duplicate key \"%s\" (first "
			    "at line %lu)", name,
			    (unsigned long)first->start_mark.line + 1);
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(table[i].name, name) == 0)
				break;
		if (i < n) {
			table[i].set(l, name, value, arg);
			continue;
		}
		for (i = 0; i < WEBCONFIG_NITEMS(webconfig_unsupported); i++)
			if (strcmp(webconfig_unsupported[i], name) == 0)
				break;
		if (i < WEBCONFIG_NITEMS(webconfig_unsupported)) {
			webconfig_error(l, key, "\"%s\" is not supported by "
			    "zonehealthd; remove it", name);
			continue;
		}
		for (i = 0; i < n && i < WEBCONFIG_NITEMS(names); i++)
			names[i] = table[i].name;
		all = webconfig_list_names(names, i);
		webconfig_error(l, key, "unknown key \"%s\" (expected %s)",
		    name, all);
		free(all);
	}
}

/* A path as written, or from the web config's directory when relative. */
static char *
webconfig_resolve(const struct webconfig_load *l, const char *path)
{
	if (path[0] == '/' || l->dir == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", l->dir, path);
}

/* The whole of a small file, NUL-terminated; NULL with *why (static or
 * strerror) when it cannot be read. */
static char *
webconfig_read_file(const char *path, const char **why)
{
	return file_read(path, WEBCONFIG_FILE_MAX, NULL, why);
}

static void
webconfig_set_path(struct webconfig_load *l, const char *key,
    yaml_node_t *node, char **field, yaml_node_t **mark)
{
	const char	*s;

	/* Given, even if wrongly: not "missing" too. */
	*mark = node;
	if ((s = webconfig_want_scalar(l, key, node, "a path")) == NULL)
		return;
	*field = webconfig_resolve(l, s);
}

static void
webconfig_set_cert_file(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig_tls_marks	*m = arg;

	webconfig_set_path(l, key, node, &l->wc->cert_file, &m->cert_file);
}

static void
webconfig_set_key_file(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig_tls_marks	*m = arg;

	webconfig_set_path(l, key, node, &l->wc->key_file, &m->key_file);
}

static void
webconfig_set_client_ca_file(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig_tls_marks	*m = arg;

	webconfig_set_path(l, key, node, &l->wc->client_ca_file,
	    &m->client_ca_file);
}

static void
webconfig_set_client_auth(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig_tls_marks	*m = arg;
	int				 i;

	m->client_auth_type = node;
	if ((i = webconfig_want_name(l, key, node, webconfig_client_auth_names,
	    WEBCONFIG_NITEMS(webconfig_client_auth_names))) == -1)
		return;
	l->wc->client_auth = (enum webconfig_client_auth)i;
}

static void
webconfig_set_min_version(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	const char	*s;
	int		 i;

	/* Older versions exist in the format; this server never speaks them. */
	if (node->type == YAML_SCALAR_NODE && !cfgerr_yaml_null(node)) {
		s = webconfig_scalar(node);
		if (strcmp(s, "TLS10") == 0 || strcmp(s, "TLS11") == 0) {
			webconfig_error(l, node, "\"%s\": %s is not supported; "
			    "the oldest version served is TLS12", key, s);
			return;
		}
	}
	if ((i = webconfig_want_name(l, key, node, webconfig_tls_version_names,
	    WEBCONFIG_NITEMS(webconfig_tls_version_names))) == -1)
		return;
	l->wc->min_version = (enum webconfig_tls_version)i;
}

static const struct webconfig_key webconfig_tls_keys[] = {
	{ "cert_file", webconfig_set_cert_file },
	{ "key_file", webconfig_set_key_file },
	{ "client_auth_type", webconfig_set_client_auth },
	{ "client_ca_file", webconfig_set_client_ca_file },
	{ "min_version", webconfig_set_min_version },
};

/* Reads a file the TLS section names into *pem; an error at its value. */
static void
webconfig_read_pem(struct webconfig_load *l, const char *key,
    yaml_node_t *node, const char *path, char **pem)
{
	const char	*why;

	if ((*pem = webconfig_read_file(path, &why)) == NULL)
		webconfig_error(l, node, "\"%s\": cannot read \"%s\": %s", key,
		    path, why);
}

/*
 * What the TLS library will say at the first handshake, said now with
 * the file's position: the certificate chain parses, the key parses and
 * is the certificate's, the CA file has certificates.
 */
static void
webconfig_check_tls(struct webconfig_load *l, struct webconfig_tls_marks *m)
{
	struct webconfig			*wc = l->wc;
	gnutls_certificate_credentials_t	 cred;
	gnutls_x509_crt_t			*crts;
	gnutls_datum_t				 cert, key, ca;
	unsigned				 ncrts = 0, i;
	int					 rc;

	cert.data = (unsigned char *)wc->cert_pem;
	cert.size = (unsigned)strlen(wc->cert_pem);
	key.data = (unsigned char *)wc->key_pem;
	key.size = (unsigned)strlen(wc->key_pem);
	rc = gnutls_x509_crt_list_import2(&crts, &ncrts, &cert,
	    GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		webconfig_error(l, m->cert_file, "\"cert_file\": \"%s\" has no "
		    "usable PEM certificate: %s", wc->cert_file,
		    gnutls_strerror(rc));
		return;
	}
	for (i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);

	if ((rc = gnutls_certificate_allocate_credentials(&cred)) < 0)
		fatalx("gnutls: %s", gnutls_strerror(rc));
	rc = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key,
	    GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		webconfig_error(l, m->key_file, "\"key_file\": \"%s\" is not "
		    "the key of the certificate in cert_file", wc->key_file);
	else if (rc < 0)
		webconfig_error(l, m->key_file, "\"key_file\": \"%s\" has no "
		    "usable unencrypted PEM private key: %s", wc->key_file,
		    gnutls_strerror(rc));
	if (wc->client_ca_pem != NULL) {
		ca.data = (unsigned char *)wc->client_ca_pem;
		ca.size = (unsigned)strlen(wc->client_ca_pem);
		rc = gnutls_certificate_set_x509_trust_mem(cred, &ca,
		    GNUTLS_X509_FMT_PEM);
		if (rc <= 0)
			webconfig_error(l, m->client_ca_file, "\"client_ca_file\": "
			    "\"%s\" has no usable PEM certificate%s%s",
			    wc->client_ca_file, rc < 0 ? ": " : "",
			    rc < 0 ? gnutls_strerror(rc) : "");
	}
	gnutls_certificate_free_credentials(cred);
}

static void
webconfig_set_tls(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig		*wc = l->wc;
	struct webconfig_tls_marks	 m;
	size_t				 before = l->errs->n;
	bool				 verify;

	/* A section with everything commented out is no section. */
	if (cfgerr_yaml_null(node))
		return;
	if (node->type != YAML_MAPPING_NODE) {
		webconfig_error(l, node, "\"%s\": expected a mapping, got %s",
		    key, cfgerr_yaml_kind(node));
		return;
	}
	memset(&m, 0, sizeof(m));
	m.map = node;
	wc->tls = true;
	webconfig_walk(l, node, webconfig_tls_keys,
	    WEBCONFIG_NITEMS(webconfig_tls_keys), &m);
	if (m.cert_file == NULL)
		webconfig_error(l, node, "\"%s\": missing required key "
		    "\"cert_file\"", key);
	if (m.key_file == NULL)
		webconfig_error(l, node, "\"%s\": missing required key "
		    "\"key_file\"", key);
	verify = wc->client_auth == WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN ||
	    wc->client_auth == WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT;
	if (verify && m.client_ca_file == NULL)
		webconfig_error(l, m.client_auth_type, "\"client_auth_type\": "
		    "%s needs client_ca_file, the CAs that client certificates "
		    "are checked against", webconfig_client_auth_name(
		    wc->client_auth));
	/* A CA that nothing checks against would look like protection. */
	if (!verify && m.client_ca_file != NULL)
		webconfig_error(l, m.client_ca_file, "\"client_ca_file\": "
		    "client certificates are checked only with "
		    "client_auth_type VerifyClientCertIfGiven or "
		    "RequireAndVerifyClientCert (it is %s)",
		    webconfig_client_auth_name(wc->client_auth));
	if (l->errs->n != before)
		return;
	webconfig_read_pem(l, "cert_file", m.cert_file, wc->cert_file,
	    &wc->cert_pem);
	webconfig_read_pem(l, "key_file", m.key_file, wc->key_file,
	    &wc->key_pem);
	if (wc->client_ca_file != NULL)
		webconfig_read_pem(l, "client_ca_file", m.client_ca_file,
		    wc->client_ca_file, &wc->client_ca_pem);
	if (l->errs->n == before)
		webconfig_check_tls(l, &m);
}

static void
webconfig_set_users(struct webconfig_load *l, const char *key,
    yaml_node_t *node, void *arg)
{
	struct webconfig	*wc = l->wc;
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v, *first;
	const char		*user, *hash;
	size_t			 max;

	if (cfgerr_yaml_null(node))
		return;
	if (node->type != YAML_MAPPING_NODE) {
		webconfig_error(l, node, "\"%s\": expected a mapping of user "
		    "names to bcrypt hashes, got %s", key,
		    cfgerr_yaml_kind(node));
		return;
	}
	max = (size_t)(node->data.mapping.pairs.top -
	    node->data.mapping.pairs.start);
	wc->users = xreallocarray(wc->users, max, sizeof(*wc->users));
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&l->doc, pair->key);
		v = yaml_document_get_node(&l->doc, pair->value);
		if (k == NULL || v == NULL)
			continue;
		if ((user = webconfig_want_scalar(l, key, k,
		    "a user name")) == NULL)
			continue;
		if ((first = webconfig_earlier_key(l, node, pair)) != NULL) {
			webconfig_error(l, k, "\"%s\": duplicate user \"%s\" "
			    "(first at line %lu)", key, user,
			    (unsigned long)first->start_mark.line + 1);
			continue;
		}
		/* Basic auth sends "user:password": such a user never logs in. */
		if (*user == '\0' || strchr(user, ':') != NULL) {
			webconfig_error(l, k, "\"%s\": user name \"%s\" is "
			    "empty or has a colon", key, user);
			continue;
		}
		if ((hash = webconfig_want_scalar(l, user, v,
		    "a bcrypt hash")) == NULL)
			continue;
		if (!webconfig_is_bcrypt(hash)) {
			webconfig_error(l, v, "\"%s\": not a bcrypt hash "
			    "($2a$, $2b$ or $2y$, cost 04 to 31, 60 characters)",
			    user);
			continue;
		}
		wc->users[wc->nusers].name = xstrdup(user);
		wc->users[wc->nusers].hash = xstrdup(hash);
		wc->nusers++;
	}
}

static const struct webconfig_key webconfig_top_keys[] = {
	{ "tls_server_config", webconfig_set_tls },
	{ "basic_auth_users", webconfig_set_users },
};

/* Walks the one document the file may hold. */
static void
webconfig_parse(struct webconfig_load *l, yaml_parser_t *parser)
{
	yaml_document_t	 next;
	yaml_node_t	*root;

	if (!yaml_parser_load(parser, &l->doc)) {
		cfgerr_add_yaml(l->errs, l->file, l->fp, parser);
		return;
	}
	root = yaml_document_get_root_node(&l->doc);
	/* Nothing (or only comments): plain HTTP, no auth. */
	if (root != NULL && !cfgerr_yaml_null(root)) {
		if (root->type != YAML_MAPPING_NODE)
			webconfig_error(l, root, "expected a mapping of keys at "
			    "the top level, got %s", cfgerr_yaml_kind(root));
		else
			webconfig_walk(l, root, webconfig_top_keys,
			    WEBCONFIG_NITEMS(webconfig_top_keys), NULL);
	}
	yaml_document_delete(&l->doc);
	if (root == NULL)
		return;

	if (!yaml_parser_load(parser, &next)) {
		cfgerr_add_yaml(l->errs, l->file, l->fp, parser);
		return;
	}
	if (yaml_document_get_root_node(&next) != NULL)
		cfgerr_add(l->errs, l->file,
		    (unsigned long)next.start_mark.line + 1,
		    (unsigned long)next.start_mark.column + 1,
		    "more than one YAML document (a web config is one mapping)");
	yaml_document_delete(&next);
}

/* Parses fp (closed here), named name in messages. */
static struct webconfig *
webconfig_load_fp(const char *name, FILE *fp, struct cfgerr *errs)
{
	struct webconfig_load	 l;
	struct webconfig	*wc;
	yaml_parser_t		 parser;
	const char		*slash;
	char			*dir = NULL;
	size_t			 before = errs->n;

	wc = xcalloc(1, sizeof(*wc));
	wc->path = xstrdup(name);
	wc->client_auth = WEBCONFIG_NO_CLIENT_CERT;
	wc->min_version = WEBCONFIG_TLS12;
	if ((slash = strrchr(name, '/')) != NULL)
		dir = slash == name ? xstrdup("/") :
		    xstrndup(name, (size_t)(slash - name));
	memset(&l, 0, sizeof(l));
	l.file = name;
	l.dir = dir;
	l.fp = fp;
	l.errs = errs;
	l.wc = wc;
	if (!yaml_parser_initialize(&parser))
		fatalx("%s: out of memory starting the YAML parser", name);
	yaml_parser_set_input_file(&parser, fp);
	webconfig_parse(&l, &parser);
	yaml_parser_delete(&parser);
	fclose(fp);
	free(dir);
	if (errs->n != before) {
		webconfig_free(wc);
		return NULL;
	}
	return wc;
}

struct webconfig *
webconfig_load(const char *path, struct cfgerr *errs)
{
	struct webconfig	*wc;
	const char		*why;
	char			*text;
	size_t			 len;
	FILE			*fp;

	/* Whole and checked first: never a device or a FIFO (a reload
	 * would hang on it). */
	if ((text = file_read(path, WEBCONFIG_FILE_MAX, &len, &why)) == NULL) {
		cfgerr_add(errs, path, 1, 1, "cannot read file: %s", why);
		return NULL;
	}
	if ((fp = fmemopen(text, len, "r")) == NULL) {
		cfgerr_add(errs, path, 1, 1, "cannot read file: %s",
		    strerror(errno));
		free(text);
		return NULL;
	}
	wc = webconfig_load_fp(path, fp, errs);
	free(text);
	return wc;
}

struct webconfig *
webconfig_load_buffer(const char *name, const char *text, size_t len,
    struct cfgerr *errs)
{
	FILE	*fp;

	if ((fp = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL) {
		cfgerr_add(errs, name, 1, 1, "cannot read: %s",
		    strerror(errno));
		return NULL;
	}
	return webconfig_load_fp(name, fp, errs);
}

static bool
webconfig_same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
webconfig_same_tls(const struct webconfig *a, const struct webconfig *b)
{
	bool	atls = a != NULL && a->tls, btls = b != NULL && b->tls;

	if (!atls || !btls)
		return atls == btls;
	return a->client_auth == b->client_auth &&
	    a->min_version == b->min_version &&
	    webconfig_same_text(a->cert_pem, b->cert_pem) &&
	    webconfig_same_text(a->key_pem, b->key_pem) &&
	    webconfig_same_text(a->client_ca_pem, b->client_ca_pem);
}

void
webconfig_describe(const struct webconfig *wc, char *out, size_t len)
{
	char	tls[128];
	size_t	n = wc != NULL ? wc->nusers : 0;

	if (wc != NULL && wc->tls)
		snprintf(tls, sizeof(tls), "TLS (min_version %s, "
		    "client_auth_type %s)",
		    webconfig_tls_version_name(wc->min_version),
		    webconfig_client_auth_name(wc->client_auth));
	else
		snprintf(tls, sizeof(tls), "plain HTTP");
	if (n == 0)
		snprintf(out, len, "%s, no basic auth", tls);
	else
		snprintf(out, len, "%s, %zu basic auth user%s", tls, n,
		    n == 1 ? "" : "s");
}

void
webconfig_free(struct webconfig *wc)
{
	size_t	i;

	if (wc == NULL)
		return;
	free(wc->path);
	free(wc->cert_file);
	free(wc->key_file);
	free(wc->client_ca_file);
	free(wc->cert_pem);
	if (wc->key_pem != NULL) {
		explicit_bzero(wc->key_pem, strlen(wc->key_pem));
		free(wc->key_pem);
	}
	free(wc->client_ca_pem);
	for (i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		free(wc->users[i].hash);
	}
	free(wc->users);
	free(wc);
}
