/* t-labels.c -- one label set: JSON and exposition forms, one UTF-8 policy */

/*
 * Copyright (c) 2026 The vantage authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "labels.h"
#include "tap.h"

static char	json_out[512], expo_out[512];

static void
render(const struct labels *ls)
{
	struct buf	b;

	buf_init(&b, 0);
	labels_json(ls, &b);
	snprintf(json_out, sizeof(json_out), "%s", b.b_data);
	buf_reset(&b);
	buf_puts(&b, "");
	labels_expo(ls, &b);
	snprintf(expo_out, sizeof(expo_out), "%s", b.b_data);
	buf_release(&b);
}

int
main(void)
{
	struct labels	ls;
	struct buf	b;

	plan(14);
	labels_init(&ls);
	render(&ls);
	is_str("{}", json_out, "an empty set is {} in JSON");
	is_str("", expo_out, "  and nothing in the exposition");

	labels_add(&ls, "status", "fully_synced", 12);
	labels_add(&ls, "endpoint", "http://a:1", 10);
	render(&ls);
	is_str("{\"status\":\"fully_synced\",\"endpoint\":\"http://a:1\"}",
	    json_out, "labels keep their insertion order in JSON");
	is_str("{status=\"fully_synced\",endpoint=\"http://a:1\"}", expo_out,
	    "  and in the exposition");
	is_str("http://a:1", labels_get(&ls, "endpoint"), "labels_get finds a value");
	ok(labels_get(&ls, "nope") == NULL, "labels_get of an unknown name is NULL");

	labels_reset(&ls);
	labels_add(&ls, "a", "q\"b\\s\nn", 7);
	render(&ls);
	is_str("{a=\"q\\\"b\\\\s\\nn\"}", expo_out,
	    "quote, backslash and newline are escaped in the exposition");
	is_str("{\"a\":\"q\\\"b\\\\s\\u000an\"}", json_out, "  and in JSON");

	labels_reset(&ls);
	labels_add(&ls, "bad", "x\xff\xc3y", 4);
	labels_add(&ls, "none", NULL, 0);
	labels_add(&ls, "empty", "", 0);
	render(&ls);
	is_str("{bad=\"x\xef\xbf\xbd\xef\xbf\xbdy\"}", expo_out,
	    "invalid UTF-8 becomes U+FFFD; absent and empty values are left out");
	is_str("{\"bad\":\"x\xef\xbf\xbd\xef\xbf\xbdy\",\"none\":null,"
	    "\"empty\":\"\"}", json_out,
	    "  JSON carries the same repaired text, null and the empty string");

	labels_reset(&ls);
	labels_add(&ls, "nul", "a\0b", 3);
	buf_init(&b, 0);
	labels_expo(&ls, &b);
	ok(b.b_len == 11 && memcmp(b.b_data, "{nul=\"a\0b\"}", 11) == 0,
	    "a NUL byte in a value is kept as a byte, not mistaken for an escape");
	buf_release(&b);

	buf_init(&b, 0);
	buf_puts(&b, "");
	labels_escape(&b, "\xfe\"", 2);
	is_str("\xef\xbf\xbd\\\"", b.b_data,
	    "labels_escape repairs and escapes any bytes");
	buf_release(&b);

	labels_release(&ls);
	ok(ls.ls_n == 0 && ls.ls_v == NULL, "labels_release empties the set");
	labels_release(&ls);
	ok(1, "labels_release twice is harmless");
	return done_testing();
}
