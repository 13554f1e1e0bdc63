#!/bin/sh
test_description='crawl: endpoints from public registries are untrusted (crawl.deny, url checks)'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"		# vantage-simnet
DOWN="127.0.0.1:$((VT_PORT + 2))"	# nothing listens there

# A profile asking each node of a static list for /health_check.  A
# denied address must be refused before any packet leaves: the error says
# "denied", never that a connect failed or timed out.
write_static() {
	mkdir -p q &&
	cat >q/10-nodes.sql <<-\EOS &&
	-- metric: deny_nodes
	-- type: gauge
	-- help: Nodes discovered.
	SELECT count(*) AS value FROM nodes WHERE run_id = :run_id;
	EOS
	{
	cat <<-EOF
	store:
	  path: $TRASH/vantage.db
	discovery:
	  source: static
	  nodes:
	EOF
	for u in "$@"; do
		echo "    - url: $u"
	done
	cat <<-EOF
	crawl:
	  timeout: 2s
	  connect_timeout: 1s
	  retries: 2
	  deny: [10.0.0.0/8, 169.254.0.0/16, 127.0.0.0/8, "::1/128"]
	probes:
	  - name: health
	    path: /health_check
	    values:
	      - column: healthy
	        pointer: /data/healthy
	        type: boolean
	queries:
	  dir: q
	EOF
	} >s.yaml
}

test_expect_success 'start a simulated network' '
	start_simnet -s 3 -u 200 -n 3 &&
	write_config v.yaml
'

test_expect_success 'the Audius profile denies loopback: the nodes are refused, not asked' '
	vantage -c v.yaml -D "crawl.deny=[127.0.0.0/8]" once 2>err &&
	vantage -c v.yaml sql --csv "SELECT node_id, up, last_error FROM nodes
	    WHERE run_id = 1 ORDER BY node_id" >out &&
	cat out &&
	test $(grep -c ",0,GET /health_check: denied by crawl.deny: 127.0.0.1 (127.0.0.0/8)$" out) = 3 &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n, count(error) AS e,
	    max(error) AS why FROM probe_clock WHERE run_id = 1" >out &&
	tail -n 1 out >counts &&
	IFS=, read n e why <counts &&
	test "$n" -gt 0 && test "$n" = "$e" &&
	test "$why" = "denied by crawl.deny: 127.0.0.1 (127.0.0.0/8)"
'

test_expect_success 'the profile as shipped denies loopback, private and metadata ranges' '
	vantage -c "$VT_SRC_DIR/conf/audius.yaml" \
	    -D queries.dir=$VT_SRC_DIR/queries/audius check -v >out &&
	for r in 127.0.0.0/8 "\"::1/128\"" 10.0.0.0/8 172.16.0.0/12 \
	    192.168.0.0/16 169.254.0.0/16 "\"fe80::/10\"" "\"fc00::/7\"" \
	    100.64.0.0/10 0.0.0.0/8 168.63.129.16/32 100.100.100.200/32; do
		grep "^  deny: \[.*$r" out >/dev/null ||
		{ echo "not denied: $r"; return 1; }
	done &&
	grep "^  memory_limit: 256MiB$" out
'

test_expect_success 'the tests allow loopback explicitly, and the profile runs' '
	vantage -c v.yaml check -v >out &&
	grep "^  deny: \[" out &&
	! grep "^  deny: \[.*127.0.0.0/8" out &&
	vantage -c v.yaml once 2>err &&
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'the deny check is on the resolved address: a name, a mapped address' '
	write_static http://localhost:$VT_PORT/cn/1 \
	    "http://[::ffff:127.0.0.1]:$VT_PORT/cn/2" \
	    http://10.255.255.1:$VT_PORT/cn/3 &&
	rm -f vantage.db* &&
	vantage -c s.yaml once 2>err &&
	vantage -c s.yaml sql --csv "SELECT url, last_error FROM nodes ORDER BY url" >out &&
	cat >expect <<-EOF &&
	url,last_error
	http://10.255.255.1:$VT_PORT/cn/3,GET /health_check: denied by crawl.deny: 10.255.255.1 (10.0.0.0/8)
	http://[::ffff:127.0.0.1]:$VT_PORT/cn/2,GET /health_check: denied by crawl.deny: ::ffff:127.0.0.1 (127.0.0.0/8)
	EOF
	grep -v "^http://localhost" out >got &&
	test_cmp expect got &&
	grep "^http://localhost:$VT_PORT/cn/1,GET /health_check: denied by crawl.deny: \(127.0.0.1 (127.0.0.0/8)\|::1 (::1/128)\)$" out
'

test_expect_success 'an allowed address is still asked' '
	write_static $N/cn/1 http://$DOWN/cn/2 &&
	rm -f vantage.db* &&
	vantage -c s.yaml -D "crawl.deny=[10.0.0.0/8]" once 2>err &&
	vantage -c s.yaml sql --csv "SELECT url, up, last_error FROM nodes ORDER BY url" >out &&
	grep "^$N/cn/1,1,$" out &&
	grep "^http://$DOWN/cn/2,0,GET /health_check: Failed to connect to 127.0.0.1 port" out
'

test_expect_success 'the discovery fetch is checked too' '
	cat >j.yaml <<-EOF &&
	store:
	  path: $TRASH/j.db
	discovery:
	  source: json
	  max_stale: 0
	  url: $N/cn/1/health_check
	  nodes: /data
	  node_url: /endpoint
	crawl:
	  deny: [127.0.0.0/8]
	queries:
	  dir: q
	EOF
	test_must_fail vantage -c j.yaml once 2>err &&
	cat err &&
	grep "json: $N/cn/1/health_check: denied by crawl.deny: 127.0.0.1 (127.0.0.0/8)" err
'

test_expect_success 'a bad range is reported where it is written' '
	write_static $N/cn/1 &&
	sed "s#^  deny: .*#  deny: [10.0.0.0/8, 10.1.2.3/8, 300.0.0.0/8, \"fe80::/200\"]#" s.yaml >bad.yaml &&
	test_must_fail vantage -c bad.yaml check 2>err &&
	cat >expect <<-\EOF &&
	bad.yaml:11:22: crawl.deny[1]: '"'"'10.1.2.3/8'"'"': the address has bits set beyond the prefix length
	bad.yaml:11:34: crawl.deny[2]: '"'"'300.0.0.0/8'"'"': not an IPv4 or IPv6 address range (e.g. 10.0.0.0/8)
	bad.yaml:11:47: crawl.deny[3]: '"'"'fe80::/200'"'"': prefix length above 128
	vantage: bad.yaml: configuration has errors
	EOF
	test_cmp expect err
'

test_expect_success 'crawl.memory_limit below crawl.max_response is refused where it is written' '
	write_static $N/cn/1 &&
	test_must_fail vantage -c s.yaml -D crawl.max_response=2MiB \
	    -D crawl.memory_limit=1MiB check 2>err &&
	grep "^-D crawl.memory_limit=1MiB: crawl.memory_limit: 1048576 bytes is less than crawl.max_response 2097152$" err
'

test_done
