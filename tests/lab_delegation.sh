#!/bin/sh
# lab_delegation: the real daemon against the lab's broken delegations and
# servers that do not serve their zone: each cause named with its server,
# address and severity, healthy zones clean, the same in --once JSON, the
# API and the metrics; serial_grace holds back a lagging secondary.
. "${top_srcdir:-.}/tests/lib.sh"
need promtool
lab_start

# The lab's config as is (serial_grace 10m), and without the grace.
grep -q '^serial_grace:' "$LAB/zonehealth.yaml" && { echo "FAIL: lab config sets serial_grace"; exit 1; }
cp "$LAB/zonehealth.yaml" "$TMP/nograce.yaml"
echo 'serial_grace: 0s' >> "$TMP/nograce.yaml"

$(daemon_cmd) --once --format json -c "$TMP/nograce.yaml" > "$TMP/once.json" 2> "$TMP/once.err"
code=$?
check "--once exits 2: a zone is critical ($code)" test "$code" = 2

# assert_zone ZONE STATUS [CAUSE SERVER ADDRESS SEVERITY]...: exactly these
# findings, of every check; "-" for a null server or address.
assert_zone() {
	python3 - "$TMP/once.json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
zone, status, rest = sys.argv[2], sys.argv[3], sys.argv[4:]
want = sorted(tuple(rest[i:i + 4]) for i in range(0, len(rest), 4))
z = [z for z in doc["zones"] if z["zone"] == zone]
assert len(z) == 1, "zone %s missing" % zone
z = z[0]
got = sorted((f["cause"], f["server"] or "-", f["address"] or "-", f["severity"])
             for f in z["findings"])
assert got == want, "%s: findings %s, want %s" % (zone, got, want)
assert z["status"] == status, "%s: status %s, want %s" % (zone, z["status"], status)
for f in z["findings"]:
    for k in ("summary", "evidence", "fix", "since"):
        assert f[k], "%s: %s empty in %s" % (zone, k, f)
PY
}
# finding_has ZONE CAUSE FIELD TEXT: that finding's FIELD contains TEXT.
finding_has() {
	python3 - "$TMP/once.json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
zone, cause, field, text = sys.argv[2:6]
fs = [f for z in doc["zones"] if z["zone"] == zone for f in z["findings"]
      if f["cause"] == cause]
assert fs, "no %s on %s" % (cause, zone)
assert any(text in f[field] for f in fs), "%r not in %s" % (text, [f[field] for f in fs])
PY
}

check "ok.lab. is clean" assert_zone ok.lab. ok
check "lab. is clean" assert_zone lab. ok
check "lame.lab.: the parent's extra NS answers REFUSED" assert_zone lame.lab. warning \
	lame_delegation ns2.lame.lab. 127.0.55.1 warning
check "lame.lab.: the fix names the registrar" finding_has lame.lab. lame_delegation fix registrar
check "nsmismatch.lab.: ns3 only in the zone" assert_zone nsmismatch.lab. warning \
	ns_set_mismatch - - warning
check "nsmismatch.lab.: the summary names it" finding_has nsmismatch.lab. ns_set_mismatch summary \
	"only in the zone: ns3.nsmismatch.lab."
check "badglue.lab.: glue at a dead address" assert_zone badglue.lab. critical \
	glue_mismatch ns2.badglue.lab. 127.0.62.9 critical \
	server_refused_connection ns2.badglue.lab. 127.0.62.9 warning
check "badglue.lab.: the fix gives the right address" finding_has badglue.lab. glue_mismatch fix \
	"at the registrar to 127.0.62.2"
check "noglue.lab.: in-zone NS without glue" assert_zone noglue.lab. critical \
	missing_glue ns2.noglue.lab. - critical
check "unresolvable.lab.: NS name does not exist" assert_zone unresolvable.lab. warning \
	ns_name_unresolvable ns.nowhere.ok.lab. - warning
check "unresolvable.lab.: NXDOMAIN said" finding_has unresolvable.lab. ns_name_unresolvable summary NXDOMAIN
check "cnamens.lab.: NS name is a CNAME" assert_zone cnamens.lab. warning \
	ns_name_unresolvable nsalias.ok.lab. - warning
check "cnamens.lab.: CNAME said" finding_has cnamens.lab. ns_name_unresolvable summary CNAME
check "refused.lab.: a listed server refuses the zone" assert_zone refused.lab. warning \
	server_refused ns2.refused.lab. 127.0.55.2 warning
check "servfail.lab.: zone failed to load on ns2" assert_zone servfail.lab. warning \
	server_servfail ns2.servfail.lab. 127.0.67.2 warning
check "noaa.lab.: ns2 answers with a referral, no AA" assert_zone noaa.lab. warning \
	not_authoritative ns2.noaa.lab. 127.0.54.1 warning
check "noaa.lab.: the referral said" finding_has noaa.lab. not_authoritative evidence referral
check "stale.lab.: ns2 three serials behind" assert_zone stale.lab. warning \
	serial_mismatch ns2.stale.lab. 127.0.69.2 warning
