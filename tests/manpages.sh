#!/bin/sh
# manpages: zonehealthd(8) and zonehealth.yaml(5) render without warnings and
# document what the code has: every config key of the schema tables, every
# option --help prints, every cause, check and exported metric.
. "${top_srcdir:-.}/tests/lib.sh"
need groff
need python3

MAN8="$top_builddir/man/zonehealthd.8"
MAN5="$top_builddir/man/zonehealth.yaml.5"
for page in "$MAN8" "$MAN5"; do
	if [ ! -f "$page" ]; then
		echo "FAIL: $page is not built (run make first)"
		exit 1
	fi
done

# Render: no warning at groff's strictest, no placeholder left unfilled.
# All but "can't break line": an install path under a long prefix (as in
# make distcheck) is one word wider than the page.
for page in "$MAN8" "$MAN5"; do
	name=$(basename "$page")
	groff -mandoc -ww -Wbreak -z -Tutf8 "$page" > "$TMP/warn" 2>&1; code=$?
	cat "$TMP/warn"
	check "$name renders (groff exit $code)" test $code = 0
	check "$name renders without warnings" test ! -s "$TMP/warn"
	groff -mandoc -Tascii -P-cbou "$page" > "$TMP/$name.txt" 2>/dev/null
	check "$name has text" test "$(wc -l < "$TMP/$name.txt")" -gt 50
	check "$name has no @placeholder@ left" sh -c "! grep -n '@[a-zA-Z_]*@' '$page'"
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -Wwarning "$page" > "$TMP/lint" 2>&1
		cat "$TMP/lint"
		check "$name: mandoc -Tlint is quiet" test ! -s "$TMP/lint"
	fi
done

"$ZONEHEALTHD" --help > "$TMP/help"
check "--help prints options" grep -q -- '--config' "$TMP/help"

python3 - "$top_srcdir/src" "$MAN8" "$MAN5" "$TMP/help" \
    "$TMP/zonehealthd.8.txt" "$TMP/zonehealth.yaml.5.txt" <<'EOF'
import glob, os, re, sys

src, man8_path, man5_path, help_path, text8_path, text5_path = sys.argv[1:7]
man8 = open(man8_path).read()
man5 = open(man5_path).read()
text8 = open(text8_path).read()
text5 = open(text5_path).read()
config_c = open(os.path.join(src, "config.c")).read()
fails = 0


def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        fails += 1


# String macros of the headers, for defaults such as ROOTDATA_HINTS_PATH.
macros = {}
for h in glob.glob(os.path.join(src, "*.h")):
    for name, value in re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', open(h).read(), re.M):
        macros[name] = value


def schema(table):
    """(key, default or None) for each entry of a config_option table."""
    m = re.search(r"struct config_option %s\[\] = \{(.*?)\n\};" % table,
                  config_c, re.S)
    check(m is not None, "src/config.c has the schema table " + table)
    if m is None:
        return []
    keys = []
    for entry in re.findall(r"\{\s*\.name\s*=.*?\.help\s*=", m.group(1), re.S):
        name = re.search(r'\.name\s*=\s*"([^"]+)"', entry).group(1)
        d = re.search(r'\.def\s*=\s*(?:"([^"]*)"|(\w+))', entry)
        default = None
        if d:
            default = d.group(1) if d.group(1) is not None else macros.get(d.group(2))
        keys.append((name, default))
    return keys


def items(page, start, end):
    """The .It Ic entries of the page between two section macros: key -> text."""
    i = page.find(start)
    j = page.find(end, i + 1) if i >= 0 else -1
    body = page[i:j if j >= 0 else len(page)] if i >= 0 else ""
    out = {}
    for part in re.split(r"^\.It ", body, flags=re.M)[1:]:
        m = re.match(r"Ic (\w+)", part)
        if m:
            out[m.group(1)] = part
    return out


sections = [
    ("config_options", ".Sh KEYS", ".Ss Zone keys"),
    ("config_zone_options", ".Ss Zone keys", ".Ss Host keys"),
    ("config_host_options", ".Ss Host keys", ".Ss Probe keys"),
    ("config_probe_options", ".Ss Probe keys", ".Sh "),
]
for table, start, end in sections:
    keys = schema(table)
    check(len(keys) > 0, "%s: %d keys in the schema" % (table, len(keys)))
    documented = items(man5, start, end)
    for key, default in keys:
        check(key in documented,
              "zonehealth.yaml(5) documents %s key %s under %r" % (table, key, start))
        if key in documented and default is not None:
            said = re.search(r"Default:\n\.(?:Ql|Pa) %s\s" % re.escape(default),
                             documented[key])
            check(said is not None,
                  "zonehealth.yaml(5) gives %s's default %s" % (key, default))
    for key in documented:
        check(key in dict(keys),
              "documented key %s (under %r) is in the schema" % (key, start))

# Every option --help prints, in the OPTIONS section of the rendered page.
help_text = open(help_path).read()
options = sorted(set(re.findall(r"(?<![\w-])(--?[A-Za-z](?:[A-Za-z-]|\.(?=[A-Za-z]))*)",
                                  help_text)))
