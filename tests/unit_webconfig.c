/* unit_webconfig: the exporter-toolkit web config parser, its errors, and the basic auth check. */
#include "zhbuild.h"

#include <check.h>
#include <crypt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "auth.h"
#include "config.h"
#include "webconfig.h"
#include "xmalloc.h"
#include "tmpdir.h"
#include "unit_main.h"

/* Made once per test case in the parent; every forked test reads them. */
static char	tmpdir[256];
static char	hash_alice[128];	/* bcrypt of "s3cret", cost 4 */
static char	hash_bob[128];		/* bcrypt of "hunter2", cost 4 */

static void
write_file(const char *name, const void *data, size_t len)
{
	free(tmpdir_write(tmpdir, name, data, len));
}

/* A self-signed ECDSA certificate and its key, as PEM files in tmpdir. */
static void
make_cert(const char *cert_name, const char *key_name, const char *cn)
{
	gnutls_x509_privkey_t	key;
	gnutls_x509_crt_t	crt;
	gnutls_datum_t		out;
	time_t			now = time(NULL);

	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, "\x01", 1) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 60) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 3600) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, (unsigned)strlen(cn)) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 1, -1) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0) {
		fprintf(stderr, "cannot make a test certificate\n");
		exit(EXIT_FAILURE);
	}
	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) < 0)
		exit(EXIT_FAILURE);
	write_file(cert_name, out.data, out.size);
	gnutls_free(out.data);
	if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out) < 0)
		exit(EXIT_FAILURE);
	write_file(key_name, out.data, out.size);
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

/* A bcrypt hash of pw at the lowest cost, as htpasswd -B -C 4 makes. */
static void
make_hash(const char *pw, char *out, size_t len)
{
	struct crypt_data	*cd = xcalloc(1, sizeof(*cd));
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;

	if (crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof(salt)) == NULL ||
	    (h = crypt_r(pw, salt, cd)) == NULL || *h == '*') {
		fprintf(stderr, "libcrypt cannot make bcrypt hashes\n");
		exit(EXIT_FAILURE);
	}
	snprintf(out, len, "%s", h);
	free(cd);
}

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "unit_webconfig");
	make_cert("server.pem", "server.key", "127.0.0.1");
	make_cert("ca.pem", "ca.key", "zonehealth test CA");
	write_file("notpem.txt", "hello\n", 6);
	write_file("empty.pem", "", 0);
	make_hash("s3cret", hash_alice, sizeof(hash_alice));
	make_hash("hunter2", hash_bob, sizeof(hash_bob));
}

static void
teardown(void)
{
	tmpdir_remove(tmpdir);
}

/* Loads text named "web.yml"; it must be good. */
static struct webconfig *
load_good(const char *text)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct webconfig	*wc;
	size_t			 i;

	wc = webconfig_load_buffer("web.yml", text, strlen(text), &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "unexpected: %s\n", errs.msgs[i]);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(wc);
	cfgerr_clear(&errs);
	return wc;
}

/* errs must hold exactly the n messages of want, in order. */
static void
check_messages(const struct cfgerr *errs, const char *const *want,
    size_t n)
{
	size_t	i;

	if (errs->n != n)
		for (i = 0; i < errs->n; i++)
			fprintf(stderr, "got: %s\n", errs->msgs[i]);
	ck_assert_uint_eq(errs->n, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(errs->msgs[i], want[i]);
}

/* text named "web.yml" must fail with exactly these errors. */
static void
expect_errors(const char *text, const char *const *want, size_t n)
{
	struct cfgerr	 errs = { NULL, 0 };

	ck_assert_ptr_null(webconfig_load_buffer("web.yml", text, strlen(text),
	    &errs));
	check_messages(&errs, want, n);
	cfgerr_clear(&errs);
}

static void
expect_error(const char *text, const char *want)
{
	expect_errors(text, &want, 1);
}

/* The TLS section every test with good files starts from. */
static char *
tls_yaml(const char *more)
{
	return xasprintf("tls_server_config:\n"
	    "  cert_file: %s/server.pem\n"
	    "  key_file: %s/server.key\n%s", tmpdir, tmpdir, more);
}

START_TEST(test_empty)
{
	struct webconfig	*wc;
	const char		*texts[] = { "", "# nothing here\n\n", "---\n",
	    "tls_server_config:\nbasic_auth_users: ~\n" };
	size_t			 i;
	char			 desc[256];

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		wc = load_good(texts[i]);
		ck_assert(!wc->tls);
		ck_assert_uint_eq(wc->nusers, 0);
		ck_assert_str_eq(wc->path, "web.yml");
		webconfig_describe(wc, desc, sizeof(desc));
		ck_assert_str_eq(desc, "plain HTTP, no basic auth");
		webconfig_free(wc);
	}
}
END_TEST

