/* rootdata: root hints and trust anchors, from files or the built-in copies. */
#include "zhbuild.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "cfgerr.h"
#include "file.h"
#include "log.h"
#include "rootdata.h"

#define ROOTDATA_HINTS_BUILTIN	"<built-in root hints>"
#define ROOTDATA_ANCHOR_BUILTIN	"<built-in trust anchor>"

enum rootdata_kind {
	ROOTDATA_HINTS,
	ROOTDATA_ANCHOR,
};

/* One file being read: its name in messages and the errors found so far. */
/* Root hints or a trust anchor of more than this is not one (the real
 * ones are a few KiB); a device or a FIFO is refused before reading. */
#define ROOTDATA_FILE_MAX	(1u << 20)

struct rootdata_file {
	const char		*name;
	FILE			*fp;
	char			*text;		/* the file read whole */
	struct cfgerr	*errs;
	size_t			 nerrors;
};

static void
rootdata_push(ldns_rr_list *list, ldns_rr *rr)
{
	if (!ldns_rr_list_push_rr(list, rr))
		fatalx("out of memory (root data)");
}

static ldns_rr *
rootdata_clone(const ldns_rr *rr)
{
	ldns_rr	*copy;

	if ((copy = ldns_rr_clone(rr)) == NULL)
		fatalx("out of memory (root data)");
	return copy;
}

static ldns_rr_list *
rootdata_list_new(void)
{
	ldns_rr_list	*list;

	if ((list = ldns_rr_list_new()) == NULL)
		fatalx("out of memory (root data)");
	return list;
}

/* Opens path, or text (len bytes, named name) when path is NULL. */
static int
rootdata_open(struct rootdata_file *f, const char *path, const char *text,
    size_t len, const char *name, struct cfgerr *errs)
{
	const char	*why;

	memset(f, 0, sizeof(*f));
	f->errs = errs;
	if (path == NULL) {
		f->name = name;
		/* Read as a file: one parser, one kind of error message. */
		f->fp = fmemopen((void *)(uintptr_t)text, len, "r");
	} else {
		f->name = path;
		if ((f->text = file_read(path, ROOTDATA_FILE_MAX, &len, &why)) == NULL) {
			cfgerr_add(errs, f->name, 1, 1, "cannot read file: %s",
			    why);
			return -1;
		}
		f->fp = fmemopen(f->text, len, "r");
	}
	if (f->fp == NULL) {
		free(f->text);
		cfgerr_add(errs, f->name, 1, 1, "cannot read file: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void rootdata_error(struct rootdata_file *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
rootdata_error(struct rootdata_file *f, int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfgerr_add(f->errs, f->name, (unsigned long)line, 1, "%s", msg);
	f->nerrors++;
}

/*
 * Skips blank and comment-only lines. ldns would skip them too, but then
 * the line count it keeps points past a record, not at its first line.
 * Without a seekable stream, nothing is skipped and counts stay close.
 */
static int
rootdata_skip_blank(FILE *fp, int *line)
{
	long	start;
	int	c;

	for (;;) {
		if ((start = ftell(fp)) == -1)
			return 0;
		while ((c = getc(fp)) == ' ' || c == '\t' || c == '\r')
			;
		if (c == ';')
			while ((c = getc(fp)) != '\n' && c != EOF)
				;
		if (c == EOF)
			return 0;
		if (c == '\n') {
			(*line)++;
			continue;
		}
		/* Leading blanks mean "same owner as before": keep them. */
		return fseek(fp, start, SEEK_SET);
	}
}

/* Text form of an RR's type, for messages. */
static void
rootdata_type_str(const ldns_rr *rr, char *out, size_t outlen)
{
	char	*s;

	if ((s = ldns_rr_type2str(ldns_rr_get_type(rr))) == NULL)
		fatalx("out of memory (root data)");
	snprintf(out, outlen, "%s", s);
	free(s);
}

/* True when rr belongs in a file of this kind; errors otherwise. */
static bool
rootdata_accept(struct rootdata_file *f, enum rootdata_kind kind,
    const ldns_rr *rr, int line)
{
	char		 type[32];
	ldns_rr_type	 t = ldns_rr_get_type(rr);

	rootdata_type_str(rr, type, sizeof(type));
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		rootdata_error(f, line, "%s record not of class IN", type);
		return false;
	}
	switch (kind) {
	case ROOTDATA_HINTS:
		if (t == LDNS_RR_TYPE_NS) {
			if (ldns_dname_label_count(ldns_rr_owner(rr)) != 0) {
				rootdata_error(f, line, "%s record not owned "
				    "by the root (root hints hold the "
				    "root's)", type);
				return false;
			}
			return true;
		}
		if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
			return true;
		rootdata_error(f, line, "unexpected %s record (root hints hold "
		    "NS, A and AAAA records)", type);
		return false;
	case ROOTDATA_ANCHOR:
		if (t == LDNS_RR_TYPE_DS || t == LDNS_RR_TYPE_DNSKEY)
			return true;
		rootdata_error(f, line, "unexpected %s record (a trust anchor "
		    "holds DS or DNSKEY records)", type);
		return false;
	}
	return false;
}

/* Every record of the file, each checked as it is read. */
static ldns_rr_list *
rootdata_read(struct rootdata_file *f, enum rootdata_kind kind)
{
	ldns_rr_list	*list;
	ldns_rr		*rr;
	ldns_rdf	*origin, *prev = NULL;
	ldns_status	 status;
	const char	*msg;
	uint32_t	 ttl = 3600;
	int		 line = 0, first;

	list = rootdata_list_new();
	/* Relative owners in a file about the root are relative to it. */
	if ((origin = ldns_dname_new_frm_str(".")) == NULL)
		fatalx("out of memory (root data)");
	for (;;) {
		if (rootdata_skip_blank(f->fp, &line) == -1) {
			rootdata_error(f, line + 1, "cannot read file: %s",
			    strerror(errno));
			break;
		}
		if (feof(f->fp) || ferror(f->fp))
			break;
		first = line + 1;
		rr = NULL;
		status = ldns_rr_new_frm_fp_l(&rr, f->fp, &ttl, &origin, &prev,
		    &line);
		switch (status) {
		case LDNS_STATUS_OK:
			if (rootdata_accept(f, kind, rr, first))
				rootdata_push(list, rr);
			else
				ldns_rr_free(rr);
			break;
		case LDNS_STATUS_SYNTAX_EMPTY:
		case LDNS_STATUS_SYNTAX_TTL:
		case LDNS_STATUS_SYNTAX_ORIGIN:
			break;
		case LDNS_STATUS_SYNTAX_INCLUDE:
			rootdata_error(f, first, "$INCLUDE is not supported");
			break;
		default:
			if ((msg = ldns_get_errorstr_by_id(status)) == NULL)
				msg = "syntax error";
			rootdata_error(f, first, "%s", msg);
			break;
		}
	}
	if (ferror(f->fp))
		rootdata_error(f, line + 1, "cannot read file: %s",
		    strerror(errno));
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return list;
}

/* True when owner is the target of one of the NS records in ns. */
static bool
rootdata_is_ns_name(const ldns_rr_list *ns, const ldns_rdf *owner)
{
	size_t	i;

	for (i = 0; i < ldns_rr_list_rr_count(ns); i++)
		if (ldns_dname_compare(ldns_rr_ns_nsdname(
		    ldns_rr_list_rr(ns, i)), owner) == 0)
			return true;
	return false;
}

/*
 * Keeps the root NS set and the addresses of those names; other addresses
 * would never be used, so they are dropped.
 */
static ldns_rr_list *
rootdata_hints_select(struct rootdata_file *f, ldns_rr_list *all)
{
	ldns_rr_list	*out;
	ldns_rr		*rr;
	size_t		 i, nns = 0, naddr = 0;

	out = rootdata_list_new();
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		rr = ldns_rr_list_rr(all, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
			rootdata_push(out, rootdata_clone(rr));
			nns++;
		}
	}
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		rr = ldns_rr_list_rr(all, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS &&
		    rootdata_is_ns_name(out, ldns_rr_owner(rr))) {
			rootdata_push(out, rootdata_clone(rr));
			naddr++;
		}
	}
	if (nns == 0)
		rootdata_error(f, 1, "no root NS records");
	else if (naddr == 0)
		rootdata_error(f, 1, "no addresses for the root NS names");
	return out;
}

