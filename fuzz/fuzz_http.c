/* fuzz_http: the HTTP request handling we own (routing, zone names from
 * URLs, Accept negotiation) and the pages it renders, without a socket. */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "finding.h"
#include "routes.h"
#include "render.h"
#include "snapshot.h"
#include "xmalloc.h"
#include "zone.h"
#include "fuzz.h"

/*
 * The input is lines: the method, the URL path, the Accept header (no
 * line: no header), then a finding's server, address, summary, evidence
 * and fix, shown for the first of the zones below. Lines are C strings,
 * as MHD hands them over: a NUL ends one.
 */

static const char *const fuzz_zone_names[] = {
	"a.example.", "b.example.", "xn--bcher-kva.example.",
};
#define FUZZ_NZONES	(sizeof(fuzz_zone_names) / sizeof(fuzz_zone_names[0]))

static void
fuzz_status(struct snapshot *st, void *arg)
{
	memset(st, 0, sizeof(*st));
	st->zones = arg;
	st->reload_ok = true;
	st->reload_success_time = 1767225600;
	st->start_time = 1767225000;
}

/* The zones, sorted as a zone_set is; the first judged with the finding
 * the input gives, the second judged clean, the third not yet run. */
static void
fuzz_zones(struct zone_set *set, struct fuzz_in *in)
{
	struct zone	*z;
	char		*server, *address, *summary, *evidence, *fix;
	int		 status[CHECK_MAX];
	struct findings	 fs = { NULL, 0 };
	struct check_memory mem;
	size_t		 i;
	int		 c;

	set->n = FUZZ_NZONES;
	set->v = xcalloc(set->n, sizeof(*set->v));
	for (i = 0; i < set->n; i++) {
		z = set->v[i] = xcalloc(1, sizeof(*z));
		z->name = xstrdup(fuzz_zone_names[i]);
		if (i == 2)
			continue;
		memset(&mem, 0, sizeof(mem));
		/* The checks built so far ran; the others are not built. */
		for (c = 0; c < CHECK_MAX; c++)
			status[c] = c <= CHECK_ZONE_SERVED ? 0 : -1;
		if (i == 0) {
			mem.has_serial = true;
			mem.serial = 2026010101;
			server = fuzz_line(in);
			address = fuzz_line(in);
			summary = fuzz_line(in);
			evidence = fuzz_line(in);
			fix = fuzz_line(in);
			findings_add(&fs, CAUSE_LAME_DELEGATION,
			    SEVERITY_CRITICAL, server, address,
			    summary != NULL ? summary : xstrdup(""),
			    evidence != NULL ? evidence : xstrdup(""),
			    fix != NULL ? fix : xstrdup(""));
			free(server);
			free(address);
			status[CHECK_DELEGATION] = 2;
		}
		zone_record_run(z, &fs, status, &mem, 1767225600, 0.25, 2);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in		 in = { data, size };
	struct zone_set		 set;
	struct routes_reply	 r;
	char			*method, *url, *accept, name[300];

	if ((method = fuzz_line(&in)) == NULL)
		return 0;
	if ((url = fuzz_line(&in)) == NULL)
		url = xstrdup("/");
	accept = fuzz_line(&in);
	fuzz_zones(&set, &in);

	routes_respond(method, url, accept, fuzz_status, &set, &r);
	if (r.ctype == NULL || (r.code != 200 && r.code != 404 &&
	    r.code != 405) || (r.code == 405) == routes_method_ok(method))
		abort();
	if (strcmp(r.ctype, "application/json") == 0 &&
	    (r.body.len == 0 || r.body.data[r.body.len - 1] != '\n' ||
	    !fuzz_json_valid(r.body.data, r.body.len - 1)))
		abort();
	buf_free(&r.body);

	/* The pieces on their own, the URL as a zone name. */
	(void)routes_accept_openmetrics(accept);
	if (routes_zone_name(url, name, sizeof(name)) == 0 &&
	    (strlen(name) > 255 || name[strlen(name) - 1] != '.'))
		abort();

	zone_set_clear(&set, true);
	free(method);
	free(url);
	free(accept);
	return 0;
}
