#!/bin/sh
test_description='bash completion: commands, options and -D keys from the tables'
. "$VT_SRC_DIR/t/test-lib.sh"

# complete WORD...: the words bash would offer for the command line
# "vantage WORD..." with the cursor at the end of the last WORD, one a line.
complete_words() {
	bash -c '
	. ./vantage.bash || exit 1
	COMP_WORDS=(vantage "$@")
	COMP_CWORD=$#
	_vantage
	printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@" | sort
}

test_expect_success 'bash is available' '
	command -v bash
'

test_expect_success 'vantage completion bash prints a script bash accepts' '
	vantage completion bash >vantage.bash &&
	bash -n vantage.bash &&
	bash -c ". ./vantage.bash && complete -p vantage" >spec &&
	grep -q "^complete -F _vantage vantage$" spec
'

test_expect_success 'the script the build made is the one the program prints' '
	test_cmp vantage.bash "$VT_BUILD_DIR/vantage.bash"
'

test_expect_success 'completion without a shell, or another one, is a usage error' '
	test_must_fail vantage completion 2>err &&
	grep "give the shell: vantage completion bash" err &&
	test_must_fail vantage completion zsh 2>err &&
	grep "give the shell" err
'

test_expect_success 'every command of the usage is completed, and nothing else' '
	vantage -h | sed -n "/^commands:/,/^\$/p" |
	    sed -n "s/^  \([a-z][a-z]*\).*/\1/p" | sort >commands.expect &&
	test $(wc -l <commands.expect) -ge 7 &&
	complete_words "" >commands.got &&
	test_cmp commands.expect commands.got
'

test_expect_success 'a command is completed from its beginning' '
	complete_words se >got &&
	echo serve >expect &&
	test_cmp expect got &&
	complete_words -c v.yaml -D crawl.timeout=1s ch >got &&
	echo check >expect &&
	test_cmp expect got
'

test_expect_success '-D offers every key of the key table that holds a value' '
	vantage check --keys | awk -F "\t" "\$2 != \"mapping\" {
	    k = \$1; gsub(/\[\]/, \".0\", k); print k \"=\" }" | sort -u >keys.expect &&
	test $(wc -l <keys.expect) -ge 50 &&
	complete_words -D "" >keys.got &&
	test_cmp keys.expect keys.got
'

test_expect_success '-D completes a key from its beginning' '
	complete_words -D crawl.ti >got &&
	echo crawl.timeout= >expect &&
	test_cmp expect got &&
	complete_words -D probes.0.values.0.p >got &&
	echo probes.0.values.0.pointer= >expect &&
	test_cmp expect got
'

test_expect_success 'a kind key offers its kinds' '
	complete_words -D discovery.source = "" >got &&
	printf "%s\n" consul file_sd http_sd json postgresql sqlite static |
	    sort >expect &&
	test_cmp expect got &&
	complete_words -D probes.0.answer = p >got &&
	echo promtext >expect &&
	test_cmp expect got
'

test_expect_success 'a path value completes file names' '
	mkdir confs && : >confs/mine.yaml &&
	complete_words -D store.path = confs/m >got &&
	echo confs/mine.yaml >expect &&
	test_cmp expect got &&
	complete_words -c confs/ >got &&
	test_cmp expect got
'

test_expect_success 'each command offers its own options' '
	complete_words sql --m >got &&
	printf "%s\n" --markdown --mode >expect &&
	test_cmp expect got &&
	complete_words sql --mode "" >got &&
	printf "%s\n" box csv json line markdown table >expect &&
	test_cmp expect got &&
	complete_words check --k >got &&
	echo --keys >expect &&
	test_cmp expect got &&
	complete_words metrics --o >got &&
	echo --openmetrics >expect &&
	test_cmp expect got &&
	complete_words completion "" >got &&
	echo bash >expect &&
	test_cmp expect got
'

test_expect_success 'every output mode vantage sql takes is offered' '
	complete_words sql --mode "" >modes &&
	while read -r m; do
		vantage sql --mode "$m" "SELECT 1" 2>err
		! grep -q "not one of" err || return 1
	done <modes
'

test_done
