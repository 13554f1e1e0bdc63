#!/bin/sh
test_description='command line: usage, version, exit codes'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'no command is a usage error (exit 2)' '
	vantage >out 2>err; test $? -eq 2 &&
	grep "^usage: vantage" err
'

test_expect_success '-h prints usage on stdout and exits 0' '
	vantage -h >out &&
	grep "^usage: vantage" out &&
	grep "sql \[--table|--box|--markdown|--csv|--json|--line|--mode MODE\]" out &&
	grep "\[--timeout DURATION\] QUERY | -f FILE | -" out
'

test_expect_success 'an unknown command is a usage error' '
	vantage frobnicate >out 2>err; test $? -eq 2 &&
	grep "unknown command .frobnicate." err
'

test_expect_success 'an unknown option is a usage error' '
	vantage --frob check >out 2>err; test $? -eq 2 &&
	grep "unknown option .--frob." err
'

test_expect_success 'version prints the package version' '
	vantage version >out &&
	grep "^vantage [0-9][0-9.]*$" out
'

test_expect_success 'sql needs exactly one query' '
	vantage -c "$VT_SRC_DIR/conf/audius.yaml" sql >out 2>err; test $? -eq 2 &&
	grep "sql takes one QUERY argument, -f FILE or -" err &&
	vantage -c "$VT_SRC_DIR/conf/audius.yaml" sql -f q.sql "SELECT 1" >out 2>err; test $? -eq 2 &&
	grep "sql takes one QUERY argument, -f FILE or -" err
'

test_expect_success 'sql before any run says there is no store yet' '
	write_config v.yaml &&
	test_must_fail vantage -c v.yaml sql "SELECT 1" 2>err &&
	grep "no store yet" err
'

test_done
