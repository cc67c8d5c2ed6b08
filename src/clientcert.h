/* clientcert: TLS client certificates held to the web config's client_auth_type. */
#ifndef ZH_CLIENTCERT_H
#define ZH_CLIENTCERT_H

#include <stdbool.h>

#include <gnutls/gnutls.h>

#include "webconfig.h"

/* Before a new connection's handshake: whether to ask the client for a
 * certificate, and (when the type verifies one) a check that fails the
 * handshake on a certificate the client CA does not vouch for. */
void clientcert_prepare(gnutls_session_t, enum webconfig_client_auth);
/* After the handshake: whether the client's certificate (or its lack)
 * is what the type asks for. */
bool clientcert_ok(gnutls_session_t, enum webconfig_client_auth);

#endif
