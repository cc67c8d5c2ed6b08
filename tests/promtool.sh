#!/bin/sh
# promtool: the shipped Prometheus rules (generated from the cause
# catalogue: the shipped file is what genrules.py makes), their unit tests,
# a test per cause, the example config; promtool's lint of a real scrape,
# and the rules run on that scrape.
. "${top_srcdir:-.}/tests/lib.sh"
need promtool
need curl
need python3

PROM="$top_srcdir/contrib/prometheus"
RULES="$PROM/zonehealth.rules.yml"

# One source: the shipped rules are the generator's output for the
# daemon's catalogue ("make rules" after a change).
"$ZONEHEALTHD" --print-catalogue > "$TMP/catalogue"
check "--print-catalogue exits 0 with a line per cause" test "$(wc -l < "$TMP/catalogue")" -gt 40
python3 "$PROM/genrules.py" --catalogue "$TMP/catalogue" -o "$TMP/rules.yml"
if cmp -s "$TMP/rules.yml" "$RULES"; then
	pass "zonehealth.rules.yml is what genrules.py makes from the catalogue"
else
	diff -u "$RULES" "$TMP/rules.yml" | head -n 40
	fail "zonehealth.rules.yml differs from genrules.py's output: run make rules"
fi

check "promtool check rules (lint fatal)" \
    promtool check rules --lint=all --lint-fatal "$RULES"
check "rule unit tests pass" promtool test rules "$PROM/zonehealth.rules.test.yml"
check "example prometheus.yml is valid" promtool check config "$PROM/prometheus.yml"
# amtool comes with prometheus-alertmanager: required in CI, else skipped.
if command -v amtool > /dev/null || [ -n "${CI:-}" ]; then
	check "example alertmanager.yml (its inhibitions) is valid" \
	    amtool check-config "$top_srcdir/contrib/alertmanager/alertmanager.yml"
else
	echo "skip: amtool is not installed (prometheus-alertmanager)"
fi

# Every alert has a unit test where it fires and one where it does not.
sed -n 's/^ *- alert: *\([A-Za-z0-9_]*\).*/\1/p' "$RULES" | sort -u > "$TMP/alerts"
check "the rules have alerts" test -s "$TMP/alerts"
awk '
	/alertname:/ { name = $2; next }
	/exp_alerts:/ && name != "" {
		if ($0 ~ /exp_alerts: *\[\]/) quiet[name] = 1; else fired[name] = 1
		name = ""
	}
	END { for (n in fired) if (n in quiet) print n }
' "$PROM/zonehealth.rules.test.yml" | sort > "$TMP/tested"
for a in $(cat "$TMP/alerts"); do
	check "$a is tested firing and not firing" grep -qx "$a" "$TMP/tested"
done

# Every cause of the catalogue has its alerts: a finding of each cause and
# severity fires the alert named by the catalogue's class, after its for:
# and not before, with the cause's fix hint.
python3 - "$TMP/catalogue" "$RULES" > "$TMP/causes.test.yml" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
print("rule_files:\n  - %s\nevaluation_interval: 1m\ntests:" % sys.argv[2])
for cause, check, _, cls, fr, _, hint in rows:
    fr = int(fr) // 60
    for sev in ("critical", "warning"):
        name = "ZonehealthFinding" + sev.capitalize() + ("Transport" if cls == "transport" else "")
        zone = "%s.%s.example." % (cause.replace("_", "-"), sev)
        print("  - interval: 1m\n    input_series:")
        print("      - series: 'zonehealth_finding{job=\"zonehealth\",instance=\"h:1\",zone=\"%s\","
              "check=\"%s\",cause=\"%s\",severity=\"%s\",server=\"ns1.%s\",address=\"192.0.2.1\"}'"
              % (zone, check, cause, sev, zone))
        print("        values: '1x%d'" % (fr + 3))
        print("    promql_expr_test:")
        if fr:
            print("      - expr: count by (alertname, cause, severity) (ALERTS{alertstate=\"firing\",alertname=~\"ZonehealthFinding.*\"})")
            print("        eval_time: %dm\n        exp_samples: []" % (fr - 1))
        print("      - expr: count by (alertname, cause, severity) (ALERTS{alertstate=\"firing\",alertname=~\"ZonehealthFinding.*\"})")
        print("        eval_time: %dm\n        exp_samples:" % fr)
        print("          - labels: '{alertname=\"%s\",cause=\"%s\",severity=\"%s\"}'" % (name, cause, sev))
        print("            value: 1")
