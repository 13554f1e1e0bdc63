#!/bin/sh
test_description='safe to expose: TLS, client certificates, bearer and basic auth, connection limits'
. "$VT_SRC_DIR/t/test-lib.sh"

PORT=$((VT_PORT + 1))

start_serve() {
	bg_start vantage -c v.yaml -D schedule.interval=1h "$@" serve >serve.out 2>&1 &&
	serve_pid=$bg_pid
}

stop_serve() {
	kill -TERM "$serve_pid" 2>/dev/null
	i=0
	while kill -0 "$serve_pid" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

ready() {
	i=0
	until curl -s -o /dev/null "$@" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.1
	done
	i=0; until grep -q "run [0-9]*: complete" serve.out; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.1; done
}

test_expect_success 'setup: a network, a CA, server and client certificates' '
	start_simnet -s 31 -u 300 -n 3 &&
	write_config v.yaml &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test CA" \
	    -keyout ca.key -out ca.pem 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	    -keyout server.key -out server.csr 2>/dev/null &&
	printf "subjectAltName=IP:127.0.0.1\n" >san.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=prometheus" \
	    -keyout client.key -out client.csr 2>/dev/null &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -out client.pem 2>/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stranger" \
	    -keyout other.key -out other.pem 2>/dev/null
'

test_expect_success 'TLS: HTTPS with the configured certificate, no plain HTTP' '
	start_serve -D http.tls_cert=server.pem -D http.tls_key=server.key &&
	ready --cacert ca.pem "https://127.0.0.1:$PORT/-/healthy" &&
	curl -fsS --cacert ca.pem "https://127.0.0.1:$PORT/metrics" >m &&
	promtool check metrics <m &&
	vantage-simnet compare truth.json m &&
	test_must_fail curl -fsS "http://127.0.0.1:$PORT/metrics" &&
	stop_serve
'

test_expect_success 'a bad TLS key is a clear start-up error' '
	test_must_fail vantage -c v.yaml -D http.tls_cert=server.pem \
	    -D http.tls_key=$TRASH/missing.key serve 2>err &&
	grep "http: tls_key $TRASH/missing.key: No such file or directory" err
'

test_expect_success 'client certificates: refused without one or with a stranger'"'"'s' '
	start_serve -D http.tls_cert=server.pem -D http.tls_key=server.key \
	    -D http.tls_client_ca=ca.pem &&
	ready --cacert ca.pem --cert client.pem --key client.key \
	    "https://127.0.0.1:$PORT/-/healthy" &&
	curl -fsS --cacert ca.pem --cert client.pem --key client.key \
	    "https://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert ca.pem \
	    "https://127.0.0.1:$PORT/metrics") &&
	test "$code" = 403 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert ca.pem \
	    --cert other.pem --key other.key "https://127.0.0.1:$PORT/metrics") &&
	test "$code" = 403 &&
	stop_serve
'

test_expect_success 'bearer token: only the configured token gets in' '
	token=s3cr3t-token-for-prometheus &&
	digest=$(printf %s "$token" | sha256sum | cut -d" " -f1) &&
	start_serve -D "http.bearer_token_sha256=[$digest]" &&
	ready "http://127.0.0.1:$PORT/-/healthy" &&
	curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	curl -s -D h -o /dev/null "http://127.0.0.1:$PORT/metrics" &&
	grep "^HTTP/1.1 401" h && grep -i "^www-authenticate: Bearer" h &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer wrong" \
	    "http://127.0.0.1:$PORT/metrics") && test "$code" = 401 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $token" \
	    "http://127.0.0.1:$PORT/api/v1/runs") && test "$code" = 200 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/api/v1/runs") &&
	test "$code" = 401 &&
	curl -fsS "http://127.0.0.1:$PORT/-/healthy" &&
	stop_serve
'

test_expect_success 'a reload that changes credentials is refused, not half-applied' '
	a=$(printf %s token-a | sha256sum | cut -d" " -f1) &&
	b=$(printf %s token-b | sha256sum | cut -d" " -f1) &&
	sed "s#^  listen: \(.*\)#  listen: \1\n  bearer_token_sha256: [$a]#" v.yaml >vr.yaml &&
	bg_start vantage -c vr.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	ready "http://127.0.0.1:$PORT/-/healthy" &&
	sed -i "s#\[$a\]#[$b]#" vr.yaml &&
	kill -HUP $serve_pid &&
	i=0; until grep -q "keeping the running configuration" serve.out; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	grep "reload: http.\* or store.path changed, which takes a restart" serve.out &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer token-a" \
	    "http://127.0.0.1:$PORT/metrics") && test "$code" = 200 &&
	stop_serve
