#!/bin/sh
# debian_package: debian/ builds a .deb from what "make dist" ships; lintian
# finds no error in it; it holds the daemon, the manual pages, the unit, the
# Prometheus and Grafana files and the example config as its one conffile.
# As root, where systemd is not running and zonehealth is not installed, it
# installs (unit enabled, config accepted), upgrades (an edited config kept),
# is removed and purged (nothing left). A whole package build: about two
# minutes on two cores.
. "${top_srcdir:-.}/tests/lib.sh"

if [ "${ZH_VALGRIND:-0}" = 1 ]; then
	echo "SKIP: no daemon of this build runs here (make check runs this test)"
	exit 77
fi
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null; then
	echo "SKIP: the package is built with Debian's flags, not this build's sanitizers (a plain build's make check runs this test)"
	exit 77
fi
for t in make dpkg-buildpackage dh dpkg-deb dpkg-parsechangelog lintian; do need "$t"; done

# The source tree as "make dist" would ship it (this also proves that
# EXTRA_DIST carries debian/), from the working tree or from distcheck's
# read-only unpacked tarball alike.
VERSION=$(sed -n 's/^VERSION = //p' "$top_builddir/Makefile")
SRC="$TMP/zonehealth-$VERSION"
if ! env -u MAKEFLAGS -u MFLAGS make -s -C "$top_builddir" distdir distdir="$SRC" \
    > "$TMP/distdir.log" 2>&1; then
	cat "$TMP/distdir.log"
	fail "make distdir"
	finish; exit 1
fi
chmod -R u+w "$SRC"
debver=$(cd "$SRC" && dpkg-parsechangelog -S Version)
check "debian/changelog ($debver) is at the version of configure.ac ($VERSION)" \
	test "${debver%-*}" = "$VERSION"

# nocheck: make check runs the unit tests already (debian/rules would run
# them alone, without the shell tests).
if ! (cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b) > "$TMP/build.log" 2>&1 < /dev/null; then
	tail -n 40 "$TMP/build.log"
	fail "dpkg-buildpackage -us -uc -b"
	finish; exit 1
fi
pass "dpkg-buildpackage -us -uc -b"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
DEB="$TMP/zonehealth_${debver}_$arch.deb"
CHANGES="$TMP/zonehealth_${debver}_$arch.changes"
check "the .deb is there" test -s "$DEB"

# lintian: the .deb, its debug symbols and the .buildinfo, through the
# .changes. Its warnings are shown; errors fail.
lintian --fail-on error "$CHANGES" > "$TMP/lintian.log" 2>&1
lrc=$?
grep -v 'root privileges' "$TMP/lintian.log" > "$TMP/lintian.tags"
echo "lintian: $(wc -l < "$TMP/lintian.tags") tags (overrides in debian/)"
sed 's/^/    /' "$TMP/lintian.tags"
check "lintian exits 0 ($lrc)" test "$lrc" = 0
check "lintian: no E: line" sh -c '! grep -q "^E:" "$1"' sh "$TMP/lintian.log"

# What it holds.
dpkg-deb -c "$DEB" | awk '{ sub(/^\./, "", $6); print $6 }' > "$TMP/contents"
FILES="/usr/sbin/zonehealthd /etc/zonehealth/zonehealth.yaml
/lib/systemd/system/zonehealthd.service
/usr/share/man/man8/zonehealthd.8.gz /usr/share/man/man5/zonehealth.yaml.5.gz
/usr/share/zonehealth/zonehealth.rules.yml /usr/share/zonehealth/prometheus.yml
/usr/share/zonehealth/zonehealth.json /usr/share/doc/zonehealth/copyright"
for f in $FILES; do
	check "the package holds $f" grep -qx "$f" "$TMP/contents"
done
check "its one conffile is the config" \
	test "$(dpkg-deb -I "$DEB" conffiles)" = /etc/zonehealth/zonehealth.yaml
dpkg-deb -x "$DEB" "$TMP/x"
dpkg-deb -e "$DEB" "$TMP/ctl"
UNIT="$TMP/x/lib/systemd/system/zonehealthd.service"
check "the unit checks the config before starting" \
	grep -qx 'ExecStartPre=/usr/sbin/zonehealthd -t -c /etc/zonehealth/zonehealth.yaml' "$UNIT"
check "the unit starts the packaged daemon" \
	grep -qx 'ExecStart=/usr/sbin/zonehealthd -f -c /etc/zonehealth/zonehealth.yaml' "$UNIT"
check "systemctl reload sends SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$UNIT"
check "the packaged daemon accepts the packaged config" \
	"$TMP/x/usr/sbin/zonehealthd" -t -c "$TMP/x/etc/zonehealth/zonehealth.yaml"
check "postinst enables the service" grep -q "deb-systemd-helper enable 'zonehealthd.service'" "$TMP/ctl/postinst"
check "postinst starts it only where systemd runs" grep -q 'if \[ -d /run/systemd/system \]' "$TMP/ctl/postinst"
check "postrm purges the state directory" grep -q 'rm -rf /var/lib/private/zonehealth /var/lib/zonehealth' "$TMP/ctl/postrm"

# Into the real system: as root only, one run at a time, and only where
# nothing of zonehealth is there to clobber. Where systemd runs, postinst
# would start the daemon on the example config, which queries the root
# servers on the internet: not there either.
if [ "$(id -u)" != 0 ]; then
	echo "not root: the package is built and checked, not installed"
	finish; exit
