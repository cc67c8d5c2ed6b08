/* version: the daemon's and its libraries' versions. */
#ifndef ZH_VERSION_H
#define ZH_VERSION_H

const char *version_libevent(void);
const char *version_ldns(void);
const char *version_libmicrohttpd(void);
const char *version_libyaml(void);

#endif
