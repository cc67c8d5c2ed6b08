#!/bin/sh
# grafana: the shipped dashboard parses, every panel queries the chosen data
# source, and every metric it asks for is one the daemon exports or plans.
. "${top_srcdir:-.}/tests/lib.sh"
need python3
need curl

# What a real daemon exports: every family has its # TYPE line even when
# it has no sample yet.
write_config zh.yaml 'zones: [example.com]'
start_daemon "$TMP/zh.yaml"
code=$(http GET /metrics)
check "scrape is 200" test "$code" = 200
sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$TMP/b" | sort -u > "$TMP/exported"
stop_daemon
check "the scrape names metric families" test -s "$TMP/exported"

python3 - "$top_srcdir/contrib/grafana/zonehealth.json" "$TMP/exported" \
    "$top_srcdir/man/zonehealthd.8.in" "$top_srcdir/contrib/grafana/README.md" <<'EOF'
import json, re, sys

dash_path, exported_path, man_path, readme_path = sys.argv[1:5]
fails = 0


def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        fails += 1


with open(dash_path) as f:
    d = json.load(f)
check(True, "the dashboard is JSON")
exported = set(open(exported_path).read().split())
# zonehealthd(8) lists every metric of the design, planned ones too.
documented = set(re.findall(r"^\.It Sy ([a-z_]+)", open(man_path).read(), re.M))
documented |= set(re.findall(r"Sy ((?:zonehealth|process)_[a-z_]+)",
                             open(man_path).read()))

schema = d.get("schemaVersion")
check(isinstance(schema, int) and schema >= 36,
      "schemaVersion %r is one current Grafana imports" % schema)
check(re.search(r"\bschemaVersion\b[^0-9]*%s\b" % schema,
                open(readme_path).read()) is not None,
      "contrib/grafana/README.md states schemaVersion %s" % schema)
check(bool(d.get("uid")) and bool(d.get("title")), "uid and title are set")

variables = {v["name"]: v for v in d["templating"]["list"]}
ds = variables.get("datasource", {})
check(ds.get("type") == "datasource" and ds.get("query") == "prometheus",
      "a Prometheus data source template variable named datasource")
DS_UIDS = ("${datasource}", "$datasource")


def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))


def metrics_in(expr):
    return set(re.findall(r"\b((?:zonehealth|process)_[a-z0-9_]+)", expr))


used = set()
ids = set()
cells = {}
all_panels = list(panels(d["panels"]))
check(len(all_panels) > 0, "the dashboard has panels")
for p in all_panels:
    name = "panel %r" % p.get("title")
    check(p.get("id") not in ids, name + " has a unique id")
    ids.add(p.get("id"))
    pds = p.get("datasource") or {}
    check(pds.get("uid") in DS_UIDS and pds.get("type") == "prometheus",
          name + " uses the datasource variable")
    targets = p.get("targets") or []
    check(len(targets) > 0, name + " has targets")
    refs = [t.get("refId") for t in targets]
    check(len(set(refs)) == len(refs) and None not in refs,
          name + " has distinct refIds")
    for t in targets:
        tds = t.get("datasource") or {}
        check(tds.get("uid") in DS_UIDS,
              name + " target " + str(t.get("refId")) + " uses the datasource variable")
        expr = t.get("expr", "")
        check(bool(metrics_in(expr)),
              name + " target " + str(t.get("refId")) + " queries a zonehealth metric")
        used |= metrics_in(expr)
    g = p.get("gridPos", {})
    check(all(k in g for k in "xywh") and g["x"] + g["w"] <= 24,
          name + " fits the 24-column grid")
    overlapped = set()
    for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
        for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
            if (x, y) in cells:
                overlapped.add(cells[(x, y)])
            cells[(x, y)] = p.get("title")
    check(not overlapped, name + " overlaps no other panel " +
          repr(sorted(overlapped)))

for v in d["templating"]["list"]:
    q = v.get("query")
    q = q.get("query", "") if isinstance(q, dict) else (q or "")
    if v.get("type") == "query":
        check(bool(metrics_in(q)), "variable %s queries a metric" % v["name"])
        vds = v.get("datasource") or {}
        check(vds.get("uid") in DS_UIDS,
              "variable %s uses the datasource variable" % v["name"])
        used |= metrics_in(q)

for m in sorted(used):
    if m in exported:
        check(True, m + " is exported")
    else:
        check(m in documented, m + " is not exported yet but documented "
              "in zonehealthd(8) (planned)")

# What the dashboard is for.
for m in ("zonehealth_zone_status", "zonehealth_finding",
          "zonehealth_dnssec_earliest_expiry_timestamp_seconds",
          "zonehealth_server_reachable", "zonehealth_server_rtt_seconds",
          "zonehealth_resolver_response"):
    check(m in used, "a panel shows " + m)
linked = [p for p in all_panels if p.get("type") == "table" and any(
    "zonehealth_finding" in t.get("expr", "") for t in p["targets"])]
check(len(linked) == 1, "one table of active findings")
for p in linked:
    text = json.dumps(p)
    for col in ("zone", "check", "cause", "severity", "server", "address"):
        check('"%s"' % col in text, "the findings table has a %s column" % col)
    check("/api/v1/zones/" in text, "the findings table links to the zone's JSON")

print("%d failed" % fails)
sys.exit(1 if fails else 0)
EOF
code=$?
check "dashboard checks" test $code = 0
finish
