#!/bin/sh
test_description='params: a profile'"'"'s parameters, bound in every query as :name'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"

# Three healthy nodes; a metric that compares with params and echoes them.
write_profile() {
	mkdir -p q &&
	cat >q/10-params.sql <<-\EOS &&
	-- metric: params_seen
	-- help: Each param as the query sees it, by SQL type.
	SELECT 'lag' AS name, typeof(:lag_blocks) AS type, :lag_blocks AS value
	UNION ALL
	SELECT 'share', typeof(:share), :share
	UNION ALL
	SELECT 'over_lag', typeof(:word), (SELECT count(*) FROM nodes
	    WHERE run_id = :run_id AND 12 > :lag_blocks);
	EOS
	cat >p.yaml <<-EOF
	store:
	  path: $TRASH/vantage.db
	discovery:
	  source: static
	  nodes:
	    - url: $N/cn/1
	    - url: $N/cn/2
	    - url: $N/cn/3
	crawl:
	  timeout: 2s
	  retries: 0
	probes:
	  - name: clock
	    method: POST
	    path: /users/batch_clock_status
	    items: SELECT :word WHERE :lag_blocks > 0
	    body: '{"walletPublicKeys": {{items}}}'
	    rows: /data/users
	    key: /walletPublicKey
	    values:
	      - column: clock
	        pointer: /clock
	        type: integer
	queries:
	  dir: q
	params:
	  lag_blocks: 10
	  share: "0.25"
	  word: "10 blocks"
	EOF
}

test_expect_success 'setup' '
	start_simnet -s 3 -u 10 -n 3 &&
	write_profile &&
	vantage -c p.yaml check
'

test_expect_success 'params are bound by SQL type: integer, real, text' '
	vantage -c p.yaml once &&
	vantage -c p.yaml metrics >m &&
	grep "^params_seen{name=\"lag\",type=\"integer\"} 10$" m &&
	grep "^params_seen{name=\"share\",type=\"real\"} 0.25$" m &&
	grep "^params_seen{name=\"over_lag\",type=\"text\"} 3$" m
'

test_expect_success 'params reach the probes'"'"' items queries' '
	vantage -c p.yaml sql --csv "SELECT DISTINCT item FROM probe_clock" >out &&
	printf "item\n10 blocks\n" >expect &&
	test_cmp expect out
'

test_expect_success '-D params.NAME=VALUE overrides and adds; check -v lists them' '
	vantage -c p.yaml -D params.lag_blocks=15 -D params.extra=x check -v >out &&
	grep "^params: {lag_blocks: 15, share: 0.25, word: 10 blocks, extra: x}$" out &&
	vantage -c p.yaml -D params.lag_blocks=15 once &&
	vantage -c p.yaml metrics >m &&
	grep "^params_seen{name=\"over_lag\",type=\"text\"} 0$" m
'

test_expect_success 'a query naming a param that is not there fails the run, naming both' '
	sed "s/:share/:shares/g" q/10-params.sql >q/10-params.sql.new &&
	mv q/10-params.sql.new q/10-params.sql &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "query: ./q/10-params.sql: parameter :shares is not in params" err
'

test_expect_success 'param names are checked where they are written' '
	cat >>p.yaml <<-\EOF &&
	  run_id: 3
	  "a b": 1
	  lag_blocks: 4
	EOF
	test_must_fail vantage -c p.yaml check 2>err &&
	cat >expect <<-\EOF &&
	p.yaml:30:3: params.run_id: reserved: the engine binds :run_id itself
	p.yaml:31:3: params.a b: not a parameter name (a letter or _, then letters, digits or _, at most 64)
	p.yaml:32:3: duplicate key '"'"'lag_blocks'"'"' (first at line 27)
	vantage: p.yaml: configuration has errors
	EOF
	test_cmp expect err
'

test_done
