#!/bin/sh
# install: "make install" puts the daemon, the example config, the unit,
# the manual pages and the contrib files where they belong, keeps an edited
# config, and "make uninstall" leaves only that edited config behind.
. "${top_srcdir:-.}/tests/lib.sh"
need make

ROOT="$TMP/root"
make -s -C "$top_builddir" install DESTDIR="$ROOT" > "$TMP/install.log" 2>&1
check "make install" test "$?" = 0
# Where configure put things, under DESTDIR.
sbindir=$(sed -n 's/^sbindir = //p' "$top_builddir/Makefile")
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$top_builddir/Makefile" | sed "s|\${prefix}|$prefix|")
mandir=$(sed -n 's/^mandir = //p' "$top_builddir/Makefile")
sbindir=$(echo "$sbindir" | sed "s|\${exec_prefix}|$prefix|")
datadir="$prefix/share"
find "$ROOT" -type f | sed "s|^$ROOT||" | sort > "$TMP/files"
check "the daemon" test -x "$ROOT$sbindir/zonehealthd"
check "the example config" test -s "$ROOT$sysconfdir/zonehealth/zonehealth.yaml"
check "the unit" grep -q 'zonehealthd.service$' "$TMP/files"
check "zonehealthd(8)" grep -q 'man8/zonehealthd.8$' "$TMP/files"
check "zonehealth.yaml(5)" grep -q 'man5/zonehealth.yaml.5$' "$TMP/files"
check "the alert rules" test -s "$ROOT$datadir/zonehealth/zonehealth.rules.yml"
check "the dashboard" test -s "$ROOT$datadir/zonehealth/zonehealth.json"
check "the unit names the installed daemon" grep -q "ExecStart=$sbindir/zonehealthd" "$ROOT$(grep 'zonehealthd.service$' "$TMP/files")"
check "the installed daemon accepts the installed config" \
	"$ROOT$sbindir/zonehealthd" -t -c "$ROOT$sysconfdir/zonehealth/zonehealth.yaml"

# An operator's edits survive a second install.
echo "# edited" >> "$ROOT$sysconfdir/zonehealth/zonehealth.yaml"
make -s -C "$top_builddir" install DESTDIR="$ROOT" > "$TMP/install2.log" 2>&1
check "second install" test "$?" = 0
check "the edited config is kept" grep -q '^# edited$' "$ROOT$sysconfdir/zonehealth/zonehealth.yaml"
make -s -C "$top_builddir" uninstall DESTDIR="$ROOT" > "$TMP/uninstall.log" 2>&1
check "make uninstall" test "$?" = 0
find "$ROOT" -type f | sed "s|^$ROOT||" > "$TMP/left"
check "uninstall leaves only the edited config" test "$(cat "$TMP/left")" = "$sysconfdir/zonehealth/zonehealth.yaml"
finish
