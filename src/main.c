/* main: command line, then the daemon, a config check or a single pass. */
#include "zhbuild.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "evlog.h"
#include "finding.h"
#include "log.h"
#include "once.h"
#include "value.h"
#include "version.h"
#include "webconfig.h"
#include "xmalloc.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: zonehealthd [-c FILE] [-f] [-t] [--once [--format text|json]] [--zone NAME]...\n"
"                   [--shard I/N] [--web.config.file FILE]\n"
"                   [--web.listen-address ADDR]... [--web.systemd-socket] [--print-catalogue] [-V]\n"
"  -c, --config FILE  config file (default " CONFIG_DEFAULT_PATH ")\n"
"  -f, --foreground   stay in the foreground (as under systemd)\n"
"  -t, --test         check the config and exit: 0 if good, 78 if not\n"
"      --once         run every check once for every zone, print diagnoses and\n"
"                     exit 0 all ok, 1 worst is warning, 2 worst is critical\n"
"      --format FMT   --once output: text (default) or json\n"
"      --zone NAME    check this zone (repeatable; with --once no config is needed)\n"
"      --shard I/N    own the I-th of N shares of the zones (overrides shard:)\n"
"      --web.config.file FILE\n"
"                     TLS and basic auth for the HTTP server, in the Prometheus\n"
"                     exporter-toolkit format (overrides web_config_file:)\n"
"      --web.listen-address ADDR\n"
"                     serve HTTP on ADDR, host:port or :port (repeatable;\n"
"                     overrides listen:, also on reloads)\n"
"      --web.systemd-socket\n"
"                     serve HTTP on the sockets systemd passes (LISTEN_FDS),\n"
"                     as a .socket unit makes them; overrides listen:\n"
"      --print-catalogue\n"
"                     print the cause catalogue (tab-separated: cause, check,\n"
"                     severity, alert class, alert for: seconds, what the\n"
"                     server and address labels name, fix hint)\n"
"  -V, --version      print the versions of zonehealthd and its libraries\n"
"  -h, --help         this help\n");
}

static void
version(void)
{
	printf("%s %s\n", PACKAGE_NAME "d", PACKAGE_VERSION);
	printf("libevent %s\n", version_libevent());
	printf("ldns %s\n", version_ldns());
	printf("libmicrohttpd %s\n", version_libmicrohttpd());
	printf("libyaml %s\n", version_libyaml());
}

/* --print-catalogue: the cause table, from which the alert rules are made
 * (contrib/prometheus/genrules.py). */
static void
print_catalogue(void)
{
	const struct cause_alert	*ca;
	int				 c;

	printf("cause\tcheck\tseverity\tclass\tfor\tsubject\thint\n");
	for (c = 0; c < CAUSE_MAX; c++) {
		ca = cause_alert((enum cause)c);
		printf("%s\t%s\t%s\t%s\t%u\t%s\t%s\n",
		    cause_name((enum cause)c),
		    check_name(cause_check((enum cause)c)),
		    severity_name(ca->severity), cause_class_name(ca->class),
		    ca->alert_for, ca->subject != NULL ? ca->subject : "server",
		    ca->hint);
	}
}

/* -t: every error with its position, then 0 or EX_CONFIG. */
static int
check_config(const struct options *opts)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	char			 web[256];

	if ((cfg = daemon_load_config(opts, &errs)) == NULL) {
		cfgerr_print(&errs, stderr);
		fprintf(stderr, "%zu error%s\n", errs.n, errs.n == 1 ? "" : "s");
		cfgerr_clear(&errs);
		return EXIT_CONFIG;
	}
	cfgerr_clear(&errs);
	printf("%s: ok, %zu zones\n", cfg->path != NULL ? cfg->path :
	    "command line", cfg->nzones);
	if (cfg->web != NULL) {
		webconfig_describe(cfg->web, web, sizeof(web));
		printf("%s: ok, %s\n", cfg->web->path, web);
	}
	config_free(cfg);
	return EXIT_SUCCESS;
}

enum {
	OPT_ONCE = 256,
	OPT_FORMAT,
	OPT_ZONE,
	OPT_SHARD,
	OPT_WEB_CONFIG,
	OPT_WEB_LISTEN,
	OPT_WEB_SYSTEMD,
	OPT_PRINT_CATALOGUE,
};