/* From path, or else from text (len bytes) named name. */
static ldns_rr_list *
rootdata_load(const char *path, const char *text, size_t len,
    const char *name, enum rootdata_kind kind, struct cfgerr *errs)
{
	struct rootdata_file	 f;
	ldns_rr_list		*all, *out;

	if (rootdata_open(&f, path, text, len, name, errs) == -1)
		return NULL;
	all = rootdata_read(&f, kind);
	fclose(f.fp);
	free(f.text);
	if (f.nerrors == 0 && kind == ROOTDATA_HINTS) {
		out = rootdata_hints_select(&f, all);
		ldns_rr_list_deep_free(all);
		all = out;
	} else if (f.nerrors == 0 && ldns_rr_list_rr_count(all) == 0)
		rootdata_error(&f, 1, "no DS or DNSKEY records");
	if (f.nerrors != 0) {
		ldns_rr_list_deep_free(all);
		return NULL;
	}
	return all;
}

ldns_rr_list *
rootdata_load_hints(const char *path, struct cfgerr *errs)
{
	return rootdata_load(path, rootdata_builtin_hints,
	    strlen(rootdata_builtin_hints), ROOTDATA_HINTS_BUILTIN,
	    ROOTDATA_HINTS, errs);
}

ldns_rr_list *
rootdata_load_anchor(const char *path, struct cfgerr *errs)
{
	return rootdata_load(path, rootdata_builtin_anchor,
	    strlen(rootdata_builtin_anchor), ROOTDATA_ANCHOR_BUILTIN,
	    ROOTDATA_ANCHOR, errs);
}

ldns_rr_list *
rootdata_parse_hints(const char *name, const char *text, size_t len,
    struct cfgerr *errs)
{
	return rootdata_load(NULL, text, len, name, ROOTDATA_HINTS, errs);
}

ldns_rr_list *
rootdata_parse_anchor(const char *name, const char *text, size_t len,
    struct cfgerr *errs)
{
	return rootdata_load(NULL, text, len, name, ROOTDATA_ANCHOR, errs);
}