check(len(options) >= 10, "--help lists %d options" % len(options))
m = re.search(r"^OPTIONS\n(.*?)^\S", text8, re.S | re.M)
opt_text = m.group(1) if m else ""
for opt in options:
    check(re.search(r"(?<![\w-])%s(?![\w.-])" % re.escape(opt), opt_text) is not None,
          "zonehealthd(8) OPTIONS has " + opt)

# Every key of the web config, each client_auth_type, and the keys of the
# format that are refused, in zonehealth.yaml(5)'s WEB CONFIGURATION FILE.
webconfig_c = open(os.path.join(src, "webconfig.c")).read()
i = man5.find(".Sh WEB CONFIGURATION FILE")
web = man5[i:man5.find("\n.Sh ", i + 1)] if i >= 0 else ""
check(i >= 0, "zonehealth.yaml(5) has WEB CONFIGURATION FILE")
for table in ("webconfig_top_keys", "webconfig_tls_keys"):
    m = re.search(r"struct webconfig_key %s\[\] = \{(.*?)\n\};" % table, webconfig_c, re.S)
    keys = re.findall(r'\{ "(\w+)",', m.group(1)) if m else []
    check(len(keys) >= 2, "src/webconfig.c: %d keys in %s" % (len(keys), table))
    for key in keys:
        check(re.search(r"^\.It Ic %s\b" % key, web, re.M) is not None,
              "zonehealth.yaml(5) documents web config key " + key)
m = re.search(r"webconfig_client_auth_names\[\] = \{(.*?)\n\};", webconfig_c, re.S)
policies = re.findall(r'"(\w+)"', m.group(1)) if m else []
check(len(policies) == 5, "src/webconfig.c: %d client_auth_type values" % len(policies))
for p in policies:
    check(re.search(r"^\.Cm %s\b" % p, web, re.M) is not None,
          "zonehealth.yaml(5) explains client_auth_type " + p)
m = re.search(r"webconfig_unsupported\[\] = \{(.*?)\n\};", webconfig_c, re.S)
refused = re.findall(r'"(\w+)"', m.group(1)) if m else []
check(len(refused) >= 5, "src/webconfig.c: %d refused keys" % len(refused))
for key in refused:
    check(re.search(r"^\.Ic %s\b" % key, web, re.M) is not None,
          "zonehealth.yaml(5) names the refused key " + key)

# The default config path the binary was built with, in both pages.
m = re.search(r"\(default (\S+)\)", help_text)
check(m is not None, "--help names the default config path")
if m:
    for name, text in (("zonehealthd(8)", text8), ("zonehealth.yaml(5)", text5)):
        check(m.group(1) in text, "%s names %s" % (name, m.group(1)))

# Causes and checks of the catalogue.
finding_c = open(os.path.join(src, "finding.c")).read()
causes = re.findall(r'\{ "([a-z_]+)",\s+CHECK_[A-Z_]+ \}', finding_c)
checks = re.findall(r'\[CHECK_[A-Z_]+\] = "([a-z_]+)"', finding_c)
check(len(causes) >= 30 and len(checks) == 6,
      "%d causes and %d checks in src/finding.c" % (len(causes), len(checks)))
for c in causes:
    check(re.search(r"^\.It .*\bLi %s\b" % c, man8, re.M) is not None,
          "zonehealthd(8) CAUSES has " + c)
for c in checks:
    check(re.search(r"^\.Ss %s$" % c, man8, re.M) is not None,
          "zonehealthd(8) CAUSES has a subsection for " + c)
readme = open(os.path.join(src, "..", "README.md")).read()
for c in causes:
    check("`%s`" % c in readme, "README's causes table has " + c)

# Every metric the renderer writes.
render_c = open(os.path.join(src, "render_metrics.c")).read()
metrics = sorted(set(re.findall(r'"((?:zonehealth|process)_[a-z_]+)"', render_c)))
check(len(metrics) >= 15, "%d metrics in src/render_metrics.c" % len(metrics))
for name in metrics:
    check(re.search(r"\bSy %s\b" % name, man8) is not None,
          "zonehealthd(8) METRICS has " + name)

print("%d failed" % fails)
sys.exit(1 if fails else 0)
EOF
code=$?
check "manual pages match the code" test $code = 0

# The example in zonehealth.yaml(5) is a valid config.
awk '/^Watch two zones/ { want = 1 } want && /^\.Bd -literal/ { on = 1; next }
	on && /^\.Ed/ { exit } on { print }' "$MAN5" > "$TMP/example.yaml"
check "zonehealth.yaml(5) has an example config" grep -q '^zones:' "$TMP/example.yaml"
"$ZONEHEALTHD" -t -c "$TMP/example.yaml" > "$TMP/out" 2>&1; code=$?
cat "$TMP/out"
check "zonehealthd -t accepts the example of zonehealth.yaml(5)" test $code = 0
finish