static const struct option long_options[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "foreground",	no_argument,		NULL, 'f' },
	{ "test",	no_argument,		NULL, 't' },
	{ "once",	no_argument,		NULL, OPT_ONCE },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "zone",	required_argument,	NULL, OPT_ZONE },
	{ "shard",	required_argument,	NULL, OPT_SHARD },
	{ "web.config.file", required_argument,	NULL, OPT_WEB_CONFIG },
	{ "web.listen-address", required_argument, NULL, OPT_WEB_LISTEN },
	{ "web.systemd-socket", no_argument,	NULL, OPT_WEB_SYSTEMD },
	{ "print-catalogue", no_argument,	NULL, OPT_PRINT_CATALOGUE },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct options	 opts;
	const char	*why;
	char		*name;
	bool		 format_given = false;
	int		 ch, code;

	memset(&opts, 0, sizeof(opts));
	log_init("zonehealthd", 0);
	evlog_hook();
	/* One allocation for both lists of arguments: every exit frees
	 * opts.zones, and with it the --web.listen-address half. */
	opts.zones = xcalloc((size_t)argc * 2, sizeof(*opts.zones));
	opts.listen_addrs = opts.zones + argc;

	while ((ch = getopt_long(argc, argv, "c:ftVh", long_options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'f':
			opts.foreground = true;
			break;
		case 't':
			opts.check_only = true;
			break;
		case OPT_ONCE:
			opts.once = true;
			break;
		case OPT_FORMAT:
			format_given = true;
			if (strcmp(optarg, "text") == 0)
				opts.format = OUTPUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				opts.format = OUTPUT_JSON;
			else {
				fprintf(stderr, "zonehealthd: --format: "
				    "\"%s\" is not text or json\n", optarg);
				free(opts.zones);
				return EXIT_USAGE;
			}
			break;
		case OPT_ZONE:
			if (value_parse_domain(optarg, &name, &why) == -1) {
				fprintf(stderr, "zonehealthd: --zone \"%s\": %s\n",
				    optarg, why);
				free(opts.zones);
				return EXIT_USAGE;
			}
			free(name);
			opts.zones[opts.nzones++] = optarg;
			break;
		case OPT_SHARD:
			if (config_parse_shard(optarg, &opts.shard_index,
			    &opts.shard_count, &name) == -1) {
				fprintf(stderr, "zonehealthd: --shard: %s\n", name);
				free(name);
				free(opts.zones);
				return EXIT_USAGE;
			}
			break;
		case OPT_WEB_CONFIG:
			opts.web_config_file = optarg;
			break;
		case OPT_WEB_LISTEN: {
			struct value_addr	addr;

			if (value_parse_listen(optarg, &addr, &why) == -1) {
				fprintf(stderr, "zonehealthd: --web.listen-address "
				    "\"%s\": %s\n", optarg, why);
				free(opts.zones);
				return EXIT_USAGE;
			}
			opts.listen_addrs[opts.nlisten++] = optarg;
			break;
		}
		case OPT_WEB_SYSTEMD:
			opts.systemd_socket = true;
			break;
		case OPT_PRINT_CATALOGUE:
			print_catalogue();
			free(opts.zones);
			return EXIT_SUCCESS;
		case 'V':
			version();
			free(opts.zones);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			free(opts.zones);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			free(opts.zones);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zonehealthd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		free(opts.zones);
		return EXIT_USAGE;
	}
	if (format_given && !opts.once) {
		fprintf(stderr, "zonehealthd: --format needs --once\n");
		free(opts.zones);
		return EXIT_USAGE;
	}
	if (opts.web_config_file != NULL && opts.once) {
		fprintf(stderr, "zonehealthd: --web.config.file is for the "
		    "HTTP server, which --once does not run\n");
		free(opts.zones);
		return EXIT_USAGE;
	}
	if ((opts.nlisten > 0 || opts.systemd_socket) && opts.once) {
		fprintf(stderr, "zonehealthd: --web.listen-address and "
		    "--web.systemd-socket are for the HTTP server, which --once "
		    "does not run\n");
		free(opts.zones);
		return EXIT_USAGE;
	}
	if (opts.nlisten > 0 && opts.systemd_socket) {
		fprintf(stderr, "zonehealthd: --web.listen-address and "
		    "--web.systemd-socket exclude each other: the sockets come "
		    "from one or the other\n");
		free(opts.zones);
		return EXIT_USAGE;
	}
	if (opts.check_only && opts.once) {
		fprintf(stderr, "zonehealthd: -t and --once exclude each other\n");
		free(opts.zones);
		return EXIT_USAGE;
	}

	/* A peer closing an HTTP connection must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	if (opts.check_only)
		code = check_config(&opts);
	else if (opts.once)
		code = once_main(&opts);
	else
		code = daemon_main(&opts);
	free(opts.zones);
	return code;
}
