#!/bin/sh
# daemon_tls: the real daemon behind TLS, client certificates and basic auth
# (web_config_file), their reloads, and idle connections beyond the limits.
. "${top_srcdir:-.}/tests/lib.sh"
need curl
need openssl
need python3
if ! python3 -W ignore -c 'import crypt' 2>/dev/null; then
	# python3 >= 3.13 has no crypt module: no bcrypt hashes to test with.
	if [ -n "${CI:-}" ]; then echo "FAIL: python3 has no crypt module"; exit 1; fi
	echo "SKIP: python3 has no crypt module"; exit 77
fi

# A CA, a server certificate for 127.0.0.1, a client certificate, and a
# client certificate from another CA; all made now, valid for a day.
PKI="$TMP/pki"
mkdir "$PKI"
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -days 1 -subj "/CN=$2" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
}
# make_cert NAME CN CA EXTENSIONS...
make_cert() {
	name=$1; cn=$2; ca=$3; shift 3
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "/CN=$cn" >/dev/null 2>&1
	for ext in "$@"; do echo "$ext"; done > "$PKI/$name.ext"
	openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.pem" -CAkey "$PKI/$ca.key" \
	    -CAcreateserial -days 1 -out "$PKI/$name.pem" -extfile "$PKI/$name.ext" >/dev/null 2>&1
}
make_ca ca "zonehealth test CA"
make_ca other "another CA"
make_cert server 127.0.0.1 ca subjectAltName=IP:127.0.0.1,DNS:localhost extendedKeyUsage=serverAuth
make_cert client prometheus ca extendedKeyUsage=clientAuth
make_cert rogue prometheus other extendedKeyUsage=clientAuth
for f in ca server client rogue; do
	check "openssl made $f.pem" test -s "$PKI/$f.pem"
done

# bcrypt at cost 4: cost 12, python's default, takes seconds under valgrind.
bcrypt() {
	python3 -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' "$1"
}
PW1=correct-horse
PW2=battery-staple
HASH1=$(bcrypt "$PW1")
HASH2=$(bcrypt "$PW2")
cost4() { case $1 in '$2b$04$'*) return 0;; esac; return 1; }
check "python3 made bcrypt hashes" cost4 "$HASH1"

# web_yml USERS-HASH [TLS KEY: VALUE lines]: the web config, paths relative
# to it (the daemon resolves them from the file's directory).
web_yml() {
	hash=$1; shift
	{
		echo "tls_server_config:"
		echo "  cert_file: pki/server.pem"
		echo "  key_file: pki/server.key"
		for line in "$@"; do echo "  $line"; done
		echo "basic_auth_users:"
		echo "  prometheus: $hash"
	} > "$TMP/web.yml.new"
	mv "$TMP/web.yml.new" "$TMP/web.yml"
}

# tls PATH [curl args]: GET over https with the test CA; prints the status
# code (000: no HTTP answer), exits with curl's status.
tls() {
	path=$1; shift
	: > "$TMP/b"
	curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' --max-time 10 \
	    --cacert "$PKI/ca.pem" "$@" "https://127.0.0.1:$PORT$path"
}

# Reloads finished, applied or refused.
reloads() { grep -c -e 'info: config: [0-9]* zones (' -e 'reload refused' "$DLOG"; }
# hup: SIGHUP, then a bounded wait for that reload to finish.
hup() {
	before=$(reloads)
	kill -HUP "$DPID"
	for _ in $(seq 1 300); do
		[ "$(reloads)" -gt "$before" ] && return 0
		sleep 0.1
	done
	echo "reload did not finish"; return 1
}

web_yml "$HASH1"
write_config zh.yaml "web_config_file: $TMP/web.yml" 'zones: [example.com]'

# -t checks the web config too, and --web.config.file overrides the key.
"$ZONEHEALTHD" -t -c "$TMP/zh.yaml" > "$TMP/out" 2>&1; code=$?
cat "$TMP/out"
check "-t accepts the config and its web config" test $code = 0
check "-t describes the web config" grep -q "^$TMP/web.yml: ok, TLS (min_version TLS12, client_auth_type NoClientCert), 1 basic auth user$" "$TMP/out"
printf 'tls_server_config:\n  cert_file: pki/server.pem\n  key_file: pki/client.key\n' > "$TMP/mismatch.yml"
"$ZONEHEALTHD" -t -c "$TMP/zh.yaml" --web.config.file "$TMP/mismatch.yml" 2> "$TMP/err"; code=$?
cat "$TMP/err"
check "-t with a broken --web.config.file exits 78" test $code = 78
check "the key that is not the certificate's is named with its position" \
    grep -q "^$TMP/mismatch.yml:3:13: error: \"key_file\": \"$TMP/pki/client.key\" is not the key of the certificate in cert_file$" "$TMP/err"
