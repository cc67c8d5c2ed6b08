/* version: the daemon's and its libraries' versions. */
#include "zhbuild.h"

#include <event2/event.h>
#include <ldns/ldns.h>
#include <microhttpd.h>
#include <yaml.h>

#include "version.h"

/*
 * Each asks the library linked at run time, not the header compiled
 * against: after a distribution upgrade build_info shows what really runs.
 */

const char *
version_libevent(void)
{
	return event_get_version();
}

const char *
version_ldns(void)
{
	return ldns_version();
}

const char *
version_libmicrohttpd(void)
{
	return MHD_get_version();
}

const char *
version_libyaml(void)
{
	return yaml_get_version_string();
}
