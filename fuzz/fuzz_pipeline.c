/* fuzz_pipeline: whole zone runs (walk, probes, chain, checks, rendering)
 * on the simulated network, the fuzzer's bytes deciding what every server
 * does with every question. */
#include "zhbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <ldns/ldns.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "query.h"
#include "render.h"
#include "runner.h"
#include "sim.h"
#include "snapshot.h"
#include "zone.h"
#include "fuzz.h"

/*
 * The world is fixed: a signed root, a signed example., and below it zones
 * of the shapes that broke runs before (a glueless cycle, five NS of which
 * three are reachable only through the zone, an alias NS) beside healthy
 * NSEC and NSEC3 zones. The input, front to back:
 *   a byte choosing which zones run (bit i: zone i of fuzz_zone_names),
 *   then a byte per attempt, in the order the engine sends them:
 *     0-127     the server's own answer
 *     128-143   silence          144-159  ICMP refused / RST
 *     160-175   TC=1, nothing    176-191  the next chunk, as the answer
 *     192-207   the answer with some bytes flipped (a count byte, then
 *               a 16-bit position and a mask per flip)
 *     208-223   TCP closed       224-239  the answer with another id
 *     240-255   the answer, late (by the next byte's ms, at most 7)
 * An input that ends means every later answer is the server's own.
 */
#define FUZZ_FLIPS_MAX	16

static const char *const fuzz_zone_names[] = {
	"ok.example.", "nsec3.example.", "cyca.example.", "cycb.example.",
	"five.example.", "alias.example.", "example.", "missing.example.",
};

static struct sim	*fuzz_sim;
static char		 fuzz_dir[64];

struct fuzz_pipeline {
	struct fuzz_in		 in;
	struct event_base	*base;
	size_t			 pending;
};

static void
fuzz_filter(struct sim *s, void *arg, int transport, const uint8_t *query,
    size_t qlen, struct query_sim_reply *out)
{
	struct fuzz_pipeline	*fp = arg;
	const uint8_t		*chunk;
	size_t			 len, i, n;
	uint16_t		 pos;
	uint8_t			 op = fuzz_u8(&fp->in);

	(void)s;
	if (op < 128)
		return;
	switch ((op - 128) / 16) {
	case 0:
		free(out->data);
		memset(out, 0, sizeof(*out));
		out->outcome = QUERY_SIM_SILENCE;
		break;
	case 1:
		free(out->data);
		memset(out, 0, sizeof(*out));
		out->outcome = QUERY_SIM_REFUSED;
		break;
	case 2:
		if (out->outcome == QUERY_SIM_MESSAGE && out->len >= LDNS_HEADER_SIZE) {
			out->data[2] |= 0x02;	/* TC */
			memset(out->data + 6, 0, 6);	/* no records */
			out->len = qlen > LDNS_HEADER_SIZE ? qlen : LDNS_HEADER_SIZE;
			if (qlen > LDNS_HEADER_SIZE)
				memcpy(out->data + LDNS_HEADER_SIZE,
				    query + LDNS_HEADER_SIZE, qlen - LDNS_HEADER_SIZE);
		}
		break;
	case 3:
		chunk = fuzz_chunk(&fp->in, &len);
		free(out->data);
		memset(out, 0, sizeof(*out));
		out->outcome = QUERY_SIM_MESSAGE;
		out->data = xmalloc(len + 2);
		memcpy(out->data, chunk, len);
		out->len = len;
		if (len >= 2 && qlen >= 2)
			memcpy(out->data, query, 2);	/* our id: parsed, matched */
		break;
	case 4:
		n = fuzz_u8(&fp->in) % FUZZ_FLIPS_MAX + 1;
		for (i = 0; i < n; i++) {
			pos = fuzz_u16(&fp->in);
			op = fuzz_u8(&fp->in);
			if (out->outcome == QUERY_SIM_MESSAGE && out->len > 2)
				out->data[2 + pos % (out->len - 2)] ^= op;
		}
		break;
	case 5:
		if (transport == QUERY_TCP) {
			free(out->data);
			memset(out, 0, sizeof(*out));
			out->outcome = QUERY_SIM_CLOSED;
		}
		break;
	case 6:
		if (out->outcome == QUERY_SIM_MESSAGE && out->len >= 2)
			out->data[0] ^= 0x5a;
		break;
	default:
		out->delay_ms = fuzz_u8(&fp->in) % 8;
		break;
	}
}