"$ZONEHEALTHD" --once --web.config.file "$TMP/web.yml" --zone example.com 2>/dev/null; code=$?
check "--web.config.file with --once is a usage error" test $code = 64

start_daemon "$TMP/zh.yaml"
check "the daemon says https" grep -q "listening on https://127.0.0.1:$PORT/ (TLS (min_version TLS12, client_auth_type NoClientCert), 1 basic auth user)" "$DLOG"

# TLS, and plain HTTP to the TLS port.
code=$(tls /healthz -u "prometheus:$PW1")
check "healthz over TLS with the password is 200 ($code)" test "$code" = 200
check "healthz says ok" test "$(cat "$TMP/b")" = ok
code=$(tls /healthz -u "prometheus:$PW1" --tls-max 1.2)
check "TLS 1.2 is served when min_version is TLS12 ($code)" test "$code" = 200
code=$(curl -s -o "$TMP/b" -w '%{http_code}' --max-time 10 -u "prometheus:$PW1" "https://127.0.0.1:$PORT/healthz"); rc=$?
check "a client that does not trust the CA refuses the server (curl $rc)" test $rc = 60
: > "$TMP/b"
code=$(curl -s -o "$TMP/b" -w '%{http_code}' --max-time 10 -u "prometheus:$PW1" "http://127.0.0.1:$PORT/healthz"); rc=$?
check "plain HTTP to the TLS port gets no HTTP answer (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
check "plain HTTP to the TLS port gets no page" test ! -s "$TMP/b"

# Basic auth on every path.
code=$(tls /metrics)
check "no credentials: 401 ($code)" test "$code" = 401
check "401 asks for basic auth in realm zonehealth" test "$(header WWW-Authenticate)" = 'Basic realm="zonehealth"'
check "401 shows no metrics" sh -c "! grep -q zonehealth_ '$TMP/b'"
code=$(tls /metrics -u "prometheus:wrong")
check "wrong password: 401 ($code)" test "$code" = 401
code=$(tls /metrics -u "nobody:$PW1")
check "unknown user: 401 ($code)" test "$code" = 401
code=$(tls /metrics -u "prometheus:")
check "empty password: 401 ($code)" test "$code" = 401
for path in /healthz / /zone/example.com /api/v1/zones/example.com /nope; do
	code=$(tls "$path")
	check "no credentials for $path: 401 ($code)" test "$code" = 401
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$PKI/ca.pem" \
    -X POST -d x=1 "https://127.0.0.1:$PORT/metrics")
check "POST without credentials: 401 before 405 ($code)" test "$code" = 401
code=$(tls /metrics -u "prometheus:$PW1")
check "right password: /metrics is 200 ($code)" test "$code" = 200
check "/metrics has the reload gauge" test "$(metric zonehealth_config_last_reload_successful)" = 1
code=$(tls /api/v1/zones -u "prometheus:$PW1")
check "right password: /api/v1/zones is 200 ($code)" test "$code" = 200
check "/api/v1/zones is the zones' JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [z["zone"] for z in d["zones"]] == ["example.com."], d
' "$TMP/b"
code=$(tls /nope -u "prometheus:$PW1")
check "right password, unknown path: 404 ($code)" test "$code" = 404

# SIGHUP with a new password: the same TLS, the running server, new users.
web_yml "$HASH2"
hup
check "new users take effect on the running server" grep -q "info: web config: TLS (min_version TLS12, client_auth_type NoClientCert), 1 basic auth user" "$DLOG"
code=$(tls /healthz -u "prometheus:$PW1")
check "after the reload the old password is 401 ($code)" test "$code" = 401
code=$(tls /healthz -u "prometheus:$PW2")
check "after the reload the new password is 200 ($code)" test "$code" = 200

# A broken web config: refused with its position; the old one keeps serving.
web_yml "$HASH1" "min_version: TLS11"
hup
check "a broken web config is refused" grep -q 'reload refused (1 error)' "$DLOG"
check "its error is logged with its position" grep -q "$TMP/web.yml:4:16: error: \"min_version\": TLS11 is not supported" "$DLOG"
code=$(tls /metrics -u "prometheus:$PW2")
check "the old web config still serves ($code)" test "$code" = 200
check "reload gauge drops to 0" test "$(metric zonehealth_config_last_reload_successful)" = 0
code=$(tls /healthz -u "prometheus:$PW1")
check "the refused file's password does not log in ($code)" test "$code" = 401
web_yml "$HASH2"
sed -i 's|pki/server.key|pki/missing.key|' "$TMP/web.yml"
hup
check "a missing key file is refused with its position" grep -q "$TMP/web.yml:3:13: error: \"key_file\": cannot read \"$TMP/pki/missing.key\": No such file or directory" "$DLOG"
code=$(tls /healthz -u "prometheus:$PW2")
check "still serving after a missing key file ($code)" test "$code" = 200

