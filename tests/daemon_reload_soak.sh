#!/bin/sh
# daemon_reload_soak: many reloads at random moments while zones run. On the
# lab, the daemon checks every zone every second (timeout 300ms, no retries)
# and gets RELOAD_SOAK_N SIGHUPs (default 1000; 100 under valgrind), each
# 0-50 ms after the one before (seeded: RELOAD_SOAK_SEED), while its config
# file is swapped (atomically) between three variants that change the trust
# anchor (the lab's, tests/data/loopback.anchor, the default one), the
# resolvers (the lab's, none) and the zone list (zones added and removed,
# among them the lab's dependency cycles, so runs and walks are cancelled
# mid-flight). The last reload is of the full lab config. Then: the daemon
# is alive and answers /healthz; the last reload succeeded and nearly every
# SIGHUP made one; every zone of the final config is judged after the last
# reload (polled, bounded) with ok.lab. clean (the lab's anchor and
# resolver in effect again); the open file descriptors are within a small
# margin of their count after the first cycle; SIGTERM exits 0 with no
# AddressSanitizer or LeakSanitizer report. Prints the figures: reloads
# sent and made, config swaps, descriptors and RSS before and after, wall
# time.
. "${top_srcdir:-.}/tests/lib.sh"
lab_start

if [ "${ZH_VALGRIND:-0}" = 1 ]; then N=${RELOAD_SOAK_N:-100}; else N=${RELOAD_SOAK_N:-1000}; fi
SEED=${RELOAD_SOAK_SEED:-$(date +%s)}
FD_MARGIN=8
T_START=$(date +%s)
echo "    reloads: $N, seed: $SEED (RELOAD_SOAK_N, RELOAD_SOAK_SEED)"

# The variants, from the lab's config: v1 the lab's own (its anchor, its
# resolver, every zone: the final one); v2 the test anchor (nothing
# validates), no resolver, every second zone and a name the lab does not
# have; v3 the default anchor, the lab's resolver, the other zones and the
# dependency cycles.
python3 - "$LAB/zonehealth.yaml" "$DATA/loopback.anchor" "$TMP" <<'PY' || { echo "FAIL: variants"; exit 1; }
import sys
src, test_anchor, out = sys.argv[1:4]
head, entries, cur = [], [], None
for line in open(src):
    if line.startswith("zones:"):
        cur = []
        continue
    if cur is None:
        key = line.split(":", 1)[0]
        if key == "listen":
            line = 'listen: "127.0.0.1:0"\n'
        elif key == "interval":
            line = "interval: 1s\n"
        elif key == "timeout":
            line = "timeout: 300ms\n"
        elif key == "retries":
            line = "retries: 0\n"
        head.append(line)
    elif line.startswith("  - "):
        entries.append([line])
    elif line.startswith("    ") and entries:
        entries[-1].append(line)
assert len(entries) > 30 and any(l.startswith("trust_anchor:") for l in head), (head, entries)
def name(e):
    return e[0].split()[-1]
def write(path, head, entries):
    with open(path, "w") as f:
        f.writelines(head)
        f.write("zones:\n")
        for e in entries:
            f.writelines(e)
cycles = [e for e in entries if name(e) in ("cyca.lab.", "cycb.lab.", "fivens.lab.")]
assert len(cycles) == 3, cycles
write(out + "/v1.yaml", head, entries)
h2 = []
for l in head:
    if l.startswith("trust_anchor:"):
        l = "trust_anchor: %s\n" % test_anchor
    elif l.startswith("resolvers:"):
        l = "resolvers: []\n"
    h2.append(l)
write(out + "/v2.yaml", h2, entries[0::2] + [["  - name: soak-extra.lab.\n"]])
h3 = [l for l in head if not l.startswith("trust_anchor:")]
v3 = entries[1::2] + [e for e in cycles if e not in entries[1::2]]
write(out + "/v3.yaml", h3, v3)
PY
for v in v1 v2 v3; do
	out=$("$ZONEHEALTHD" -t -c "$TMP/$v.yaml" 2>&1)
	rc=$?
	check "variant $v is a valid config ($out)" test "$rc" = 0
