#!/bin/sh
# install-deps: the Debian 12 packages zonehealth needs to build, test and demo.
# clang and libclang-rt-dev (libFuzzer, which clang only recommends) are for
# ./configure CC=clang --enable-fuzz and make fuzz; wrk and linux-perf are for
# the benchmark (make bench: HTTP under load, BENCH_PROFILE=1); amtool
# (prometheus-alertmanager) checks the Alertmanager example; debhelper,
# dpkg-dev and lintian build and check the Debian package (debian/,
# tests/debian_package.sh).
set -eu
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libevent-dev libldns-dev libmicrohttpd-dev libyaml-dev check libsystemd-dev \
	libgnutls28-dev libcrypt-dev openssl \
	dns-root-data ca-certificates curl python3 valgrind prometheus prometheus-alertmanager groff-base chromium \
	clang libclang-rt-dev wrk linux-perf \
	debhelper dpkg-dev lintian \
	nsd knot unbound ldnsutils bind9-dnsutils iproute2 systemd \
	>/dev/null
echo "install-deps: packages installed"
