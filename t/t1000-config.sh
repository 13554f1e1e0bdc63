#!/bin/sh
test_description='configuration: errors with file:line:col, -D overrides, check -v'
. "$VT_SRC_DIR/t/test-lib.sh"

corpus="$VT_SRC_DIR/t/corpus/config"

# Every bad configuration in the corpus fails with exactly its messages.
for f in "$corpus"/*.yaml; do
	name=$(basename "$f" .yaml)
	case $name in ok-*) continue ;; esac
	test_expect_success "config error corpus: $name" "
		(cd '$corpus' && test_must_fail vantage -c $name.yaml check) 2>actual &&
		test_cmp '$corpus/$name.err' actual
	"
done

test_expect_success 'a valid configuration checks OK' '
	(cd "$corpus" && vantage -c ok-minimal.yaml check) >out &&
	echo "configuration OK" >expect &&
	test_cmp expect out
'

test_expect_success 'check -v prints the normalized configuration' '
	(cd "$corpus" && vantage -c ok-minimal.yaml check -v) >out &&
	test_cmp "$corpus/ok-minimal.normalized" out
'

test_expect_success 'the normalized configuration loads to itself' '
	(cd "$corpus" && vantage -c ok-minimal.yaml check -v) >n1.yaml &&
	sed "s#dir: ../../../queries/audius#dir: $VT_SRC_DIR/queries/audius#" n1.yaml >n2.yaml &&
	vantage -c n2.yaml check -v >n3.yaml &&
	test_cmp n2.yaml n3.yaml
'

test_expect_success '-D overrides any key' '
	(cd "$corpus" && vantage -c ok-minimal.yaml -D crawl.timeout=1m30s \
	    -D probes.0.path=/other -D store.path=/tmp/x.db check -v) >out &&
	grep "^  timeout: 1m30s$" out &&
	grep "^    path: /other$" out &&
	grep "^  path: /tmp/x.db$" out
'

test_expect_success '-D errors name the override' '
	(cd "$corpus" && test_must_fail vantage -c ok-minimal.yaml \
	    -D crawl.timeout=soon -D crawl.bogus=1 -D probes.3.path=/x \
	    -D noequals check) 2>err &&
	cat >expect <<-\EOM &&
	-D probes.3.path=/x: '"'"'3'"'"' is not an index of a list of 1
	-D noequals: expected key=value
	vantage: ok-minimal.yaml: configuration has errors
	EOM
	test_cmp expect err &&
	(cd "$corpus" && test_must_fail vantage -c ok-minimal.yaml \
	    -D crawl.timeout=soon -D crawl.bogus=1 check) 2>err &&
	cat >expect <<-\EOM &&
	-D crawl.bogus=1: unknown key '"'"'crawl.bogus'"'"'
	-D crawl.timeout=soon: crawl.timeout: '"'"'soon'"'"': expected a number with a unit such as 500ms, 10s, 5m, 1h
	vantage: ok-minimal.yaml: configuration has errors
	EOM
	test_cmp expect err
'

test_expect_success 'a missing configuration file is named' '
	test_must_fail vantage -c /nonexistent/v.yaml check 2>err &&
	grep "^/nonexistent/v.yaml: No such file or directory$" err
'

test_expect_success 'check validates the query files too' '
	mkdir -p q &&
	printf -- "-- metric: bad name\n-- help: x\nSELECT 1 AS value;\n" >q/10-a.sql &&
	printf -- "-- metric: audius_users\nSELECT 1 AS value;\n" >q/20-b.sql &&
	printf -- "-- metrics: typo\nSELECT 1;\n" >q/30-c.sql &&
	sed "s#dir: ../../../queries/audius#dir: $TRASH/q#" "$corpus/ok-minimal.yaml" >v.yaml &&
	test_must_fail vantage -c v.yaml check 2>err &&
	cat >expect <<-EOM &&
	$TRASH/q/10-a.sql: metric '"'"'bad name'"'"' is not a valid metric name
	$TRASH/q/20-b.sql: metric audius_users needs a help: header
	$TRASH/q/30-c.sql:1: unknown header key '"'"'metrics'"'"' (metric, type, help, cutoff, headline, threshold, history)
	EOM
	test_cmp expect err
'

test_expect_success 'headline and threshold headers are checked, each error named' '
	rm -f q/*.sql &&
	printf -- "-- metric: a\n-- help: x\n-- headline: pie\nSELECT 1 AS value;\n" >q/10-a.sql &&
	printf -- "-- metric: b\n-- help: x\n-- threshold: {s=\"x\"} < 3\nSELECT 1 AS value;\n" >q/20-b.sql &&
	printf -- "-- metric: c\n-- help: x\n-- headline: values\n-- threshold: share < 0.5\nSELECT 1 AS value;\n" >q/30-c.sql &&
	printf -- "-- metric: d\n-- help: x\n-- headline: shares\n-- threshold: share{s=\"x\"} about 3\n-- threshold: share > 2\nSELECT 1 AS value;\n" >q/40-d.sql &&
	printf -- "-- metric: e\n-- help: x\n-- headline: shares\n-- threshold: share{s=\"x\"} < 0.5\n-- threshold: value > 10\nSELECT 1 AS value;\n" >q/50-e.sql &&
	test_must_fail vantage -c v.yaml check 2>err &&
	cat >expect <<-EOM &&
	$TRASH/q/10-a.sql:3: headline '"'"'pie'"'"' is not '"'"'values'"'"' or '"'"'shares'"'"'
	$TRASH/q/20-b.sql: a threshold is declared on a headline metric (add '"'"'-- headline: values'"'"' or '"'"'-- headline: shares'"'"')
	$TRASH/q/30-c.sql:4: threshold '"'"'share < 0.5'"'"': a share needs '"'"'-- headline: shares'"'"'
	$TRASH/q/40-d.sql:4: threshold '"'"'share{s="x"} about 3'"'"': expected <, <=, > or >= (as in: share{status="ok"} < 0.8)
	$TRASH/q/40-d.sql:5: threshold '"'"'share > 2'"'"': a share is a number from 0 to 1
	EOM
	test_cmp expect err &&
	rm q/[1-4]0-*.sql &&
	vantage -c v.yaml check
'

test_expect_success 'the shipped Audius profile checks OK' '
	vantage -c "$VT_SRC_DIR/conf/audius.yaml" check >out &&
	grep "configuration OK" out
'

# The full path of every key entry (.It Ic) of the man page, nested as
# its .Bl lists nest: "discovery.tables.indexes", never just "indexes".
man_key_paths() {
	awk '/^\.Bl/ { depth++; last[depth] = ""; next }
	    /^\.El/ { if (depth > 0) depth--; next }
	    /^\.It Ic [a-z_]+/ {
		path = ""
		for (i = 1; i < depth; i++)
			if (last[i] != "")
				path = path last[i] "."
		last[depth] = $3
		print path $3
	    }' "$1"
}

test_expect_success 'every key of the key table has its own entry in vantage.yaml(5)' '
	vantage check --keys | cut -f1 | sed "s/\[\]//g" | sort -u >keys &&
	test $(wc -l <keys) -gt 50 &&
	man_key_paths "$VT_SRC_DIR/man/vantage.yaml.5" | sort -u >documented &&
	comm -23 keys documented >undocumented &&
	test_cmp /dev/null undocumented
'

test_expect_success 'the key check sees a key documented only by its last name' '
	sed "s/^\.It Ic max_stale/The key max_stale/" "$VT_SRC_DIR/man/vantage.yaml.5" >page &&
	grep -q max_stale page &&
	man_key_paths page >documented &&
	grep -q "^discovery.timeout$" documented &&
	! grep -q "^discovery.max_stale$" documented
'

test_expect_success 'a queries.dir problem names the key'"'"'s place' '
	cp "$corpus/ok-minimal.yaml" q.yaml &&
	sed -i "s#dir: ../../../queries/audius#dir: nowhere#" q.yaml &&
	test_must_fail vantage -c q.yaml check 2>err &&
	grep "^q.yaml:[0-9]*:8: queries.dir: .*nowhere.: No such file or directory$" err &&
	mkdir empty &&
	test_must_fail vantage -c q.yaml -D queries.dir=empty check 2>err &&
	grep "^-D queries.dir=empty: queries.dir: .*empty.: no \*.sql files$" err
'

test_expect_success '100,000 unknown and repeated keys: errors capped and counted' '
	{
		cat "$corpus/ok-minimal.yaml" &&
		echo "crawl:" &&
		i=0; while [ $i -lt 50000 ]; do
			echo "  k$i: 1"; echo "  retries: 1"; i=$((i + 1)); done
	} >many.yaml &&
	test_must_fail vantage -c many.yaml check 2>err &&
	test $(wc -l <err) -eq 52 &&
	grep "^many.yaml:[0-9]*:3: unknown key .crawl.k0.$" err &&
	grep "^many.yaml:[0-9]*:3: duplicate key .retries. (first at line [0-9]*)$" err &&
	grep "^many.yaml: ... and 99949 more errors$" err
'

test_done
