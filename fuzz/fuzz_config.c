/* fuzz_config: the config loader on arbitrary YAML. */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

/*
 * Paths a config names are opened (root_hints, trust_anchor,
 * web_config_file): a device or a FIFO there would block or never end,
 * which is the admin's choice, not a bug. Such inputs are skipped.
 */
static int
fuzz_special_path(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = { "/dev", "/proc", "/sys", "/run" };
	size_t	 i, len;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		len = strlen(prefixes[i]);
		if (size >= len && memmem(data, size, prefixes[i], len) != NULL)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	const char		*why;
	size_t			 i;

	if (fuzz_special_path(data, size))
		return 0;
	/* Daemon mode when the input's length is odd: "zones" then required. */
	cfg = config_load_buffer("fuzz.yaml", (const char *)data, size,
	    (size & 1) ? CONFIG_ZONES_REQUIRED : 0, &errs);
	if (cfg != NULL) {
		if (errs.n != 0)
			abort();	/* a config and errors: never both */
		/* What the daemon does with a loaded config's zones. */
		for (i = 0; i < cfg->nzones; i++)
			if (config_find_zone(cfg, cfg->zones[i].name) !=
			    &cfg->zones[i])
				abort();
		if (config_add_zone(cfg, "example.com", &why) == 0 &&
		    config_find_zone(cfg, "example.com.") == NULL)
			abort();
		config_free(cfg);
	} else if (errs.n == 0)
		abort();	/* no config and no error to print */
	cfgerr_clear(&errs);
	return 0;
}
