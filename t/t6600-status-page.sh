#!/bin/sh
test_description='the status page in a real browser: headless Chromium against a served simnet network'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"
EVIL="http://127.0.0.1:$((VT_PORT + 2))"
# Screenshots outlive the trash directory, which a passing run removes.
ARTIFACTS="$VT_BUILD_DIR/t/artifacts/$test_name"

# Headless Chromium, bounded: CI runs as root (--no-sandbox), a private
# profile, no first-run work, and at most 60 s per page.
browse() {
	timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
	    --disable-dev-shm-usage --no-first-run --no-default-browser-check \
	    --disable-extensions --disable-background-networking \
	    --user-data-dir="$TRASH/chromium" --hide-scrollbars "$@" \
	    2>>"$TRASH/chromium.err"
}

# The DOM Chromium built from a page, one tag per line for grep.
dom() {
	browse --dump-dom "$1" >dom.raw &&
	sed 's/></>\n</g' dom.raw >"$2"
}

# Set by the test that starts it; a test that failed before leaves it
# empty, and the later ones must not trip on an unset variable.
serve_pid=
evil_pid=
# The hostile node is ours and answering; give up at once if it exited.
evil_answers_() {
	curl -s "$EVIL/x" 2>/dev/null | grep -q "^<script>document.title" &&
	    return 0
	gone "$evil_pid" && return 99
	return 1
}

stop_serve() {
	[ -n "$serve_pid" ] || return 1
	stop_wait "$serve_pid" 100 || return 1
	wait "$serve_pid" 2>/dev/null
	return 0
}

test_expect_success 'chromium is installed (.ci/deps)' '
	command -v chromium
'

# A node that answers every request with markup instead of JSON, so its
# last error quotes what it sent; the discovery query gives one node a
# hostile label and the hostile node an id made of markup.
test_expect_success 'serve a simulated network with a hostile node' '
	cat >evil.py <<-\EOF &&
	import http.server, sys
	class H(http.server.BaseHTTPRequestHandler):
	    def answer(self):
	        n = int(self.headers.get("Content-Length") or 0)
	        if n:
	            self.rfile.read(n)
	        # markup instead of JSON, quoted by the parser in its error
	        body = b"<script>document.title=\"pwned\"</script><img src=x onerror=alert(1)>"
	        self.send_response(200)
	        self.send_header("Content-Type", "application/json")
	        self.send_header("Content-Length", str(len(body)))
	        self.end_headers()
	        self.wfile.write(body)
	    do_GET = do_POST = answer
	    def log_message(self, *a):
	        pass
	http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
	EOF
	bg_start python3 evil.py $((VT_PORT + 2)) >evil.out 2>&1 &&
	evil_pid=$bg_pid &&
	{ poll 100 evil_answers_ ||
	    { cat evil.out >&2; port_hint evil.out $((VT_PORT + 2)); false; }; } &&
	start_simnet -s 7 -u 3000 -n 6 -f 2:http500 -f 4:down &&
	write_config v.yaml &&
	cat >nodes.sql <<-EOF &&
	  nodes: |
	    SELECT min(cnode_sp_id) AS node_id, endpoint AS url,
	           CASE WHEN min(cnode_sp_id) = 3
	                THEN '"'"'<script>document.title="pwned"</script><b id=injected>x</b>'"'"'
	                ELSE '"'"'ops'"'"' END AS operator
	    FROM ursm_content_nodes WHERE is_current = 1 GROUP BY endpoint
	    UNION ALL
	    SELECT '"'"'evil"><i id=injected>'"'"', '"'"'$EVIL/x'"'"', '"'"'"/><b>'"'"'
	EOF
	awk -v f=nodes.sql '\''
	    /^  nodes: \|/ { while ((getline l <f) > 0) print l; skip = 1; next }
	    skip && /^    GROUP BY endpoint/ { skip = 0; next }
	    !skip'\'' v.yaml >v.new && mv v.new v.yaml &&
	grep -F "$EVIL/x" v.yaml &&
	vantage -c v.yaml check &&
	bg_start vantage -c v.yaml -D schedule.interval=1s serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/ready" || { cat serve.out >&2; port_hint serve.out $((VT_PORT + 1)); return 1; }
'

test_expect_success '/ is HTML under a policy that forbids scripts and external assets' '
	curl -fsS -D headers -o page.html "$HTTP/" &&
	grep -i "^content-type: text/html; charset=utf-8" headers &&
	grep -i "^content-security-policy: default-src '"'"'none'"'"';" headers &&
	grep -i "^x-content-type-options: nosniff" headers &&
	! grep -i "<script\|<link\|<iframe\|<img\|<object\|<embed\|@import\|url(" page.html &&
	! grep -i "href=\"\(https\?:\)\?//" page.html
'

test_expect_success 'the DOM shows the numbers the ground truth says' '
	dom "$HTTP/" d &&
	grep "<span id=\"run-status\" class=\"badge ok\">complete</span>" d &&
	# each status followed by its value, in the DOM the browser built
	jq -r ".samples[] | select(.metric == \"audius_users\") |
	    \"<th>\(.labels.status)</th>@<td class=\\\"num value\\\">\(.value)</td>\"" \
	    truth.json >pairs &&
	while IFS=@ read -r th td; do
		grep -A1 -F "$th" d | grep -F "$td" || { echo "missing: $th $td" >&2; return 1; }
	done <pairs &&
	users=$(jq .users truth.json) &&
	grep -A1 -F "<th>total</th>" d | grep -F "<td class=\"num total\">$users</td>" &&
	grep -F "share{status=\"fully_synced\"} &lt; 0.8" d &&
	test $(wc -l <pairs) = 7 &&
	test $(grep -c "<figure class=\"chart\">" d) = 2