START_TEST(test_full)
{
	struct webconfig	*wc;
	char			*text, *path, desc[256];

	text = xasprintf("# every key\n"
	    "tls_server_config:\n"
	    "  cert_file: %s/server.pem\n"
	    "  key_file: %s/server.key\n"
	    "  client_auth_type: RequireAndVerifyClientCert\n"
	    "  client_ca_file: %s/ca.pem\n"
	    "  min_version: TLS13\n"
	    "basic_auth_users:\n"
	    "  alice: %s\n"
	    "  \"bob\": '%s'\n", tmpdir, tmpdir, tmpdir, hash_alice, hash_bob);
	wc = load_good(text);
	ck_assert(wc->tls);
	path = xasprintf("%s/server.pem", tmpdir);
	ck_assert_str_eq(wc->cert_file, path);
	free(path);
	ck_assert_ptr_nonnull(strstr(wc->cert_pem, "BEGIN CERTIFICATE"));
	ck_assert_ptr_nonnull(strstr(wc->key_pem, "PRIVATE KEY"));
	ck_assert_ptr_nonnull(strstr(wc->client_ca_pem, "BEGIN CERTIFICATE"));
	ck_assert_int_eq(wc->client_auth,
	    WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT);
	ck_assert_int_eq(wc->min_version, WEBCONFIG_TLS13);
	ck_assert_uint_eq(wc->nusers, 2);
	ck_assert_str_eq(wc->users[0].name, "alice");
	ck_assert_str_eq(wc->users[0].hash, hash_alice);
	ck_assert_str_eq(wc->users[1].name, "bob");
	ck_assert_str_eq(wc->users[1].hash, hash_bob);
	webconfig_describe(wc, desc, sizeof(desc));
	ck_assert_str_eq(desc, "TLS (min_version TLS13, client_auth_type "
	    "RequireAndVerifyClientCert), 2 basic auth users");
	webconfig_free(wc);
	free(text);
}
END_TEST

START_TEST(test_defaults)
{
	struct webconfig	*wc;
	char			*text;

	text = tls_yaml("");
	wc = load_good(text);
	ck_assert(wc->tls);
	ck_assert_int_eq(wc->client_auth, WEBCONFIG_NO_CLIENT_CERT);
	ck_assert_int_eq(wc->min_version, WEBCONFIG_TLS12);
	ck_assert_ptr_null(wc->client_ca_file);
	ck_assert_ptr_null(wc->client_ca_pem);
	ck_assert_uint_eq(wc->nusers, 0);
	webconfig_free(wc);
	free(text);
}
END_TEST

