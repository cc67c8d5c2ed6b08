#!/bin/sh
# quickstart: install the packages, build, start the loopback demo lab, print
# one pass of diagnoses, then run the daemon against the lab until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
# The lab's servers listen on port 53 of 127.0.53-59.x: that takes root.
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi
contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"

LAB=${LAB:-/tmp/zonehealth-demo-lab}
contrib/lab/lab.sh stop "$LAB" >/dev/null 2>&1 || true
rm -rf "$LAB"
trap 'contrib/lab/lab.sh stop "$LAB" >/dev/null 2>&1' EXIT
trap 'exit 0' INT TERM
contrib/lab/lab.sh start "$LAB" --listen 127.0.0.1:10353 >/dev/null
# What the demo's broken zones need to show their causes (contrib/lab/demo.yaml).
cat "$LAB/zonehealth.yaml" contrib/lab/demo.yaml > "$LAB/demo.yaml"
echo "quickstart: lab running in $LAB (see contrib/lab/README.md); one pass:"
src/zonehealthd --once -c "$LAB/demo.yaml" || true
echo
echo "quickstart: daemon on http://127.0.0.1:10353/ (/metrics, /api/v1/zones); Ctrl-C stops it and the lab"
src/zonehealthd -f -c "$LAB/demo.yaml"
