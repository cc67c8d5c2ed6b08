#!/bin/sh
# status_page: the real daemon's status page over HTTP: zones worst first,
# filters, a page per zone, escaping; and, when Chromium is installed, the
# page as a browser builds it (headless, --dump-dom). SCREENSHOT=FILE also
# saves a picture of it for humans (make screenshot).
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need python3

# Unreachable root hints: every zone critical (parent_unreachable).
write_config zh.yaml 'interval: 2s' 'zones: [a.test, b.test, c.test]'
start_daemon "$TMP/zh.yaml"
check "zones judged" wait_judged

code=$(http GET /)
check "status page 200 ($code)" test "$code" = 200
check "html content type" sh -c "grep -qi '^content-type: text/html' '$TMP/h'"
check "every zone links to its page" sh -c "grep -q 'href=\"/zone/a.test.\"' '$TMP/b' && grep -q 'href=\"/zone/c.test.\"' '$TMP/b'"
check "the filter form offers the cause found" grep -q '<option>parent_unreachable</option>' "$TMP/b"
check "findings carry the fix" grep -q 'Fix:' "$TMP/b"

code=$(http GET '/?status=ok')
check "filter by status: no ok zone" grep -q 'No zone matches the filter.' "$TMP/b"
code=$(http GET '/?status=critical&cause=parent_unreachable')
check "filter by status and cause keeps them" grep -q 'href="/zone/b.test."' "$TMP/b"
code=$(http GET '/?cause=%3Cscript%3E')
check "a hostile filter value is not echoed" sh -c "! grep -q '<script>' '$TMP/b'"

code=$(http GET /zone/B.TEST)
check "zone page ($code)" test "$code" = 200
check "zone page names the zone" grep -q '<h2 id="zone">b.test. ' "$TMP/b"
check "zone page lists its checks" grep -q '<th>delegation</th><td>critical</td>' "$TMP/b"
code=$(http GET /zone/nope.test)
check "unknown zone page is 404 ($code)" test "$code" = 404
code=$(http GET '/zone/%3Cx%3E')
check "hostile zone name is 404 ($code)" test "$code" = 404

if command -v chromium >/dev/null 2>&1; then
	# The DOM a browser builds: the table's rows, worst first.
	chromium_run --dump-dom "$BASE/" > "$TMP/dom.html"
	check "chromium rendered the page" grep -q '</html>' "$TMP/dom.html"
	dom_zone_rows "$TMP/dom.html" > "$TMP/rows"
	check "the DOM has a row per zone, with its status" python3 - "$TMP/rows" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
assert sorted(r[0] for r in rows) == ["a.test.", "b.test.", "c.test."], rows
assert all(r[1] in ("critical", "unknown") for r in rows), rows
PY
	if [ -n "${SCREENSHOT:-}" ]; then
		chromium_run --window-size=1200,900 --screenshot="$SCREENSHOT" "$BASE/" >/dev/null
		check "screenshot saved to $SCREENSHOT" test -s "$SCREENSHOT"
	fi
elif [ -n "${CI:-}" ]; then
	fail "chromium is not installed"
else
	echo "chromium not installed: the browser checks are skipped"
fi
stop_daemon
check "daemon exits 0 ($DSTATUS)" test "$DSTATUS" = 0
finish