check "stale.lab.: how far behind" finding_has stale.lab. serial_mismatch summary "3 behind"
check "gone.lab.: not delegated" assert_zone gone.lab. critical \
	zone_not_delegated - - critical
check "www.ok.lab.: a name, not a zone (NODATA)" assert_zone www.ok.lab. critical \
	zone_not_delegated - - critical
check "www.ok.lab.: says no NS records" finding_has www.ok.lab. zone_not_delegated summary \
	"no NS records in ok.lab."
check "the JSON has the newest serial" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "stale.lab."][0]
assert isinstance(z["serial"], int) and z["serial"] > 3, z["serial"]
' "$TMP/once.json"

# With the default grace, a lag seen for the first time is not a finding yet.
$(daemon_cmd) --once --format json -c "$LAB/zonehealth.yaml" --zone stale.lab. \
	> "$TMP/grace.json" 2>/dev/null
check "stale.lab. inside serial_grace: no finding" python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]
assert z["status"] == "ok" and z["findings"] == [], z
' "$TMP/grace.json"

# The daemon: the same findings over the API and as metrics.
daemon_config "$TMP/nograce.yaml" "$TMP/daemon.yaml"
start_daemon "$TMP/daemon.yaml"
wait_judged
check "every zone judged by the daemon" all_judged
cp "$TMP/b" "$TMP/api.json"
# Not rate_limited: the daemon bursts after a zone's first run (--once never
# does), so rrl.lab. shows it from its second run on. Not lossy.lab.: its
# findings depend on which packets the relay happens to drop.
check "the API's findings are --once's (but rate_limited and lossy.lab.)" python3 -c '
import json, sys
def key(doc):
    return sorted((z["zone"], f["cause"], f["server"], f["address"], f["severity"])
                  for z in doc["zones"] for f in z["findings"]
                  if f["cause"] != "rate_limited" and z["zone"] != "lossy.lab.")
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert key(a) == key(b), (key(a), key(b))
' "$TMP/api.json" "$TMP/once.json"
http GET /metrics >/dev/null
check "promtool accepts the metrics" promtool check metrics < "$TMP/b"
# lossy.lab.'s findings change from run to run (runs are 2 s apart here).
check "every finding is a metric (but lossy.lab.'s)" python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
for z in doc["zones"]:
    if z["zone"] == "lossy.lab.":
        continue
    for f in z["findings"]:
        line = ("zonehealth_finding{zone=\"%s\",check=\"%s\",cause=\"%s\",severity=\"%s\",server=\"%s\",address=\"%s\"} 1"
                % (z["zone"], f["check"], f["cause"], f["severity"], f["server"] or "", f["address"] or ""))
        assert line in text, line
' "$TMP/api.json" "$TMP/b"
check "zone serial metric" python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "stale.lab."][0]
m = [l for l in open(sys.argv[2]) if l.startswith("zonehealth_zone_serial{zone=\"stale.lab.\"}")]
assert m and int(float(m[0].split()[1])) == z["serial"], (m, z["serial"])
' "$TMP/api.json" "$TMP/b"
# The status page as a browser builds it: a row for every lab zone, with
# the status the API gives it, worst first.
if command -v chromium >/dev/null 2>&1 || [ -n "${CI:-}" ]; then
	http GET /api/v1/zones >/dev/null
	cp "$TMP/b" "$TMP/page.json"
	chromium_run --dump-dom "$BASE/" > "$TMP/dom.html"
	dom_zone_rows "$TMP/dom.html" > "$TMP/rows"
	http GET /api/v1/zones >/dev/null
	cp "$TMP/b" "$TMP/page-after.json"
	check "the status page in Chromium: every lab zone, its status, worst first" \
	    python3 - "$TMP/rows" "$TMP/page.json" "$LAB/zonehealth.yaml" "$TMP/page-after.json" <<'PY'
import json, re, sys
rows = [l.split() for l in open(sys.argv[1])]
def statuses(path):
    return {z["zone"]: z["status"] for z in json.load(open(path))["zones"]}
before, after = statuses(sys.argv[2]), statuses(sys.argv[4])
conf = [re.sub(r"^\s*- (name: )?", "", l).strip().rstrip(".") + "."
        for l in open(sys.argv[3]) if re.match(r"^  - ", l)]
assert len(rows) == len(conf) > 30, (len(rows), len(conf))
assert sorted(r[0] for r in rows) == sorted(conf), (rows, conf)
# The page was built between the two API reads: a zone re-judged meanwhile
# (lossy.lab., rrl.lab. after a burst) may show either status, no other.
assert all(s in (before[z], after[z]) for z, s in rows), (rows, before, after)
rank = {"critical": 0, "warning": 1, "unknown": 2, "ok": 3}
order = [rank[s] for _, s in rows]
assert order == sorted(order), rows
PY
fi
stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
finish
