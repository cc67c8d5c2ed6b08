/* cfgerr: errors found in a YAML file, each "FILE:LINE:COL: error: message",
 * collected whole; and the YAML helpers both loaders (config, webconfig)
 * share. */
#ifndef ZH_CFGERR_H
#define ZH_CFGERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

struct cfgerr {
	char	**msgs;
	size_t	 n;
};

void cfgerr_add(struct cfgerr *, const char *file, unsigned long line,
    unsigned long col, const char *, ...) __attribute__((format(printf, 5, 6)));
void cfgerr_vadd(struct cfgerr *, const char *file, unsigned long line,
    unsigned long col, const char *, va_list) __attribute__((format(printf, 5, 0)));
/* An error at a node of file. */
void cfgerr_vat(struct cfgerr *, const char *file, const yaml_node_t *,
    const char *, va_list) __attribute__((format(printf, 4, 0)));
/* A YAML syntax error where the parser p (reading fp) stopped. */
void cfgerr_add_yaml(struct cfgerr *, const char *file, FILE *fp,
    const yaml_parser_t *p);
void cfgerr_print(const struct cfgerr *, FILE *);
void cfgerr_clear(struct cfgerr *);

/* YAML's null (an empty value, "~", "null") reads as nothing. */
bool cfgerr_yaml_null(const yaml_node_t *);
/* "nothing", "a scalar", "a sequence", "a mapping": for messages. */
const char *cfgerr_yaml_kind(const yaml_node_t *);

#endif
