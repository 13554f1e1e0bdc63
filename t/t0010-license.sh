#!/bin/sh
test_description='LICENSE: ISC, in every C source and in debian/copyright'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'LICENSE is the ISC license' '
	grep -q "^Copyright (c) [0-9]* " "$VT_SRC_DIR/LICENSE" &&
	grep -q "^Permission to use, copy, modify, and distribute this software for any$" \
	    "$VT_SRC_DIR/LICENSE" &&
	grep -q "^OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.$" \
	    "$VT_SRC_DIR/LICENSE"
'

test_expect_success 'debian/copyright gives the same license text' '
	sed -n "/^Permission/,\$p" "$VT_SRC_DIR/LICENSE" | grep -v "^\$" >license &&
	sed -n "/^License: ISC\$/,\$p" "$VT_SRC_DIR/debian/copyright" |
	    sed -n "2,\$s/^ //p" | grep -v "^\.\$" >copyright &&
	test_cmp license copyright
'

# The notice of LICENSE as a C comment's lines.
sed -n "/^Permission/,\$p" "$VT_SRC_DIR/LICENSE" |
    sed -e "s/^\$/ */" -e "s/^\([^ ]\)/ * \1/" >notice

test_expect_success 'every C source carries the copyright and the notice' '
	(cd "$VT_SRC_DIR" && find src t bench -name "*.[ch]" ! -name schema.c ! -name "remote.pb-c.[ch]" \
	    ! -path "t/trash.*" | sort) >sources &&
	test $(wc -l <sources) -ge 60 &&
	while read -r f; do
		grep -q "^ \* Copyright (c) [0-9]* " "$VT_SRC_DIR/$f" &&
		grep -qxF -f notice "$VT_SRC_DIR/$f" &&
		test $(grep -cxF -f notice "$VT_SRC_DIR/$f") -ge $(wc -l <notice) ||
		    { echo "$f: no ISC copyright notice"; return 1; }
	done <sources
'

test_done