done
cp "$TMP/v1.yaml" "$TMP/zh.yaml"
NZONES=$(grep -c '^  - name: ' "$TMP/v1.yaml")

alive() { kill -0 "$DPID" 2>/dev/null; }
# fds: the daemon's open descriptors, "LEAST MOST" of 20 samples 50 ms
# apart (queries in flight come and go); the least is compared.
fds() {
	python3 - "$DPID" <<'PY'
import os, sys, time
best = most = None
for _ in range(20):
    try:
        n = len(os.listdir("/proc/%s/fd" % sys.argv[1]))
    except OSError:
        break
    best = n if best is None else min(best, n)
    most = n if most is None else max(most, n)
    time.sleep(0.05)
print(best if best is not None else -1, most if most is not None else -1)
PY
}
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$DPID/status" 2>/dev/null; }

start_daemon "$TMP/zh.yaml"
check "every zone judged in the first cycle" wait_judged
read -r FD0 FD0MAX <<EOF
$(fds)
EOF
RSS0=$(rss_kb)
echo "    after the first cycle: $FD0-$FD0MAX descriptors, RSS $RSS0 kB"

# The reloads: a random variant now and then (atomic rename), SIGHUP,
# 0-50 ms; the last one of v1. Stops early if the daemon dies.
T0=$(date +%s.%N)
python3 - "$DPID" "$N" "$SEED" "$TMP/zh.yaml" "$TMP/v1.yaml" "$TMP/v2.yaml" "$TMP/v3.yaml" \
	> "$TMP/soak.out" <<'PY'
import os, random, signal, sys, time
pid, n, seed, live = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
texts = [open(p).read() for p in sys.argv[5:]]
rng = random.Random(seed)
def dead():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True
cur, sent, swaps, died, t_last = 0, 0, 0, -1, 0.0
for i in range(n):
    want = 0 if i == n - 1 else (rng.randrange(3) if rng.random() < 0.3 else cur)
    if want != cur:
        with open(live + ".new", "w") as f:
            f.write(texts[want])
        os.replace(live + ".new", live)
        cur, swaps = want, swaps + 1
    if dead():
        died = i
        break
    os.kill(pid, signal.SIGHUP)
    t_last = time.time()
    sent += 1
    time.sleep(rng.uniform(0, 0.05))
print(sent, swaps, died, t_last)
PY
T1=$(date +%s.%N)
read -r SENT SWAPS DIED T_LAST < "$TMP/soak.out"
echo "    SIGHUPs sent: $SENT of $N in $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }') s, config swaps: $SWAPS"
check "the daemon took every SIGHUP alive (died at: $DIED)" test "$DIED" = -1 -a "$SENT" = "$N"
check "the daemon is alive after the reloads" alive

# Every SIGHUP is a reload unless the kernel merged two pending ones (which
# a daemon slowed down by valgrind sees more often: half will do there).
for _ in $(seq 1 100); do
	[ "$(grep -c 'info: reloading ' "$DLOG")" -ge "$SENT" ] && break
	sleep 0.1
done
RELOADS=$(grep -c 'info: reloading ' "$DLOG")
APPLIED=$(grep -c 'info: config: [0-9]* zones (' "$DLOG")
REFUSED=$(grep -c 'reload refused' "$DLOG")
echo "    reloads logged: $RELOADS, applied: $APPLIED, refused: $REFUSED"
if [ "${ZH_VALGRIND:-0}" = 1 ]; then SHARE=5; else SHARE=9; fi
check "nearly every SIGHUP made a reload ($RELOADS of $SENT)" test "$((RELOADS * 10))" -ge "$((SENT * SHARE))"
check "no reload refused ($REFUSED)" test "$REFUSED" = 0
check "/healthz answers" test "$(http GET /healthz)" = 200
: > "$TMP/b"
http GET /metrics >/dev/null
check "the last reload succeeded" test "$(metric zonehealth_config_last_reload_successful)" = 1