/* Each client_auth_type, with the CA file the verifying ones need. */
START_TEST(test_client_auth_types)
{
	static const struct {
		const char			*name;
		enum webconfig_client_auth	 want;
		bool				 ca;
	} cases[] = {
		{ "NoClientCert", WEBCONFIG_NO_CLIENT_CERT, false },
		{ "RequestClientCert", WEBCONFIG_REQUEST_CLIENT_CERT, false },
		{ "RequireAnyClientCert", WEBCONFIG_REQUIRE_ANY_CLIENT_CERT,
		  false },
		{ "VerifyClientCertIfGiven",
		  WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN, true },
		{ "RequireAndVerifyClientCert",
		  WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT, true },
	};
	struct webconfig	*wc;
	char			*more, *text;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		more = cases[i].ca ?
		    xasprintf("  client_auth_type: %s\n  client_ca_file: "
		    "%s/ca.pem\n", cases[i].name, tmpdir) :
		    xasprintf("  client_auth_type: %s\n", cases[i].name);
		text = tls_yaml(more);
		wc = load_good(text);
		ck_assert_int_eq(wc->client_auth, cases[i].want);
		ck_assert_str_eq(webconfig_client_auth_name(wc->client_auth),
		    cases[i].name);
		webconfig_free(wc);
		free(text);
		free(more);
	}
}
END_TEST

/* Relative paths start from the web config's directory, not the cwd. */
START_TEST(test_relative_paths)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct webconfig	*wc;
	const char		*text = "tls_server_config:\n"
	    "  cert_file: server.pem\n"
	    "  key_file: ./server.key\n";
	char			*path, *want;

	write_file("web.yml", text, strlen(text));
	path = xasprintf("%s/web.yml", tmpdir);
	ck_assert_int_eq(chdir("/"), 0);
	wc = webconfig_load(path, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(wc);
	want = xasprintf("%s/server.pem", tmpdir);
	ck_assert_str_eq(wc->cert_file, want);
	free(want);
	want = xasprintf("%s/./server.key", tmpdir);
	ck_assert_str_eq(wc->key_file, want);
	free(want);
	ck_assert_str_eq(wc->path, path);
	webconfig_free(wc);
	free(path);
}
END_TEST

/* The stand-in of unit_config's config_full.yaml is a good web config. */
START_TEST(test_data_file)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct webconfig	*wc;
	const char		*top = getenv("top_srcdir");
	char			*path;

	path = xasprintf("%s/tests/data/config_web.yml",
	    top != NULL && *top != '\0' ? top : ".");
	wc = webconfig_load(path, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(wc);
	ck_assert(!wc->tls);
	webconfig_free(wc);
	free(path);
}
END_TEST

START_TEST(test_error_unknown_keys)
{
	const char *const	typo[] = {
		"web.yml:2:3: error: unknown key \"cert_fle\" (expected "
		    "cert_file, key_file, client_auth_type, client_ca_file or "
		    "min_version)",
		"web.yml:2:3: error: \"tls_server_config\": missing required "
		    "key \"cert_file\"",
	};

	expect_error("tls_config:\n  cert_file: x\n",
	    "web.yml:1:1: error: unknown key \"tls_config\" (expected "
	    "tls_server_config or basic_auth_users)");
	expect_errors("tls_server_config:\n  cert_fle: x\n  key_file: y\n",
	    typo, 2);
}
END_TEST

/* Keys of the format that are not implemented: refused by name. */
START_TEST(test_error_unsupported_keys)
{
	const char *const	want[] = {
		"web.yml:1:1: error: \"http_server_config\" is not supported "
		    "by zonehealthd; remove it",
		"web.yml:5:3: error: \"cipher_suites\" is not supported by "
		    "zonehealthd; remove it",
		"web.yml:6:3: error: \"client_allowed_sans\" is not supported "
		    "by zonehealthd; remove it",
	};

	expect_errors("http_server_config:\n  http2: false\n"
	    "tls_server_config:\n"
	    "  cert_file: /nonexistent/c\n"
	    "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n"
	    "  client_allowed_sans: [prometheus]\n"
	    "  key_file: /nonexistent/k\n", want, 3);
}
END_TEST

