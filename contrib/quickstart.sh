#!/bin/sh
# quickstart: install the packages, build, and run the daemon on the example config.
set -eu
cd "$(dirname "$0")/.."
contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
echo "quickstart: serving http://127.0.0.1:10353/ (metrics, zones API); Ctrl-C stops it"
exec src/zonehealthd -f -c etc/zonehealth.yaml