# Every zone of the final config judged with it: a run that started after
# the last reload (a run started before keeps the config it started with,
# and is judged by it). From the metrics, a run started at its last-run
# time (whole seconds, rounded down) less its duration; the API lists the
# final config's zones, each with a status. Bounded at 90 s.
final_judged() {
	: > "$TMP/m"
	curl -s -o "$TMP/m" --max-time 10 "$BASE/metrics"
	: > "$TMP/b"
	http GET /api/v1/zones >/dev/null
	python3 - "$TMP/b" "$TMP/m" "$TMP/v1.yaml" "$T_LAST" <<'PY'
import json, re, sys
try:
    zones = json.load(open(sys.argv[1]))["zones"]
except (ValueError, KeyError):
    sys.exit(1)
want = sorted(l.split()[-1] for l in open(sys.argv[3]) if l.startswith("  - name: "))
t = float(sys.argv[4])
runs = {}
for l in open(sys.argv[2]):
    m = re.match(r'zonehealth_zone_last_run_(timestamp|duration)_seconds\{zone="([^"]*)"\} (\S+)$', l)
    if m:
        runs.setdefault(m.group(2), {})[m.group(1)] = float(m.group(3))
def started(zone):
    r = runs.get(zone, {})
    return r.get("timestamp", 0) - r.get("duration", 0) if r.get("timestamp") else 0
got = sorted(z["zone"] for z in zones)
late = [z["zone"] for z in zones if z["status"] == "unknown" or started(z["zone"]) <= t]
sys.exit(0 if got == want and not late else 1)
PY
}
t_wait=$(date +%s)
ok=no
for _ in $(seq 1 180); do
	alive || break
	final_judged && { ok=yes; break; }
	sleep 0.5
done
echo "    every zone of the final config judged $(($(date +%s) - t_wait)) s after the reloads: $ok"
check "every zone of the final config ($NZONES) judged after the last reload" test "$ok" = yes
cp "$TMP/b" "$TMP/api.json"
[ -s "$TMP/api.json" ] || echo '{"zones": []}' > "$TMP/api.json"
# A finding made under the variant before stays until clear_after (2)
# clean runs: ok.lab. comes clean within a few more one-second runs.
okclean() {
	python3 -c '
import json, sys
z = [z for z in json.load(open(sys.argv[1]))["zones"] if z["zone"] == "ok.lab."]
assert z and z[0]["status"] == "ok" and not z[0]["findings"], z
rs = z[0]["resolvers"]
assert rs and rs[0]["address"] == "127.0.53.53" and rs[0]["rcode"] == "NOERROR" and rs[0]["ad"], rs
' "$1"
}
for _ in $(seq 1 40); do
	okclean "$TMP/api.json" 2>/dev/null && break
	sleep 0.5
	http GET /api/v1/zones >/dev/null && cp "$TMP/b" "$TMP/api.json"
done
check "ok.lab. clean: the lab's anchor and resolver are back" okclean "$TMP/api.json"
check "soak-extra.lab. (v2 only) gone" python3 -c '
import json, sys
assert all(z["zone"] != "soak-extra.lab." for z in json.load(open(sys.argv[1]))["zones"])
' "$TMP/api.json"

read -r FD1 FD1MAX <<EOF
$(fds)
EOF
RSS1=$(rss_kb)
echo "    descriptors (least-most of 20 samples): $FD0-$FD0MAX after the first cycle, $FD1-$FD1MAX at the end (margin $FD_MARGIN)"
echo "    RSS: ${RSS0:-?} kB after the first cycle, ${RSS1:-?} kB at the end"
check "descriptors within $FD_MARGIN of the first cycle's ($FD0 -> $FD1)" \
	test "$FD0" -gt 0 -a "$FD1" -gt 0 -a "$FD1" -le $((FD0 + FD_MARGIN))

if alive; then
	stop_daemon
else
	wait "$DPID"
	DSTATUS=$?
fi
check "SIGTERM exits 0 ($DSTATUS)" test "$DSTATUS" = 0
check "no AddressSanitizer or LeakSanitizer report" sanitizer_clean "$DLOG"
crash_show "$DLOG" "$DSTATUS"
echo "    wall time: $(($(date +%s) - T_START)) s (lab start excluded)"
finish
