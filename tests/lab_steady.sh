#!/bin/sh
# lab_steady: never a false page. The daemon on the whole lab with bursts
# on and two source addresses, runs every 2 s: through ten runs of each,
# the healthy zones (lab., ok.lab., nsec.lab., nsec3.lab., optout.lab.,
# unsigned.lab.) show no finding in any sample of the API, and their
# status never leaves ok.
. "${top_srcdir:-.}/tests/lib.sh"
lab_start

daemon_config "$LAB/zonehealth.yaml" "$TMP/d.yaml" \
	'source_addresses: [127.0.0.1, 127.0.0.2]' 'burst_interval: 1m' 'burst_size: 20'
start_daemon "$TMP/d.yaml"
HEALTHY="lab. ok.lab. nsec.lab. nsec3.lab. optout.lab. unsigned.lab."
# Under valgrind runs take several times as long: half the runs.
if [ "${ZH_VALGRIND:-0}" = 1 ]; then RUNS=5; else RUNS=10; fi

# steady_verdict [--report]: over the samples so far, whether every healthy
# zone was judged RUNS times (distinct checked_at) and never with a finding;
# --report says what it saw.
steady_verdict() {
	python3 - "$TMP/samples" "$HEALTHY" "$RUNS" "$@" <<'PY'
import json, sys
seen = {z: set() for z in sys.argv[2].split()}
bad, samples = [], 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    samples += 1
    for z in json.loads(line)["zones"]:
        if z["zone"] not in seen or not z["checked_at"]:
            continue
        seen[z["zone"]].add(z["checked_at"])
        if z["status"] != "ok" or z["findings"]:
            bad.append((z["zone"], z["checked_at"], z["status"],
                        [(f["cause"], f["server"], f["address"]) for f in z["findings"]]))
if "--report" in sys.argv[4:]:
    print("    %d samples; runs seen: %s" % (samples,
          ", ".join("%s %d" % (k, len(v)) for k, v in seen.items())))
    for b in sorted(set(map(str, bad)))[:20]:
        print("    " + b)
sys.exit(0 if not bad and all(len(v) >= int(sys.argv[3]) for v in seen.values()) else 1)
PY
}

# Samples of /api/v1/zones, one a second, until each healthy zone has been
# judged RUNS times, at most 240 s (lab. has every delegation of the lab
# below it and takes longest).
: > "$TMP/samples"
for _ in $(seq 1 240); do
	http GET /api/v1/zones >/dev/null && cat "$TMP/b" >> "$TMP/samples" &&
	    echo >> "$TMP/samples"
	steady_verdict && break
	sleep 1
done
check "$RUNS runs of every healthy zone, none with a finding" steady_verdict --report
stop_daemon
check "daemon exits cleanly ($DSTATUS)" test "$DSTATUS" = 0

finish