fi
if [ -d /run/systemd/system ]; then
	echo "systemd runs here: the package is not installed (it would start the daemon)"
	finish; exit
fi
exec 9> /run/lock/zonehealth-debian-package.lock
if ! flock -w 900 9; then
	fail "another run of this test held the lock for 15 minutes"
	finish; exit 1
fi
pkgstatus() { dpkg-query -W -f='${Status} ${Version}' zonehealth 2>/dev/null; }
WANTS=/etc/systemd/system/multi-user.target.wants/zonehealthd.service
SOCKWANTS=/etc/systemd/system/sockets.target.wants/zonehealthd.socket
for p in /usr/sbin/zonehealthd /etc/zonehealth /lib/systemd/system/zonehealthd.service \
    /etc/systemd/system/zonehealthd.service "$WANTS" "$SOCKWANTS" \
    /var/lib/zonehealth /var/lib/private/zonehealth; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		echo "$p exists: the package is not installed over it"
		finish; exit
	fi
done
case $(pkgstatus) in
"" | *not-installed*) ;;
*) echo "dpkg knows zonehealth ($(pkgstatus)): not installed over it"; finish; exit ;;
esac

# Purged however the test ends; the state it makes is removed too.
PRIVATE_MADE=0
[ -d /var/lib/private ] || PRIVATE_MADE=1
uninstall() {
	if [ -n "$(pkgstatus | grep -v not-installed)" ]; then
		dpkg --purge zonehealth > /dev/null 2>&1
	fi
	rm -rf /var/lib/zonehealth /var/lib/private/zonehealth
	[ "$PRIVATE_MADE" = 0 ] || rmdir /var/lib/private 2>/dev/null
}
trap 'uninstall; cleanup' EXIT

# run_dpkg NAME ARGS...: dpkg, its stdout in $TMP/NAME.out and stderr in
# $TMP/NAME.err; waits (bounded) while apt or another dpkg holds its lock.
run_dpkg() {
	name=$1; shift
	for _ in $(seq 1 60); do
		dpkg "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" < /dev/null && return 0
		grep -q 'lock' "$TMP/$name.err" || break
		sleep 5
	done
	cat "$TMP/$name.out" "$TMP/$name.err"
	return 1
}
# clean NAME: dpkg and the maintainer scripts wrote nothing to stderr but
# deb-systemd-helper's notes on the symlinks it made or removed.
clean() {
	grep -Ev '^(Created symlink|Removed) ' "$TMP/$1.err" > "$TMP/$1.noise"
	[ ! -s "$TMP/$1.noise" ] && return 0
	sed 's/^/    /' "$TMP/$1.noise"
	return 1
}
had_account=$(getent passwd zonehealth)

check "dpkg -i" run_dpkg install -i "$DEB"
check "installed: $(pkgstatus)" test "$(pkgstatus)" = "install ok installed $debver"
check "the maintainer scripts ran clean" clean install
for f in $FILES; do
	check "installed: $f" test -s "$f"
done
check "the unit is enabled (multi-user.target wants it)" test -L "$WANTS"
check "no socket is enabled (the HTTP socket is opt-in)" \
	test ! -L "$SOCKWANTS"
check "the installed daemon accepts the installed config" \
	/usr/sbin/zonehealthd -t -c /etc/zonehealth/zonehealth.yaml
check "no account made: the unit runs as a DynamicUser" \
	test "$(getent passwd zonehealth)" = "$had_account"

# What the running service would leave: systemd's StateDirectory= under
# DynamicUser=, with a state file; and an operator's edit to the config.
mkdir -p -m 0700 /var/lib/private/zonehealth
echo "state" > /var/lib/private/zonehealth/state
ln -s private/zonehealth /var/lib/zonehealth
echo "# edited" >> /etc/zonehealth/zonehealth.yaml

# An upgrade: the same files at a higher version.
dpkg-deb -R "$DEB" "$TMP/v2"
sed -i "s/^Version: .*/Version: $debver+upgrade/" "$TMP/v2/DEBIAN/control"
dpkg-deb -b "$TMP/v2" "$TMP/upgrade.deb" > /dev/null
check "dpkg -i (upgrade)" run_dpkg upgrade -i "$TMP/upgrade.deb"
check "upgraded: $(pkgstatus)" test "$(pkgstatus)" = "install ok installed $debver+upgrade"
check "the maintainer scripts ran clean (upgrade)" clean upgrade
check "the edited config is kept" grep -qx '# edited' /etc/zonehealth/zonehealth.yaml
check "the unit is still enabled" test -L "$WANTS"
check "the state is kept" test -s /var/lib/zonehealth/state

check "dpkg --remove" run_dpkg remove --remove zonehealth
check "the maintainer scripts ran clean (remove)" clean remove
check "removed: the daemon is gone" test ! -e /usr/sbin/zonehealthd
check "removed: the config and the state stay" \
	test -s /etc/zonehealth/zonehealth.yaml -a -s /var/lib/zonehealth/state
check "dpkg --purge" run_dpkg purge --purge zonehealth
check "the maintainer scripts ran clean (purge)" clean purge
check "purged: dpkg has forgotten it ($(pkgstatus))" sh -c 'test -z "$1" || echo "$1" | grep -q not-installed' sh "$(pkgstatus)"
for p in $FILES /etc/zonehealth /usr/share/zonehealth "$WANTS" \
    /var/lib/zonehealth /var/lib/private/zonehealth; do
	check "purged: $p" sh -c '! test -e "$1" && ! test -L "$1"' sh "$p"
done
finish