static void
fuzz_write(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF)
		abort();
}

static void
fuzz_serve(const char *addr, const char *origin, const char *text)
{
	if (sim_zone(fuzz_sim, addr, origin, text) == -1)
		abort();
}

/* Signs text, serves it at the addresses, appends its DS to parent. */
static void
fuzz_signed(const char *origin, const char *text, bool nsec3, const char *addr1,
    const char *addr2, struct buf *parent)
{
	char	*signed_text, *ds;

	if ((signed_text = sim_sign(origin, text, nsec3, &ds)) == NULL)
		abort();
	fuzz_serve(addr1, origin, signed_text);
	if (addr2 != NULL)
		fuzz_serve(addr2, origin, signed_text);
	if (parent != NULL)
		buf_puts(parent, ds);
	free(signed_text);
	free(ds);
}

static void
fuzz_world(void)
{
	struct buf	 root, tld;
	char		*ds, *signed_text;

	buf_init(&tld);
	buf_puts(&tld,
	    "example. SOA ns1.example. h.example. 1 3600 600 86400 60\n"
	    "example. NS ns1.example.\n"
	    "ns1.example. A 127.0.91.2\n"
	    "ok.example. NS ns1.ok.example.\n"
	    "ok.example. NS ns2.ok.example.\n"
	    "ns1.ok.example. A 127.0.91.3\n"
	    "ns2.ok.example. A 127.0.91.4\n"
	    "nsec3.example. NS ns1.nsec3.example.\n"
	    "ns1.nsec3.example. A 127.0.91.3\n"
	    "cyca.example. NS ns.cycb.example.\n"
	    "cycb.example. NS ns.cyca.example.\n"
	    "five.example. NS ns1.five.example.\n"
	    "five.example. NS ns2.five.example.\n"
	    "five.example. NS ns3.five.example.\n"
	    "five.example. NS ns4.five.example.\n"
	    "five.example. NS ns5.five.example.\n"
	    "ns1.five.example. A 127.0.91.3\n"
	    "ns2.five.example. AAAA ::1\n"
	    "alias.example. NS nsalias.ok.example.\n");
	fuzz_signed("ok.example.",
	    "ok.example. SOA ns1.ok.example. h.ok.example. 7 3600 600 86400 60\n"
	    "ok.example. NS ns1.ok.example.\n"
	    "ok.example. NS ns2.ok.example.\n"
	    "ns1.ok.example. A 127.0.91.3\n"
	    "ns2.ok.example. A 127.0.91.4\n"
	    "nsalias.ok.example. CNAME ns1.ok.example.\n"
	    "www.ok.example. A 127.0.91.3\n", false, "127.0.91.3", "127.0.91.4",
	    &tld);
	fuzz_signed("nsec3.example.",
	    "nsec3.example. SOA ns1.nsec3.example. h.nsec3.example. 1 3600 600 86400 60\n"
	    "nsec3.example. NS ns1.nsec3.example.\n"
	    "ns1.nsec3.example. A 127.0.91.3\n"
	    "a.b.c.nsec3.example. TXT \"deep\"\n", true, "127.0.91.3", NULL, &tld);
	fuzz_serve("127.0.91.5", "cyca.example.",
	    "cyca.example. SOA ns.cycb.example. h.cyca.example. 1 3600 600 86400 60\n"
	    "cyca.example. NS ns.cycb.example.\n"
	    "ns.cyca.example. A 127.0.91.5\n");
	fuzz_serve("127.0.91.5", "cycb.example.",
	    "cycb.example. SOA ns.cyca.example. h.cycb.example. 1 3600 600 86400 60\n"
	    "cycb.example. NS ns.cyca.example.\n"
	    "ns.cycb.example. A 127.0.91.5\n");
	fuzz_serve("127.0.91.6", "five.example.",
	    "five.example. SOA ns3.five.example. h.five.example. 1 3600 600 86400 60\n"
	    "five.example. NS ns1.five.example.\n"
	    "five.example. NS ns2.five.example.\n"
	    "five.example. NS ns3.five.example.\n"
	    "five.example. NS ns4.five.example.\n"
	    "five.example. NS ns5.five.example.\n"
	    "ns3.five.example. A 127.0.91.6\n"
	    "ns4.five.example. A 127.0.91.6\n"
	    "ns5.five.example. AAAA ::1\n");
	fuzz_serve("127.0.91.3", "alias.example.",
	    "alias.example. SOA nsalias.ok.example. h.alias.example. 1 3600 600 86400 60\n"
	    "alias.example. NS nsalias.ok.example.\n");

	buf_init(&root);
	buf_puts(&root, ". SOA ns.root. h.root. 1 3600 600 86400 60\n"
	    ". NS ns.root.\n"
	    "ns.root. A 127.0.91.1\n"
	    "example. NS ns1.example.\n"
	    "ns1.example. A 127.0.91.2\n");
	fuzz_signed("example.", tld.data, false, "127.0.91.2", NULL, &root);
	if ((signed_text = sim_sign(".", root.data, false, &ds)) == NULL)
		abort();
	fuzz_serve("127.0.91.1", ".", signed_text);
	fuzz_write("anchor", ds);
	free(signed_text);
	free(ds);
	buf_free(&root);
	buf_free(&tld);
	fuzz_write("hints", ". 3600000 IN NS ns.root.\nns.root. 3600000 IN A 127.0.91.1\n");
}