# Mutual TLS: a reload that changes TLS starts a new server on the same port.
web_yml "$HASH2" "client_auth_type: RequireAndVerifyClientCert" "client_ca_file: pki/ca.pem"
hup
check "the new TLS server is on the same port" test "$(grep -c "listening on https://127.0.0.1:$PORT/ (TLS (min_version TLS12, client_auth_type RequireAndVerifyClientCert), 1 basic auth user)" "$DLOG")" = 1
code=$(tls /healthz -u "prometheus:$PW2"); rc=$?
check "no client certificate: refused (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
check "no client certificate: no page" test ! -s "$TMP/b"
code=$(tls /healthz -u "prometheus:$PW2" --cert "$PKI/rogue.pem" --key "$PKI/rogue.key"); rc=$?
check "a client certificate from another CA: refused (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
code=$(tls /healthz -u "prometheus:$PW2" --cert "$PKI/rogue.pem" --key "$PKI/rogue.key" --tls-max 1.2); rc=$?
check "... over TLS 1.2 too (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
code=$(tls /healthz -u "prometheus:$PW2" --cert "$PKI/server.pem" --key "$PKI/server.key"); rc=$?
check "the CA's certificate made for a server: refused as a client (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
code=$(tls /metrics -u "prometheus:$PW2" --cert "$PKI/client.pem" --key "$PKI/client.key")
check "the right client certificate: 200 ($code)" test "$code" = 200
check "reload gauge back to 1" test "$(metric zonehealth_config_last_reload_successful)" = 1
code=$(tls /metrics --cert "$PKI/client.pem" --key "$PKI/client.key")
check "the right certificate still needs the password: 401 ($code)" test "$code" = 401

# A real Prometheus scrapes it with the commented-out settings of the
# shipped prometheus.yml, uncommented: they match what the daemon asks for.
if command -v prometheus >/dev/null 2>&1; then
	printf '%s\n' "$PW2" > "$TMP/zonehealth.password"
	PROM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	{
		echo "global: {scrape_interval: 1s, scrape_timeout: 1s}"
		echo "scrape_configs:"
		echo "  - job_name: zonehealth"
		echo "    static_configs: [{targets: [\"127.0.0.1:$PORT\"]}]"
		awk '/# With web_config_file/ { on = 1; next } on { print } on && /password_file/ { exit }' \
		    "$top_srcdir/contrib/prometheus/prometheus.yml" |
		    sed -e 's/^    # /    /' \
			-e "s|/etc/prometheus/zonehealth-ca.pem|$PKI/ca.pem|" \
			-e "s|/etc/prometheus/zonehealth-client|$PKI/client|" \
			-e "s|/etc/prometheus/zonehealth.password|$TMP/zonehealth.password|"
	} > "$TMP/prometheus.yml"
	check "the uncommented scrape settings are valid" promtool check config "$TMP/prometheus.yml"
	prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn 2>"$TMP/prometheus.log" &
	PROM_PID=$!
	PIDS="$PIDS $PROM_PID"
	scraped() {
		curl -s --max-time 5 "http://127.0.0.1:$PROM_PORT/api/v1/targets" > "$TMP/targets" &&
		    python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["data"]["activeTargets"]
sys.exit(0 if t and t[0]["health"] == "up" and t[0]["lastError"] == "" else 1)
' "$TMP/targets" 2>/dev/null
	}
	for _ in $(seq 1 300); do scraped && break; sleep 0.1; done
	check "Prometheus scrapes over TLS with a client certificate and a password" scraped
	kill -TERM "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
elif [ -n "${CI:-}" ]; then
	fail "prometheus is not installed"
else
	echo "skipped: the scrape by Prometheus (prometheus is not installed)"
fi

