/* cfgerr: errors found in a YAML file, each "FILE:LINE:COL: error: message",
 * collected whole; and the YAML helpers both loaders share. */
#include "zhbuild.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cfgerr.h"
#include "log.h"
#include "xmalloc.h"

void
cfgerr_vadd(struct cfgerr *errs, const char *file,
    unsigned long line, unsigned long col, const char *fmt, va_list ap)
{
	char	*msg;

	msg = xvasprintf(fmt, ap);
	/* Doubling: a config of 80,000 bad keys must not copy the list
	 * once per error. */
	if (errs->n == 0 || (errs->n >= 8 && (errs->n & (errs->n - 1)) == 0))
		errs->msgs = xreallocarray(errs->msgs, errs->n == 0 ? 8 :
		    2 * errs->n, sizeof(*errs->msgs));
	errs->msgs[errs->n++] = xasprintf("%s:%lu:%lu: error: %s", file, line,
	    col, msg);
	free(msg);
}

void
cfgerr_add(struct cfgerr *errs, const char *file,
    unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfgerr_vadd(errs, file, line, col, fmt, ap);
	va_end(ap);
}

void
cfgerr_print(const struct cfgerr *errs, FILE *fp)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		fprintf(fp, "%s\n", errs->msgs[i]);
}

void
cfgerr_clear(struct cfgerr *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
}

/*
 * Where the reader gave up: libyaml only has a byte offset for bytes that
 * are not UTF-8, so count the lines up to it.
 */
static yaml_mark_t
cfgerr_offset_mark(FILE *fp, size_t offset)
{
	yaml_mark_t	mark;
	size_t		i;
	int		c;

	memset(&mark, 0, sizeof(mark));
	if (fp == NULL || fseek(fp, 0, SEEK_SET) == -1)
		return mark;
	for (i = 0; i < offset && (c = getc(fp)) != EOF; i++) {
		if (c == '\n') {
			mark.line++;
			mark.column = 0;
		} else
			mark.column++;
	}
	return mark;
}

void
cfgerr_add_yaml(struct cfgerr *errs, const char *file, FILE *fp,
    const yaml_parser_t *p)
{
	yaml_mark_t	 mark;
	const char	*problem;
	unsigned long	 line, col;

	if (p->error == YAML_MEMORY_ERROR)
		fatalx("%s: out of memory parsing YAML", file);
	if (p->error == YAML_READER_ERROR)
		mark = cfgerr_offset_mark(fp, p->problem_offset);
	else
		mark = p->problem_mark;
	line = (unsigned long)mark.line + 1;
	col = (unsigned long)mark.column + 1;
	problem = p->problem != NULL ? p->problem : "syntax error";
	if (p->context != NULL)
		cfgerr_add(errs, file, line, col,
		    "%s (%s at line %lu, column %lu)", problem, p->context,
		    (unsigned long)p->context_mark.line + 1,
		    (unsigned long)p->context_mark.column + 1);
	else
		cfgerr_add(errs, file, line, col, "%s", problem);
}

/* YAML's null (an empty value, "~", "null") reads as nothing. */
bool
cfgerr_yaml_null(const yaml_node_t *node)
{
	const char	*s;

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)node->data.scalar.value;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *
cfgerr_yaml_kind(const yaml_node_t *node)
{
	if (cfgerr_yaml_null(node))
		return "nothing";
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "an empty node";
	}
}

void
cfgerr_vat(struct cfgerr *errs, const char *file, const yaml_node_t *node,
    const char *fmt, va_list ap)
{
	/* libyaml counts from 0, people from 1. */
	cfgerr_vadd(errs, file, (unsigned long)node->start_mark.line + 1,
	    (unsigned long)node->start_mark.column + 1, fmt, ap);
}