static void
fuzz_cleanup(void)
{
	char	path[128];

	snprintf(path, sizeof(path), "%s/hints", fuzz_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/anchor", fuzz_dir);
	unlink(path);
	rmdir(fuzz_dir);
	sim_install(NULL);
	sim_free(fuzz_sim);
}

static void
fuzz_init(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fuzzpipe.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	log_set_level(LOG_LEVEL_ERROR);
	fuzz_sim = sim_new();
	fuzz_world();
	sim_install(fuzz_sim);
	atexit(fuzz_cleanup);
}

static void
fuzz_done(struct zone *z, bool ok, void *arg)
{
	struct fuzz_pipeline	*fp = arg;

	(void)z;
	(void)ok;
	if (--fp->pending == 0)
		event_base_loopbreak(fp->base);
}

static struct config *
fuzz_config(uint8_t which)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_printf(&b, "root_hints: %s/hints\ntrust_anchor: %s/anchor\n"
	    "resolvers: [127.0.91.9]\nzones:\n", fuzz_dir, fuzz_dir);
	for (i = 0; i < sizeof(fuzz_zone_names) / sizeof(fuzz_zone_names[0]); i++)
		if (which & (1u << i))
			buf_printf(&b, "  - %s\n", fuzz_zone_names[i]);
	if (which == 0)
		buf_printf(&b, "  - %s\n", fuzz_zone_names[0]);
	cfg = config_load_buffer("fuzz.yaml", b.data, b.len, 0, &errs);
	cfgerr_clear(&errs);
	buf_free(&b);
	if (cfg == NULL)
		abort();
	/* Silence costs a timeout: keep them short (the config's minimum is
	 * for real networks), one retry so the retry path runs. */
	cfg->timeout_ms = 3;
	cfg->retries = 1;
	cfg->server_qps = 0;
	cfg->burst_size = 0;
	return cfg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_pipeline	 fp;
	struct config		*cfg;
	struct runner		*r;
	struct zone_set		 zones = { NULL, 0 };
	struct snapshot		 st;
	struct buf		 out;
	size_t			 i;

	if (fuzz_sim == NULL)
		fuzz_init();
	memset(&fp, 0, sizeof(fp));
	fp.in.p = data;
	fp.in.n = len;
	cfg = fuzz_config(fuzz_u8(&fp.in));
	if ((fp.base = event_base_new()) == NULL)
		abort();
	sim_set_filter(fuzz_sim, fuzz_filter, &fp);
	r = runner_new(fp.base, cfg, fuzz_done, &fp);
	zone_set_sync(&zones, cfg, NULL, NULL);
	fp.pending = zones.n;
	for (i = 0; i < zones.n; i++)
		runner_start(r, zones.v[i]);
	if (fp.pending > 0 && event_base_dispatch(fp.base) == -1)
		abort();
	if (fp.pending != 0)
		abort();	/* the loop ran dry with runs outstanding */

	memset(&st, 0, sizeof(st));
	st.zones = &zones;
	buf_init(&out);
	render_json_zones(&out, &st);
	if (!fuzz_json_valid(out.data, out.len))
		abort();
	if (getenv("FUZZ_PIPELINE_PRINT") != NULL)	/* to see what a seed does */
		printf("%s\n", out.data);
	buf_free(&out);

	sim_set_filter(fuzz_sim, NULL, NULL);
	runner_free(r);
	zone_set_clear(&zones, true);
	config_free(cfg);
	event_base_free(fp.base);
	return 0;
}