'

test_expect_success 'basic auth with a crypt(3) hash' '
	hash=$(openssl passwd -6 -salt Vx7bq2Zx "correct horse") &&
	cat v.yaml >vb.yaml &&
	cat >>vb.yaml <<-EOF &&
	EOF
	sed -i "s#^  listen: \(.*\)#  listen: \1\n  basic_auth:\n    - user: prometheus\n      password_hash: \"$hash\"#" vb.yaml &&
	vantage -c vb.yaml check &&
	bg_start vantage -c vb.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	ready "http://127.0.0.1:$PORT/-/healthy" &&
	curl -fsS -u "prometheus:correct horse" "http://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	curl -fsS -u "prometheus:correct horse" "http://127.0.0.1:$PORT/metrics" >/dev/null &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -u "prometheus:wrong" \
	    "http://127.0.0.1:$PORT/metrics") && test "$code" = 401 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -u "nobody:correct horse" \
	    "http://127.0.0.1:$PORT/metrics") && test "$code" = 401 &&
	curl -s -D h -o /dev/null "http://127.0.0.1:$PORT/metrics" &&
	grep -i "^www-authenticate: Basic realm=\"vantage\"" h &&
	stop_serve
'

test_expect_success 'bad secrets in the configuration are refused with their place' '
	test_must_fail vantage -c v.yaml -D "http.bearer_token_sha256=[abc]" check 2>err &&
	grep "^-D http.bearer_token_sha256=\[abc\]: http.bearer_token_sha256\[0\]: not 64 lowercase hex digits (sha256sum of the token)$" err &&
	test_must_fail vantage -c v.yaml -D http.tls_cert=x.pem check 2>err &&
	grep "http: tls_cert and tls_key go together" err &&
	test_must_fail vantage -c v.yaml -D http.tls_client_ca=ca.pem check 2>err &&
	grep "^-D http.tls_client_ca=ca.pem: http.tls_client_ca: needs tls_cert and tls_key$" err &&
	printf "http:\n  basic_auth:\n    - user: a\n      password_hash: plain\n" >bad.yaml &&
	sed -n "/^discovery:/,\$p" v.yaml >>bad.yaml &&
	test_must_fail vantage -c bad.yaml check 2>err &&
	grep "^bad.yaml:4:22: http.basic_auth\[0\].password_hash: not a crypt(3) hash this system supports" err
'

test_expect_success 'idle and slow connections do not starve /metrics' '
	start_serve -D http.timeout=2s -D http.max_connections_per_ip=40 &&
	ready "http://127.0.0.1:$PORT/-/healthy" &&
	cat >hog.sh <<-\EOS &&
	# 30 idle connections and 5 that send a header a byte at a time
	i=0; while [ $i -lt 30 ]; do exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1
		eval "exec $((10 + i))<&3"; i=$((i + 1)); done
	j=0; while [ $j -lt 5 ]; do
		( exec 3<>/dev/tcp/127.0.0.1/$1; for c in G E T " " /; do
			printf %s "$c" >&3; sleep 1; done ) &
		j=$((j + 1)); done
	sleep 6
	EOS
	bg_start bash hog.sh $PORT >hog.out 2>&1 &&
	sleep 1 &&
	t0=$(date +%s) &&
	curl -fsS --max-time 5 "http://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	curl -fsS --max-time 5 --interface 127.0.0.2 "http://127.0.0.1:$PORT/metrics" >/dev/null &&
	t1=$(date +%s) && test $((t1 - t0)) -le 4 &&
	stop_serve
'

test_expect_success 'beyond the per-address cap a client is refused, others are served' '
	start_serve -D http.max_connections_per_ip=5 &&
	ready "http://127.0.0.1:$PORT/-/healthy" &&
	cat >hog2.sh <<-\EOS &&
	i=0; while [ $i -lt 5 ]; do exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1
		eval "exec $((10 + i))<&3"; i=$((i + 1)); done
	echo connected >hog2.ready
	sleep 5
	EOS
	bg_start bash hog2.sh $PORT >hog2.out 2>&1 &&
	wait_for_file hog2.ready 100 "$bg_pid" &&
	test_must_fail curl -fsS --max-time 3 "http://127.0.0.1:$PORT/metrics" >/dev/null &&
	curl -fsS --max-time 3 --interface 127.0.0.2 "http://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	stop_serve
'

test_done