'

test_expect_success 'faulty nodes are down with their reason; the others up' '
	jq -r ".nodes[] | select(.fault != \"none\") | .endpoint" truth.json >faulty &&
	test $(wc -l <faulty) = 2 &&
	for url in $(cat faulty); do
		grep -A7 -F ">$url</a>" d | grep -F "<td class=\"state\">down</td>" || return 1
	done &&
	grep -E "(POST /users/batch_clock_status|GET /health_check): HTTP 500" d &&
	jq -r ".nodes[] | select(.fault == \"none\") | .endpoint" truth.json >healthy &&
	for url in $(cat healthy); do
		grep -A7 -F ">$url</a>" d | grep -F "<td class=\"state\">up</td>" || return 1
	done
'

test_expect_success 'a hostile label, error or node id is text, never markup' '
	! grep -i "<script" d &&
	! grep -i "id=\"injected\"" d &&
	! grep "^<img\|^<i \|^<b>" d &&
	grep "<title>vantage: status</title>" d &&
	grep -F "operator=&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;&lt;b id=injected&gt;x&lt;/b&gt;" d &&
	grep -F "malformed answer" d >evil-error &&
	grep -F "malformed answer: invalid char in json text near '"'"'&lt;script&gt;document.tit'"'"'" evil-error &&
	grep -A1 -F ">$EVIL/x</a>" d >evil-row &&
	grep -F "href=\"node/evil%22%3E%3Ci%20id%3Dinjected%3E\"" d &&
	dom "$HTTP/node/evil%22%3E%3Ci%20id%3Dinjected%3E" n &&
	grep -F "<dd id=\"node-id\">evil\"&gt;&lt;i id=injected&gt;</dd>" n &&
	grep -F "=\"/&gt;&lt;b&gt;</li>" n &&
	! grep -i "<script\|id=\"injected\"" n
'

test_expect_success 'the node table filters by state and sorts, without script' '
	dom "$HTTP/?state=down&sort=failures" f &&
	grep "<a id=\"filter-down\" href=\"?state=down&amp;sort=failures\" aria-current=\"page\">" f &&
	test $(grep -c "^<tr class=\"down\">" f) = 3 &&
	test $(grep -c "^<tr class=\"up\">" f) = 0 &&
	dom "$HTTP/?state=up" f &&
	test $(grep -c "^<tr class=\"up\">" f) = 4 &&
	dom "$HTTP/?sort=url" f &&
	grep -o "<td class=\"url\"><a href=\"[^\"]*\">[^<]*" f | sed "s/.*>//" >urls &&
	sort urls >sorted && test_cmp sorted urls &&
	code=$(curl -s -o bad.html -w "%{http_code}" "$HTTP/?state=sideways") &&
	test "$code" = 400 &&
	grep "state: must be one of all, up, down, unknown" bad.html
'

test_expect_success 'a node page shows its runs and history; an unknown node is 404' '
	url=$(jq -r ".nodes[] | select(.sp_id == 2) | .endpoint" truth.json) &&
	dom "$HTTP/node/2" n &&
	grep -F "<h1 id=\"node-url\">$url</h1>" n &&
	grep -F "<dd id=\"node-state\" class=\"bad\">down" n &&
	grep -F "audius_content_node_up, last week" n &&
	grep -c "<td class=\"state\">down</td>" n &&
	code=$(curl -s -o nf.html -w "%{http_code}" "$HTTP/node/12345") &&
	test "$code" = 404 &&
	grep "no node" nf.html
'

test_expect_success 'screenshots at desktop and phone widths' '
	browse --window-size=1280,2200 --screenshot="$TRASH/status-desktop.png" "$HTTP/" &&
	browse --window-size=390,2600 --screenshot="$TRASH/status-phone.png" "$HTTP/" &&
	browse --window-size=390,1800 --screenshot="$TRASH/node-phone.png" "$HTTP/node/2" &&
	for f in status-desktop status-phone node-phone; do
		test $(wc -c <"$f.png") -gt 20000 &&
		test "$(head -c 8 "$f.png" | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a || return 1
	done &&
	mkdir -p "$ARTIFACTS" &&
	cp status-desktop.png status-phone.png node-phone.png "$ARTIFACTS/"
'
[ -f "$ARTIFACTS/status-phone.png" ] && say "screenshots: $ARTIFACTS"

test_expect_success 'the page works behind a bearer token' '
	stop_serve &&
	token=status-page-token &&
	digest=$(printf %s "$token" | sha256sum | cut -d" " -f1) &&
	bg_start vantage -c v.yaml -D schedule.interval=1s \
	    -D "http.bearer_token_sha256=[$digest]" serve >serve2.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/healthy" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "$HTTP/") &&
	test "$code" = 401 &&
	curl -fsS -H "Authorization: Bearer $token" "$HTTP/" >auth.html &&
	grep "<title>vantage: status</title>" auth.html &&
	stop_serve
'

test_done
