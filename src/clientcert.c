/* clientcert: TLS client certificates held to the web config's client_auth_type. */
#include "zhbuild.h"

#include <stdbool.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "clientcert.h"
#include "webconfig.h"

/* Whether the handshake asks for a client certificate, by client_auth_type. */
static const gnutls_certificate_request_t clientcert_request[] = {
	[WEBCONFIG_NO_CLIENT_CERT] = GNUTLS_CERT_IGNORE,
	[WEBCONFIG_REQUEST_CLIENT_CERT] = GNUTLS_CERT_REQUEST,
	[WEBCONFIG_REQUIRE_ANY_CLIENT_CERT] = GNUTLS_CERT_REQUIRE,
	[WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN] = GNUTLS_CERT_REQUEST,
	[WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT] = GNUTLS_CERT_REQUIRE,
};

static bool
clientcert_sent(gnutls_session_t s)
{
	unsigned	n = 0;

	return gnutls_certificate_get_peers(s, &n) != NULL && n > 0;
}

/*
 * The client's chain against client_ca_file (the trust MHD was given),
 * at the current time, for client use (when the certificate names its
 * purposes) as Go's crypto/tls checks it; no name is matched.
 */
static bool
clientcert_valid(gnutls_session_t s)
{
	gnutls_typed_vdata_st	purpose;
	unsigned		status = 0;

	purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
	purpose.data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_CLIENT;
	purpose.size = 0;
	return gnutls_certificate_verify_peers(s, &purpose, 1, &status) == 0 &&
	    status == 0;
}

/*
 * During the handshake, as soon as the client's certificate is in: a bad
 * one fails the handshake, so the client learns why at the TLS layer.
 * Whether one is needed at all is the request policy's to enforce.
 */
static int
clientcert_verify_cb(gnutls_session_t s)
{
	if (!clientcert_sent(s))
		return 0;
	return clientcert_valid(s) ? 0 : -1;
}

void
clientcert_prepare(gnutls_session_t s, enum webconfig_client_auth type)
{
	gnutls_certificate_server_set_request(s, clientcert_request[type]);
	if (type == WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN ||
	    type == WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT)
		gnutls_session_set_verify_function(s, clientcert_verify_cb);
}

bool
clientcert_ok(gnutls_session_t s, enum webconfig_client_auth type)
{
	bool	sent = clientcert_sent(s);

	switch (type) {
	case WEBCONFIG_NO_CLIENT_CERT:
	case WEBCONFIG_REQUEST_CLIENT_CERT:
		return true;
	case WEBCONFIG_REQUIRE_ANY_CLIENT_CERT:
		return sent;
	case WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN:
		return !sent || clientcert_valid(s);
	case WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT:
		return sent && clientcert_valid(s);
	}
	return false;
}