START_TEST(test_error_types)
{
	expect_error("- tls_server_config\n",
	    "web.yml:1:1: error: expected a mapping of keys at the top level, "
	    "got a sequence");
	expect_error("tls_server_config: [a, b]\n",
	    "web.yml:1:20: error: \"tls_server_config\": expected a mapping, "
	    "got a sequence");
	expect_error("tls_server_config: yes\n",
	    "web.yml:1:20: error: \"tls_server_config\": expected a mapping, "
	    "got a scalar");
	expect_error("tls_server_config:\n  cert_file: {a: b}\n"
	    "  key_file: k\n",
	    "web.yml:2:14: error: \"cert_file\": expected a path, got a "
	    "mapping");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file:\n",
	    "web.yml:3:12: error: \"key_file\": expected a path, got nothing");
	expect_error("basic_auth_users: [alice]\n",
	    "web.yml:1:19: error: \"basic_auth_users\": expected a mapping of "
	    "user names to bcrypt hashes, got a sequence");
	expect_error("basic_auth_users:\n  alice: [a]\n",
	    "web.yml:2:10: error: \"alice\": expected a bcrypt hash, got a "
	    "sequence");
	expect_error("basic_auth_users:\n  alice:\n",
	    "web.yml:2:9: error: \"alice\": expected a bcrypt hash, got "
	    "nothing");
	expect_error("basic_auth_users:\n  [a]: x\n",
	    "web.yml:2:3: error: \"basic_auth_users\": expected a user name, "
	    "got a sequence");
	expect_error("? [a]\n: x\n",
	    "web.yml:1:3: error: expected a key name, got a sequence");
}
END_TEST

START_TEST(test_error_values)
{
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  client_auth_type: RequireClientCert\n",
	    "web.yml:4:21: error: \"client_auth_type\": \"RequireClientCert\" "
	    "is not NoClientCert, RequestClientCert, RequireAnyClientCert, "
	    "VerifyClientCertIfGiven or RequireAndVerifyClientCert");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  client_auth_type: noclientcert\n",
	    "web.yml:4:21: error: \"client_auth_type\": \"noclientcert\" "
	    "is not NoClientCert, RequestClientCert, RequireAnyClientCert, "
	    "VerifyClientCertIfGiven or RequireAndVerifyClientCert");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  min_version: TLS11\n",
	    "web.yml:4:16: error: \"min_version\": TLS11 is not supported; "
	    "the oldest version served is TLS12");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  min_version: TLS14\n",
	    "web.yml:4:16: error: \"min_version\": \"TLS14\" is not TLS12 or "
	    "TLS13");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  min_version: [TLS12]\n",
	    "web.yml:4:16: error: \"min_version\": expected TLS12 or TLS13, "
	    "got a sequence");
}
END_TEST

START_TEST(test_error_required_and_consistent)
{
	const char *const	missing[] = {
		"web.yml:2:3: error: \"tls_server_config\": missing required "
		    "key \"cert_file\"",
		"web.yml:2:3: error: \"tls_server_config\": missing required "
		    "key \"key_file\"",
	};

	expect_errors("tls_server_config:\n  min_version: TLS13\n", missing, 2);
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  client_auth_type: RequireAndVerifyClientCert\n",
	    "web.yml:4:21: error: \"client_auth_type\": "
	    "RequireAndVerifyClientCert needs client_ca_file, the CAs that "
	    "client certificates are checked against");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  client_ca_file: ca.pem\n",
	    "web.yml:4:19: error: \"client_ca_file\": client certificates are "
	    "checked only with client_auth_type VerifyClientCertIfGiven or "
	    "RequireAndVerifyClientCert (it is NoClientCert)");
	expect_error("tls_server_config:\n  cert_file: c\n  key_file: k\n"
	    "  client_auth_type: RequireAnyClientCert\n"
	    "  client_ca_file: ca.pem\n",
	    "web.yml:5:19: error: \"client_ca_file\": client certificates are "
	    "checked only with client_auth_type VerifyClientCertIfGiven or "
	    "RequireAndVerifyClientCert (it is RequireAnyClientCert)");
}
END_TEST