# min_version TLS13. A keep-alive connection from before the reload is
# closed at its next request, so it cannot go on with the old TLS.
cat > "$TMP/keepalive.py" <<'EOF'
import base64, http.client, os, signal, ssl, sys, time
port, ca, pw, pid, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
ctx.load_cert_chain(sys.argv[6], sys.argv[7])
auth = {"Authorization": "Basic " + base64.b64encode(("prometheus:" + pw).encode()).decode()}
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
conn.request("GET", "/healthz", headers=auth)
r = conn.getresponse()
r.read()
print("before", r.status, r.getheader("Connection"))
def servers():
    return open(log).read().count("listening on https://127.0.0.1:%d/" % port)
n = servers()
os.kill(pid, signal.SIGHUP)
for _ in range(300):
    if servers() > n:
        break
    time.sleep(0.1)
try:
    conn.request("GET", "/healthz", headers=auth)
    r = conn.getresponse()
    print("after", r.status)
except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError) as e:
    print("after closed", type(e).__name__)
EOF
web_yml "$HASH2" "min_version: TLS13"
python3 "$TMP/keepalive.py" "$PORT" "$PKI/ca.pem" "$PW2" "$DPID" "$DLOG" \
    "$PKI/client.pem" "$PKI/client.key" > "$TMP/ka" 2>&1
cat "$TMP/ka"
check "a keep-alive connection is served before the reload" grep -q '^before 200 ' "$TMP/ka"
check "... and closed unanswered at its next request after it" grep -q '^after closed ' "$TMP/ka"
check "min_version TLS13 is in force" grep -q "listening on https://127.0.0.1:$PORT/ (TLS (min_version TLS13, client_auth_type NoClientCert)" "$DLOG"
code=$(tls /healthz -u "prometheus:$PW2" --tls-max 1.2); rc=$?
check "min_version TLS13 refuses a TLS 1.2 client (code $code, curl $rc)" test "$code" = 000 -a $rc != 0
code=$(tls /healthz -u "prometheus:$PW2" --tlsv1.3)
check "min_version TLS13 serves TLS 1.3 ($code)" test "$code" = 200

# Slow clients: idle connections from one address beyond the per-address
# limit are closed at once, others are still served meanwhile, and the
# idle ones are timed out. Bounded waits only, no timing asserts.
cat > "$TMP/idle.py" <<'EOF'
import base64, http.client, select, socket, ssl, sys, time
port, ca, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
N, LIMIT = 200, 128          # HTTP_PER_IP_LIMIT in src/http.c
socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(N)]
closed = set()
def poll(wait):
    live = [s for s in socks if s not in closed]
    if not live:
        return
    ready, _, _ = select.select(live, [], [], wait)
    for s in ready:
        try:
            data = s.recv(1)
        except OSError:
            data = b""
        if not data:
            closed.add(s)
deadline = time.monotonic() + 20
while len(closed) < N - LIMIT and time.monotonic() < deadline:
    poll(0.2)
print("refused", len(closed))
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10,
                                   source_address=("127.0.0.2", 0))
auth = {"Authorization": "Basic " + base64.b64encode(("prometheus:" + pw).encode()).decode()}
conn.request("GET", "/healthz", headers=auth)
r = conn.getresponse()
print("other address", r.status, r.read().decode().strip())
conn.close()
deadline = time.monotonic() + 60
while len(closed) < N and time.monotonic() < deadline:
    poll(0.5)
print("closed", len(closed))
EOF
python3 "$TMP/idle.py" "$PORT" "$PKI/ca.pem" "$PW2" > "$TMP/idle" 2>&1
cat "$TMP/idle"
refused=$(sed -n 's/^refused //p' "$TMP/idle")
check "connections beyond the per-address limit are closed (${refused:-none} of 200)" test "${refused:-0}" -ge 72
check "another address is served while they are held" grep -q '^other address 200 ok$' "$TMP/idle"
check "the idle connections are all timed out" grep -q '^closed 200$' "$TMP/idle"
code=$(tls /healthz -u "prometheus:$PW2")
check "healthz answers the same address afterwards ($code)" test "$code" = 200

stop_daemon
check "SIGTERM exits 0 (status $DSTATUS)" test "$DSTATUS" = 0

# --web.config.file overrides the config's key (which is unset here).
write_config plain.yaml 'zones: [example.com]'
web_yml "$HASH1"
start_daemon "$TMP/plain.yaml" --web.config.file "$TMP/web.yml"
code=$(tls /healthz -u "prometheus:$PW1")
check "--web.config.file turns on TLS and auth ($code)" test "$code" = 200
web_yml "$HASH2"
hup
code=$(tls /healthz -u "prometheus:$PW2")
check "SIGHUP re-reads --web.config.file ($code)" test "$code" = 200
stop_daemon
check "SIGTERM exits 0 (status $DSTATUS)" test "$DSTATUS" = 0
finish
