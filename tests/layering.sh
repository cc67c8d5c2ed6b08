#!/bin/sh
# layering: the data flow of the README, as the build sees it. Every module
# of src/ has a layer; a file may include its own layer's headers and those
# below, never one above (so no include cycle between layers either), and a
# new module must be given a layer here. Also proves the check can fail:
# an include planted one layer up in a copy of src/ is caught.
. "${top_srcdir:-.}/tests/lib.sh"

# Lowest first: the layer a module is in is its line's number.
LAYERS='
util:     zhbuild log xmalloc buf value clock file addr version notify procstat ratelimit sched nsec3 querydefs evlog
config:   cfgerr rootdata rootdata_builtin webconfig config
engine:   infra deleg walkdefs chaindefs burstdefs query walk chain burst tcpprobe
evidence: evidence finding
checks:   check check_delegation check_reachability check_served check_dnssec check_resolver check_round_robin check_rate_limit served sigcheck parent dnspolicy
state:    zone statefile snapshot
render:   render render_html render_json render_metrics
http:     routes clientcert auth sdlisten http
wiring:   runner probe daemon once main
'

# layering_violations DIR: one line per include that goes up a layer, or per
# module without a layer; nothing when the tree keeps to the layers.
layering_violations() {
	for f in "$1"/*.c "$1"/*.h; do
		base=${f##*/}
		grep -H '^#include "' "$f" | sed "s|^[^:]*:|$base |"
	done | awk -v layers="$LAYERS" '
	BEGIN {
		n = split(layers, lines, "\n"); k = 0
		for (i = 1; i <= n; i++) {
			if (lines[i] !~ /:/) continue
			k++; name[k] = lines[i]; sub(/:.*/, "", name[k])
			m = split(substr(lines[i], index(lines[i], ":") + 1), mods, " ")
			for (j = 1; j <= m; j++) layer[mods[j]] = k
		}
	}
	{
		from = $1; sub(/\.[ch]$/, "", from)
		to = $3; gsub(/"/, "", to); sub(/\.h$/, "", to)
		if (!(from in layer)) { if (!(from in told)) print $1 ": module " from " has no layer"; told[from] = 1; next }
		if (!(to in layer)) { print $1 ": includes " $3 ", which has no layer"; next }
		if (layer[to] > layer[from])
			print $1 " (" name[layer[from]] ") includes " $3 " (" name[layer[to]] ")"
	}'
}

layering_violations "$top_srcdir/src" > "$TMP/v"
check "no include goes up a layer" test ! -s "$TMP/v"
sed 's/^/    /' "$TMP/v"

# The same check on a copy with one upward include planted.
mkdir "$TMP/src"
cp "$top_srcdir"/src/*.c "$top_srcdir"/src/*.h "$TMP/src/"
echo '#include "daemon.h"' >> "$TMP/src/check_dnssec.c"
layering_violations "$TMP/src" > "$TMP/planted"
check "a planted upward include is caught" \
	grep -q '^check_dnssec.c (checks) includes "daemon.h" (wiring)$' "$TMP/planted"
echo '#include "brandnew.h"' >> "$TMP/src/finding.h"
: > "$TMP/src/brandnew.h"
layering_violations "$TMP/src" > "$TMP/planted"
check "a module without a layer is caught" grep -q 'includes "brandnew.h", which has no layer' "$TMP/planted"

# The checks' library (Makefile.am) needs nothing of the event loop, the
# HTTP server, YAML or TLS: what it uses and does not define itself.
lib="${top_builddir:-.}/src/libzhcheck.a"
if command -v nm > /dev/null && [ -f "$lib" ]; then
	nm -u "$lib" | awk 'NF == 2 { print $2 }' | sort -u > "$TMP/undef"
	nm --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u > "$TMP/def"
	comm -23 "$TMP/undef" "$TMP/def" > "$TMP/needs"
	check "the checks' library uses libc and ldns" test -s "$TMP/needs"
	check "the checks' library needs no libevent, MHD, YAML or TLS" \
	    sh -c "! grep -E '^(event_|evtimer_|evutil_|bufferevent_|MHD_|yaml_|gnutls_)' '$TMP/needs'"
	grep -E '^(event_|evtimer_|evutil_|bufferevent_|MHD_|yaml_|gnutls_)' "$TMP/needs" | sed 's/^/    needs /'
fi

finish