START_TEST(test_error_duplicates)
{
	char	*text, *want;

	expect_error("basic_auth_users: {}\nbasic_auth_users: {}\n",
	    "web.yml:2:1: error: duplicate key \"basic_auth_users\" (first at "
	    "line 1)");
	expect_error("tls_server_config:\n  cert_file: a\n  key_file: k\n"
	    "  cert_file: b\n",
	    "web.yml:4:3: error: duplicate key \"cert_file\" (first at line 2)");
	text = xasprintf("basic_auth_users:\n  alice: %s\n  bob: %s\n"
	    "  alice: %s\n", hash_alice, hash_bob, hash_bob);
	want = xasprintf("web.yml:4:3: error: \"basic_auth_users\": duplicate "
	    "user \"alice\" (first at line 2)");
	expect_error(text, want);
	free(want);
	free(text);
}
END_TEST

START_TEST(test_error_users)
{
	const char *const	want[] = {
		"web.yml:2:10: error: \"alice\": not a bcrypt hash ($2a$, $2b$ "
		    "or $2y$, cost 04 to 31, 60 characters)",
		"web.yml:3:8: error: \"bob\": not a bcrypt hash ($2a$, $2b$ "
		    "or $2y$, cost 04 to 31, 60 characters)",
		"web.yml:4:3: error: \"basic_auth_users\": user name \"c:d\" is "
		    "empty or has a colon",
		"web.yml:5:3: error: \"basic_auth_users\": user name \"\" is "
		    "empty or has a colon",
	};
	char	*text;

	/* A SHA-512 crypt hash: crypt_r knows it, exporter-toolkit does not. */
	text = xasprintf("basic_auth_users:\n"
	    "  alice: $6$salt$0123456789\n"
	    "  bob: s3cret\n"
	    "  \"c:d\": %s\n"
	    "  '': %s\n", hash_alice, hash_alice);
	expect_errors(text, want, 4);
	free(text);
}
END_TEST

START_TEST(test_error_yaml)
{
	expect_error("tls_server_config:\n  cert_file: [a\n",
	    "web.yml:3:1: error: did not find expected ',' or ']' (while "
	    "parsing a flow sequence at line 2, column 14)");
	expect_error("basic_auth_users: {}\n---\nbasic_auth_users: {}\n",
	    "web.yml:2:1: error: more than one YAML document (a web config is "
	    "one mapping)");
	expect_error("tls_server_config: \xff\n",
	    "web.yml:1:20: error: invalid leading UTF-8 octet");
}
END_TEST

/* Every error of a file, in order, before it is refused. */
START_TEST(test_errors_all_collected)
{
	const char *const	want[] = {
		"web.yml:2:3: error: unknown key \"bogus\" (expected cert_file, "
		    "key_file, client_auth_type, client_ca_file or min_version)",
		"web.yml:3:16: error: \"min_version\": \"TLS2\" is not TLS12 or "
		    "TLS13",
		"web.yml:2:3: error: \"tls_server_config\": missing required "
		    "key \"key_file\"",
		"web.yml:6:10: error: \"alice\": not a bcrypt hash ($2a$, $2b$ "
		    "or $2y$, cost 04 to 31, 60 characters)",
		"web.yml:7:1: error: unknown key \"extra\" (expected "
		    "tls_server_config or basic_auth_users)",
	};

	expect_errors("tls_server_config:\n"
	    "  bogus: 1\n"
	    "  min_version: TLS2\n"
	    "  cert_file: c\n"
	    "basic_auth_users:\n"
	    "  alice: x\n"
	    "extra: 1\n", want, 5);
}
END_TEST

