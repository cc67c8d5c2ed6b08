/* daemon: the long-running service: event loop, signals, reloads, runs. */
#ifndef ZH_DAEMON_H
#define ZH_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct cfgerr;

/* Exit codes (sysexits.h where one fits). */
#define EXIT_USAGE	64	/* EX_USAGE */
#define EXIT_CONFIG	78	/* EX_CONFIG */

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
};

struct options {
	const char		*config_path;	/* NULL: none given */
	bool			 foreground;
	bool			 check_only;	/* -t */
	bool			 once;
	enum output_format	 format;
	const char		**zones;	/* --zone, in order given */
	size_t			 nzones;
	const char		*web_config_file;	/* --web.config.file; NULL:
						 * web_config_file of the config */
	const char		**listen_addrs;	/* --web.listen-address, in order
						 * given; none: listen of the config */
	size_t			 nlisten;
	bool			 systemd_socket;	/* --web.systemd-socket */
	unsigned		 shard_index;	/* --shard I/N; 0: as configured */
	unsigned		 shard_count;
};

/* Loads the config as the options ask: -c FILE (or the default path), with
 * --zone narrowing the list to the named zones (added with defaults when
 * the file lacks them); --once with --zone and no -c needs no file.
 * Except with --once, the web config (--web.config.file, else the file's
 * web_config_file) is loaded into cfg->web, its errors being the config's. */
struct config *daemon_load_config(const struct options *, struct cfgerr *);
/* Runs the service until SIGTERM/SIGINT; returns the exit code. */
int daemon_main(const struct options *);

#endif