PY
check "each cause's alerts fire with its class's name, after its for:" \
    promtool test rules "$TMP/causes.test.yml"
while IFS="$(printf '\t')" read -r cause _ _ _ _ _ hint; do
	[ "$cause" = cause ] && continue
	n=$(grep -c "cause=\"$cause\",severity=\"critical\"}\[" "$RULES")
	# the critical rule, and the warning rule's "unless"
	check "$cause: a critical and a warning rule" test "$n" -eq 2
	check "$cause: its fix hint is in the rules" grep -qF -- "$hint" "$RULES"
done < "$TMP/catalogue"

# The transport causes of the confirmed-by-vantage-points rule are the
# catalogue's.
awk -F'\t' '$4 == "transport" { printf "%s%s", sep, $1; sep = "|" }' "$TMP/catalogue" > "$TMP/transport"
check "one list of transport-level causes, the catalogue's" \
    grep -qF "cause=~\"$(cat "$TMP/transport")\"" "$RULES"

# A real daemon: its test root refuses every query, so example.com. gets a
# parent_unreachable finding on its first run.
write_config zh.yaml 'interval: 1s' 'zones: [example.com]'
start_daemon "$TMP/zh.yaml"
status=""
for _ in $(seq 1 100); do
	http GET /metrics >/dev/null
	status=$(metric 'zonehealth_zone_status{zone="example.com."}')
	[ -n "$status" ] && break
	sleep 0.1
done
check "the zone has been judged" test -n "$status"
promtool check metrics < "$TMP/b" > "$TMP/lint" 2>&1; code=$?
cat "$TMP/lint"
check "promtool check metrics: exit 0" test $code = 0
check "promtool check metrics: no complaint" test ! -s "$TMP/lint"
cp "$TMP/b" "$TMP/scrape"
stop_daemon
check "daemon exits 0" test "$DSTATUS" = 0

# Metric names the rules use: exported by the daemon, or documented in
# zonehealthd(8) as planned (DESIGN.md's contract).
sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$TMP/scrape" | sort -u > "$TMP/exported"
grep -o 'zonehealth_[a-z0-9_]*' "$RULES" | sort -u > "$TMP/used"
check "the rules use zonehealth metrics" test -s "$TMP/used"
for m in $(cat "$TMP/used"); do
	if grep -qx "$m" "$TMP/exported"; then
		pass "$m is exported"
	elif grep -q "^\.It Sy $m\( \|$\)" "$top_srcdir/man/zonehealthd.8.in"; then
		pass "$m is not exported yet but documented (planned)"
	else
		fail "$m is neither exported nor documented"
	fi
done

# The rules on the real scrape (integer samples held for 15 minutes) plus
# a healthy "up": the finding alerts through the transport rule, and
# nothing else alerts.
{
	echo 'rule_files:'
	echo "  - \"$RULES\""
	echo 'evaluation_interval: 1m'
	echo 'tests:'
	echo '  - interval: 1m'
	echo '    input_series:'
	echo "      - series: 'up{job=\"zonehealth\",instance=\"localhost:10353\"}'"
	echo "        values: '1x15'"
	grep '^zonehealth_[a-z0-9_]*\({[^}]*}\)\{0,1\} [0-9][0-9]*$' "$TMP/scrape" |
	    sed -e 's/^\([a-z0-9_]*\){/\1{job="zonehealth",instance="localhost:10353",/' \
		-e 's/^\([a-z0-9_]*\) /\1{job="zonehealth",instance="localhost:10353"} /' |
	    awk '{
		i = match($0, / [0-9]+$/)
		printf "      - series: '\''%s'\''\n", substr($0, 1, i - 1)
		printf "        values: '\''%sx15'\''\n", substr($0, i + 1)
	    }'
	echo '    promql_expr_test:'
	echo '      - expr: count by (alertname, alertstate, cause) (ALERTS)'
	echo '        eval_time: 11m'
	echo '        exp_samples:'
	echo "          - labels: '{alertname=\"ZonehealthFindingCriticalTransport\",alertstate=\"firing\",cause=\"parent_unreachable\"}'"
	echo '            value: 1'
} > "$TMP/scrape.test.yml"
check "the rules alert on the real scrape's finding, and only on it" \
    promtool test rules "$TMP/scrape.test.yml"
finish