START_TEST(test_error_missing_files)
{
	struct cfgerr	 errs = { NULL, 0 };
	char			*text, *want;

	ck_assert_ptr_null(webconfig_load("/nonexistent/web.yml", &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.msgs[0], "/nonexistent/web.yml:1:1: error: "
	    "cannot read file: No such file or directory");
	cfgerr_clear(&errs);

	ck_assert_ptr_null(webconfig_load(tmpdir, &errs));
	ck_assert_uint_eq(errs.n, 1);
	want = xasprintf("%s:1:1: error: cannot read file: Is a directory",
	    tmpdir);
	ck_assert_str_eq(errs.msgs[0], want);
	free(want);
	cfgerr_clear(&errs);

	/* Both files named, both missing: both said, each where it is. */
	{
		const char *const	two[] = {
			"web.yml:2:14: error: \"cert_file\": cannot read "
			    "\"/nonexistent/server.pem\": No such file or "
			    "directory",
			"web.yml:3:13: error: \"key_file\": cannot read "
			    "\"/nonexistent/server.key\": No such file or "
			    "directory",
		};
		expect_errors("tls_server_config:\n"
		    "  cert_file: /nonexistent/server.pem\n"
		    "  key_file: /nonexistent/server.key\n", two, 2);
	}
	text = tls_yaml("  client_auth_type: VerifyClientCertIfGiven\n"
	    "  client_ca_file: /nonexistent/ca.pem\n");
	expect_error(text, "web.yml:5:19: error: \"client_ca_file\": cannot "
	    "read \"/nonexistent/ca.pem\": No such file or directory");
	free(text);
	text = xasprintf("tls_server_config:\n  cert_file: %s\n"
	    "  key_file: %s/server.key\n", tmpdir, tmpdir);
	want = xasprintf("web.yml:2:14: error: \"cert_file\": cannot read "
	    "\"%s\": Is a directory", tmpdir);
	expect_error(text, want);
	free(want);
	free(text);
}
END_TEST

/* Files that exist but that TLS could not use. */
START_TEST(test_error_tls_files)
{
	char	*text, *want;

	text = xasprintf("tls_server_config:\n  cert_file: %s/notpem.txt\n"
	    "  key_file: %s/server.key\n", tmpdir, tmpdir);
	want = xasprintf("web.yml:2:14: error: \"cert_file\": \"%s/notpem.txt\" "
	    "has no usable PEM certificate: ", tmpdir);
	{
		struct cfgerr	errs = { NULL, 0 };

		ck_assert_ptr_null(webconfig_load_buffer("web.yml", text,
		    strlen(text), &errs));
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_msg(strncmp(errs.msgs[0], want, strlen(want)) == 0,
		    "got %s", errs.msgs[0]);
		cfgerr_clear(&errs);
	}
	free(want);
	free(text);

	/* The CA's key is not the server certificate's. */
	text = xasprintf("tls_server_config:\n  cert_file: %s/server.pem\n"
	    "  key_file: %s/ca.key\n", tmpdir, tmpdir);
	want = xasprintf("web.yml:3:13: error: \"key_file\": \"%s/ca.key\" is "
	    "not the key of the certificate in cert_file", tmpdir);
	expect_error(text, want);
	free(want);
	free(text);

	/* A certificate where the key should be. */
	text = xasprintf("tls_server_config:\n  cert_file: %s/server.pem\n"
	    "  key_file: %s/ca.pem\n", tmpdir, tmpdir);
	want = xasprintf("web.yml:3:13: error: \"key_file\": \"%s/ca.pem\" has "
	    "no usable unencrypted PEM private key: ", tmpdir);
	{
		struct cfgerr	errs = { NULL, 0 };

		ck_assert_ptr_null(webconfig_load_buffer("web.yml", text,
		    strlen(text), &errs));
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_msg(strncmp(errs.msgs[0], want, strlen(want)) == 0,
		    "got %s", errs.msgs[0]);
		cfgerr_clear(&errs);
	}
	free(want);
	free(text);

	text = xasprintf("tls_server_config:\n  cert_file: %s/server.pem\n"
	    "  key_file: %s/server.key\n"
	    "  client_auth_type: RequireAndVerifyClientCert\n"
	    "  client_ca_file: %s/empty.pem\n", tmpdir, tmpdir, tmpdir);
	want = xasprintf("web.yml:5:19: error: \"client_ca_file\": "
	    "\"%s/empty.pem\" has no usable PEM certificate", tmpdir);
	expect_error(text, want);
	free(want);
	free(text);
}
END_TEST

START_TEST(test_is_bcrypt)
{
	ck_assert(webconfig_is_bcrypt(hash_alice));
	ck_assert(webconfig_is_bcrypt("$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeSi"));
	ck_assert(webconfig_is_bcrypt("$2a$31$......................"
	    "..............................."));
	/* Cost out of range, unknown variant, short, bad alphabet. */
	ck_assert(!webconfig_is_bcrypt("$2b$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeSi"));
	ck_assert(!webconfig_is_bcrypt("$2b$32$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeSi"));
	ck_assert(!webconfig_is_bcrypt("$2x$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeSi"));
	ck_assert(!webconfig_is_bcrypt("$2b$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeS"));
	ck_assert(!webconfig_is_bcrypt("$2b$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeS!"));
	ck_assert(!webconfig_is_bcrypt("$2b$1a$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5D"
	    "UmpZ/VcEd00UAV/LDeSi"));
	ck_assert(!webconfig_is_bcrypt(""));
}
END_TEST

START_TEST(test_same_tls)
{
	struct webconfig	*a, *b, *c, *users;
	char			*ta, *tc, *tu;

	ta = tls_yaml("");
	tc = tls_yaml("  min_version: TLS13\n");
	tu = xasprintf("basic_auth_users:\n  alice: %s\n", hash_alice);
	a = load_good(ta);
	b = load_good(ta);
	c = load_good(tc);
	users = load_good(tu);
	ck_assert(webconfig_same_tls(a, b));
	ck_assert(!webconfig_same_tls(a, c));
	ck_assert(!webconfig_same_tls(a, NULL));
	ck_assert(webconfig_same_tls(NULL, NULL));
	/* No TLS either way: users alone do not make another server. */
	ck_assert(webconfig_same_tls(users, NULL));
	/* A renewed certificate in the same file is another server. */
	free(b->cert_pem);
	b->cert_pem = xstrdup("renewed");
	ck_assert(!webconfig_same_tls(a, b));
	webconfig_free(a);
	webconfig_free(b);
	webconfig_free(c);
	webconfig_free(users);
	free(ta);
	free(tc);
	free(tu);
}
END_TEST

START_TEST(test_auth_check)
{
	struct webconfig_user	 users[2];
	struct auth		*a;

	users[0].name = "alice";
	users[0].hash = hash_alice;
	users[1].name = "bob";
	users[1].hash = hash_bob;
	a = auth_new(users, 2);
	ck_assert_int_eq(auth_check(a, "alice", "s3cret", NULL, 0), AUTH_OK);
	ck_assert_int_eq(auth_check(a, "bob", "hunter2", NULL, 0), AUTH_OK);
	/* Remembered successes answer again. */
	ck_assert_int_eq(auth_check(a, "alice", "s3cret", NULL, 0), AUTH_OK);
	ck_assert_int_eq(auth_check(a, "alice", "hunter2", NULL, 0), AUTH_DENIED);
	ck_assert_int_eq(auth_check(a, "bob", "s3cret", NULL, 0), AUTH_DENIED);
	ck_assert_int_eq(auth_check(a, "alice", "", NULL, 0), AUTH_DENIED);
	ck_assert_int_eq(auth_check(a, "alice", "s3cret ", NULL, 0), AUTH_DENIED);
	/* An unknown user with a real user's password is still no one. */
	ck_assert_int_eq(auth_check(a, "mallory", "s3cret", NULL, 0), AUTH_DENIED);
	ck_assert_int_eq(auth_check(a, "", "", NULL, 0), AUTH_DENIED);
	/* "alice" NUL "s3cret" and "alice\0s" "3cret" differ: no confusion. */
	ck_assert_int_eq(auth_check(a, "alices", "3cret", NULL, 0), AUTH_DENIED);
	auth_free(a);
}
END_TEST

START_TEST(test_auth_budget)
{
	struct auth_budget	b;
	int			i;

	auth_budget_init(&b, 1000);
	ck_assert(auth_budget_allows(&b, 1000));
	/* Spent in one go: nothing until it refills above zero. */
	auth_budget_spend(&b, AUTH_BUDGET_MAX_MS);
	ck_assert(!auth_budget_allows(&b, 1000));
	ck_assert(auth_budget_allows(&b, 1001));
	/* Over-spent by a second of hashing: four seconds at 250 ms/s. */
	auth_budget_init(&b, 0);
	auth_budget_spend(&b, AUTH_BUDGET_MAX_MS + 1000);
	ck_assert(!auth_budget_allows(&b, 3999));
	ck_assert(!auth_budget_allows(&b, 4000));
	ck_assert(auth_budget_allows(&b, 4001));
	/* It never saves up more than the cap, however long idle. */
	auth_budget_init(&b, 0);
	ck_assert(auth_budget_allows(&b, 86400000));
	for (i = 0; i < AUTH_BUDGET_MAX_MS / 100; i++) {
		ck_assert(auth_budget_allows(&b, 86400000));
		auth_budget_spend(&b, 100);
	}
	ck_assert(!auth_budget_allows(&b, 86400000));
	/* A clock that does not move (or goes back) refills nothing. */
	ck_assert(!auth_budget_allows(&b, 5));
}
END_TEST

/* Issue 17: a flood of wrong passwords spent the budget and the right
 * password got 503 for 30 s. The flooder's own share runs out; another
 * client's check still runs. */
START_TEST(test_auth_flood_other_client_served)
{
	struct webconfig_user	 users[1];
	struct auth		*a;
	const unsigned char	 flooder[4] = { 127, 0, 0, 2 };
	const unsigned char	 right[4] = { 127, 0, 0, 1 };
	enum auth_result	 r = AUTH_DENIED;
	int			 i;

	users[0].name = "alice";
	users[0].hash = hash_alice;
	a = auth_new(users, 1);
	for (i = 0; i < 100000 && r != AUTH_BUSY; i++)
		r = auth_check(a, "alice", "wrong", flooder, sizeof(flooder));
	ck_assert_int_eq(r, AUTH_BUSY);
	ck_assert_int_eq(auth_check(a, "alice", "wrong", flooder, sizeof(flooder)),
	    AUTH_BUSY);
	/* The right password from elsewhere is checked. */
	ck_assert_int_eq(auth_check(a, "alice", "s3cret", right, sizeof(right)),
	    AUTH_OK);
	auth_free(a);
}
END_TEST

static Suite *
webconfig_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("webconfig");
	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_client_auth_types);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_data_file);
	tcase_add_test(tc, test_same_tls);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_error_unknown_keys);
	tcase_add_test(tc, test_error_unsupported_keys);
	tcase_add_test(tc, test_error_types);
	tcase_add_test(tc, test_error_values);
	tcase_add_test(tc, test_error_required_and_consistent);
	tcase_add_test(tc, test_error_duplicates);
	tcase_add_test(tc, test_error_users);
	tcase_add_test(tc, test_error_yaml);
	tcase_add_test(tc, test_errors_all_collected);
	tcase_add_test(tc, test_error_missing_files);
	tcase_add_test(tc, test_error_tls_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_is_bcrypt);
	tcase_add_test(tc, test_auth_check);
	tcase_add_test(tc, test_auth_flood_other_client_served);
	tcase_add_test(tc, test_auth_budget);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(webconfig_suite());
}
