/* rootdata: root hints and trust anchors, from files or the built-in copies. */
#ifndef ZH_ROOTDATA_H
#define ZH_ROOTDATA_H

#include <stddef.h>

#include <ldns/ldns.h>

struct cfgerr;

#define ROOTDATA_HINTS_PATH	"/usr/share/dns/root.hints"
#define ROOTDATA_ANCHOR_PATH	"/usr/share/dns/root.key"

/* Parse a named.root style file; path NULL means the built-in copy. Returns
 * the records (NS for "." plus the addresses of those names), or NULL with
 * errors appended ("FILE:LINE:COL: error: ..."). */
ldns_rr_list *rootdata_load_hints(const char *path, struct cfgerr *);
/* Parse DS or DNSKEY records; path NULL means the built-in copy. */
ldns_rr_list *rootdata_load_anchor(const char *path, struct cfgerr *);

/* The same parsers on len bytes of text, named name in messages. */
ldns_rr_list *rootdata_parse_hints(const char *name, const char *text,
    size_t len, struct cfgerr *);
ldns_rr_list *rootdata_parse_anchor(const char *name, const char *text,
    size_t len, struct cfgerr *);

/* The built-in copies, as zone file text (rootdata_builtin.c). */
extern const char rootdata_builtin_hints[];
extern const char rootdata_builtin_anchor[];

#endif
