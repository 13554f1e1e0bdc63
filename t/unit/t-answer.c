/* t-answer.c -- the json answer kind: pointers, typed values, rows matched to items */

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

#include "conf.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "buf.h"
#include "util.h"
#include "crawl.h"
#include "probe.h"
#include "tap.h"

static json_t *
parse(const char *text)
{
	json_error_t	 e;
	json_t		*j;

	if ((j = json_loads(text, 0, &e)) == NULL) {
		printf("# bad test JSON: %s\n", e.text);
		exit(1);
	}
	return j;
}

/* The integer at pointer p in doc, or -999 if there is none. */
static long long
int_at(json_t *doc, const char *p)
{
	json_t	*v = json_pointer(doc, p);

	return json_is_integer(v) ? json_integer_value(v) : -999;
}

static void
test_pointer(void)
{
	json_t	*doc;

	doc = parse("{\"a\": {\"b\": 1}, \"arr\": [10, 20, {\"c\": 30}],"
	    " \"a/b\": 2, \"m~n\": 3, \"\": 4, \"~1\": 5, \"s\": \"str\","
	    " \"n\": null, \"0\": 6}");

	ok(json_pointer(doc, "") == doc, "\"\" is the whole document");
	is_int(1, int_at(doc, "/a/b"), "/a/b");
	is_int(10, int_at(doc, "/arr/0"), "/arr/0");
	is_int(30, int_at(doc, "/arr/2/c"), "/arr/2/c through an array");
	is_int(2, int_at(doc, "/a~1b"), "~1 is a slash in a key");
	is_int(3, int_at(doc, "/m~0n"), "~0 is a tilde in a key");
	is_int(5, int_at(doc, "/~01"), "~01 is ~1, not / (left to right)");
	is_int(4, int_at(doc, "/"), "/ is the empty key");
	is_int(6, int_at(doc, "/0"), "a number is a key in an object");
	ok(json_is_object(json_pointer(doc, "/a")), "/a is the inner object");
	ok(json_is_null(json_pointer(doc, "/n")), "/n is a JSON null, not absent");

	ok(json_pointer(doc, "/arr/01") == NULL, "leading zero index refused");
	ok(json_pointer(doc, "/arr/00") == NULL, "00 index refused");
	ok(json_pointer(doc, "/arr/3") == NULL, "index past the end");
	ok(json_pointer(doc, "/arr/-") == NULL, "- (past the end) has no value");
	ok(json_pointer(doc, "/arr/-1") == NULL, "negative index refused");
	ok(json_pointer(doc, "/arr/1x") == NULL, "index with trailing junk");
	ok(json_pointer(doc, "/arr/") == NULL, "empty index refused");
	ok(json_pointer(doc, "/arr/99999999999999999999999") == NULL,
	    "huge index refused");
	ok(json_pointer(doc, "/s/0") == NULL, "pointer into a string");
	ok(json_pointer(doc, "/a/b/c") == NULL, "pointer into a number");
	ok(json_pointer(doc, "/n/x") == NULL, "pointer into a null");
	ok(json_pointer(doc, "/missing") == NULL, "missing key");
	ok(json_pointer(doc, "a/b") == NULL, "pointer without a leading /");
	json_decref(doc);

	doc = parse("[[1, 2], [3, 4]]");
	is_int(4, int_at(doc, "/1/1"), "pointer from an array root");
	json_decref(doc);

	{
		/* A member name longer than any fixed buffer. */
		char	text[1024], ptr[1024];

		memset(text, 0, sizeof(text));
		memset(ptr, 0, sizeof(ptr));
		strcpy(text, "{\"");
		memset(text + 2, 'k', 600);
		strcpy(text + 602, "\": {\"x\": 7}}");
		ptr[0] = '/';
		memset(ptr + 1, 'k', 600);
		strcpy(ptr + 601, "/x");
		doc = parse(text);
		is_int(7, int_at(doc, ptr), "a member name of 600 bytes");
		ptr[600] = '\0';
		ok(json_pointer(doc, ptr) == NULL, "  one byte short: none");
		json_decref(doc);
	}
}

/* Step "SELECT ?1" and report the result's type. */
static int
result_type(sqlite3_stmt *st)
{
	int	type = -1;

	sqlite3_reset(st);
	if (sqlite3_step(st) == SQLITE_ROW)
		type = sqlite3_column_type(st, 0);
	return type;
}

/* Bind at ?1 of an idle statement (a stepped one refuses bindings). */
static int
bind(sqlite3_stmt *st, json_t *v, int64_t type, const char *pointer,
    char *why, size_t whylen)
{
	struct value_conf vc;
	struct aval	av;
	int		rc;

	memset(&vc, 0, sizeof(vc));
	vc.vc_type = type;
	vc.vc_pointer = (char *)pointer;
	sqlite3_reset(st);
	rc = answer_json_value(v, &vc, &av, why, whylen);
	probe_bind_value(st, 1, &av);
	return rc;
}

static void
test_bind(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	json_t		*v;
	char		 why[256];
	int		 rc;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ?1", -1, &st, NULL) != SQLITE_OK) {
		printf("# sqlite: %s\n", sqlite3_errmsg(db));
		exit(1);
	}

	v = json_integer(42);
	rc = bind(st, v, VT_INTEGER, "/clock", why, sizeof(why));
	is_int(0, rc, "integer fits integer");
	ok(result_type(st) == SQLITE_INTEGER && sqlite3_column_int64(st, 0) == 42,
	    "  bound as INTEGER 42");
	json_decref(v);

	v = json_integer(INT64_C(9007199254740993));
	bind(st, v, VT_INTEGER, "/clock", why, sizeof(why));
	ok(result_type(st) == SQLITE_INTEGER &&
	    sqlite3_column_int64(st, 0) == INT64_C(9007199254740993),
	    "a 64-bit integer is bound exactly");
	json_decref(v);

	why[0] = '\0';
	v = json_real(1.5);
	rc = bind(st, v, VT_INTEGER, "/clock", why, sizeof(why));
	is_int(-1, rc, "real refused for integer");
	is_str("/clock: expected integer, got real", why, "  with its reason");
	is_int(SQLITE_NULL, result_type(st),
	    "  and the earlier value is replaced by NULL");
	json_decref(v);

	v = json_integer(3);
	rc = bind(st, v, VT_REAL, "/r", why, sizeof(why));
	ok(rc == 0 && result_type(st) == SQLITE_FLOAT &&
	    sqlite3_column_double(st, 0) == 3.0, "integer accepted for real");
	json_decref(v);

	v = json_real(2.5);
	rc = bind(st, v, VT_REAL, "/r", why, sizeof(why));
	ok(rc == 0 && result_type(st) == SQLITE_FLOAT &&
	    sqlite3_column_double(st, 0) == 2.5, "real fits real");
	json_decref(v);

	v = json_string("2.5");
	rc = bind(st, v, VT_REAL, "/r", why, sizeof(why));
	is_int(-1, rc, "a numeric string is not a real");
	is_str("/r: expected real, got string", why, "  with its reason");
	json_decref(v);

	v = json_stringn("a\0b", 3);
	rc = bind(st, v, VT_TEXT, "/t", why, sizeof(why));
	ok(rc == 0 && result_type(st) == SQLITE_TEXT &&
	    sqlite3_column_bytes(st, 0) == 3 &&
	    memcmp(sqlite3_column_text(st, 0), "a\0b", 3) == 0,
	    "text bound with its full length");
	json_decref(v);

	v = json_integer(5);
	rc = bind(st, v, VT_TEXT, "/t", why, sizeof(why));
	is_int(-1, rc, "integer refused for text");
	is_str("/t: expected text, got integer", why, "  with its reason");
	is_int(SQLITE_NULL, result_type(st), "  and NULL bound");
	json_decref(v);

	v = json_true();
	rc = bind(st, v, VT_BOOLEAN, "/ok", why, sizeof(why));
	ok(rc == 0 && result_type(st) == SQLITE_INTEGER &&
	    sqlite3_column_int(st, 0) == 1, "true binds 1");
	v = json_false();
	rc = bind(st, v, VT_BOOLEAN, "/ok", why, sizeof(why));
	ok(rc == 0 && result_type(st) == SQLITE_INTEGER &&
	    sqlite3_column_int(st, 0) == 0, "false binds 0");

	v = json_string("true");
	rc = bind(st, v, VT_BOOLEAN, "/ok", why, sizeof(why));
	is_str("/ok: expected boolean, got string", why,
	    "the string \"true\" is not a boolean");
	json_decref(v);

	v = json_integer(1);
	rc = bind(st, v, VT_BOOLEAN, "/ok", why, sizeof(why));
	is_str("/ok: expected boolean, got integer", why,
	    "1 is not a boolean");
	json_decref(v);

	v = json_null();
	rc = bind(st, v, VT_INTEGER, "/x", why, sizeof(why));
	is_str("/x: expected integer, got null", why, "a JSON null is a mismatch");

	v = json_object();
	rc = bind(st, v, VT_TEXT, "/x", why, sizeof(why));
	is_str("/x: expected text, got object", why, "an object is a mismatch");
	json_decref(v);

	v = json_integer(7);
	bind(st, v, VT_INTEGER, "/x", why, sizeof(why));
	json_decref(v);
	rc = bind(st, NULL, VT_INTEGER, "/x", why, sizeof(why));
	is_int(-1, rc, "no value refused");
	is_str("no value at /x", why, "  with its reason");
	is_int(SQLITE_NULL, result_type(st), "  and NULL bound over the last value");

	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* ------------------------------------------------------------------ */
/* Coercion: values[].from, map, missing and default. */

static struct aval	 cv;
static char		 cwhy[256];

/*
 * Read the JSON text (NULL: no value) as a value of type, from, missing
 * and default; the result in cv and cwhy.
 */
static int
coerce(const char *text, int64_t type, int64_t from, int64_t missing,
    const char *def)
{
	struct value_conf vc;
	json_error_t	 e;
	json_t		*v = NULL;
	int		 rc;

	memset(&vc, 0, sizeof(vc));
	vc.vc_pointer = (char *)"/v";
	vc.vc_type = type;
	vc.vc_from = from;
	vc.vc_missing = missing;
	vc.vc_default = (char *)(def != NULL ? def : "");
	if (text != NULL && (v = json_loads(text, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &e)) == NULL) {
		printf("# bad test JSON: %s\n", e.text);
		exit(1);
	}
	cwhy[0] = '\0';
	rc = answer_json_value(v, &vc, &cv, cwhy, sizeof(cwhy));
	json_decref(v);
	return rc;
}

static int
coerce_int(const char *text, int64_t from, long long want)
{
	return coerce(text, VT_INTEGER, from, VM_ERROR, NULL) == 0 &&
	    cv.av_type == AV_INTEGER && cv.av_int == want;
}

static int
coerce_real(const char *text, int64_t from, double want)
{
	return coerce(text, VT_REAL, from, VM_ERROR, NULL) == 0 &&
	    cv.av_type == AV_REAL && cv.av_real == want;
}

/* Fails with exactly why, and no value. */
static int
coerce_fails(const char *text, int64_t type, int64_t from, const char *why)
{
	if (coerce(text, type, from, VM_ERROR, NULL) != -1 ||
	    cv.av_type != AV_NULL)
		return 0;
	if (strcmp(cwhy, why) != 0) {
		printf("# got: %s\n", cwhy);
		return 0;
	}
	return 1;
}

static void
test_coerce_string(void)
{
	/* CometBFT and the Beacon API write int64 and Uint64 as strings. */
	ok(coerce_int("\"1262196\"", VF_STRING, 1262196),
	    "from string: a decimal integer in a string");
	ok(coerce_int("\"-5\"", VF_STRING, -5), "  negative");
	ok(coerce_int("\"9223372036854775807\"", VF_STRING, INT64_MAX),
	    "  the largest int64");
	ok(coerce_int("\"-9223372036854775808\"", VF_STRING, INT64_MIN),
	    "  the smallest int64");
	ok(coerce_fails("\"9223372036854775808\"", VT_INTEGER, VF_STRING,
	    "/v: '9223372036854775808' is out of range for integer"),
	    "  one more is out of range");
	ok(coerce_fails("\"99999999999999999999999999999999999999999999999\"",
	    VT_INTEGER, VF_STRING, "/v: '9999999999999999999999999999999999"
	    "999999'... is out of range for integer"),
	    "  a huge one too, quoted short");
	ok(coerce_fails("\"12a\"", VT_INTEGER, VF_STRING,
	    "/v: '12a' is not a decimal integer"), "  trailing junk");
	ok(coerce_fails("\" 1\"", VT_INTEGER, VF_STRING,
	    "/v: ' 1' is not a decimal integer"), "  a blank");
	ok(coerce_fails("\"+1\"", VT_INTEGER, VF_STRING,
	    "/v: '+1' is not a decimal integer"), "  a plus sign");
	ok(coerce_fails("\"\"", VT_INTEGER, VF_STRING,
	    "/v: '' is not a decimal integer"), "  empty");
	ok(coerce_fails("\"1.5\"", VT_INTEGER, VF_STRING,
	    "/v: '1.5' is not a decimal integer"), "  a fraction");
	ok(coerce_fails("12", VT_INTEGER, VF_STRING,
	    "/v: expected string, got integer"),
	    "  a JSON number where a string is due: wrong type");
	ok(coerce_fails("\"1\\u0000\"", VT_INTEGER, VF_STRING,
	    "/v: '1\\x00' is not a decimal integer"),
	    "  a NUL inside, shown escaped");

	ok(coerce_real("\"0.050000000000000000\"", VF_STRING, 0.05),
	    "from string: a decimal number as real");
	ok(coerce_real("\"-1e3\"", VF_STRING, -1000), "  with an exponent");
	ok(coerce_fails("\"NaN\"", VT_REAL, VF_STRING,
	    "/v: 'NaN' is not a decimal number"), "  NaN is refused");
	ok(coerce_fails("\"inf\"", VT_REAL, VF_STRING,
	    "/v: 'inf' is not a decimal number"), "  inf is refused");
	ok(coerce_fails("\"0x10\"", VT_REAL, VF_STRING,
	    "/v: '0x10' is not a decimal number"), "  hex is refused");
	ok(coerce_fails("\"1e400\"", VT_REAL, VF_STRING,
	    "/v: '1e400' is out of range for real"), "  1e400 is out of range");
	{
		/* Many digits are not out of range: 1e-151 and 1e199. */
		char	long_dec[256];

		strcpy(long_dec, "\"0.");
		memset(long_dec + 3, '0', 150);
		strcpy(long_dec + 153, "1\"");
		ok(coerce_real(long_dec, VF_STRING, 1e-151),
		    "  a decimal of 154 characters (%s)", cwhy);
		long_dec[0] = '"';
		long_dec[1] = '1';
		memset(long_dec + 2, '0', 199);
		strcpy(long_dec + 201, "\"");
		ok(coerce_real(long_dec, VF_STRING, 1e199),
		    "  an integer of 200 digits, as a real (%s)", cwhy);
	}

	ok(coerce("\"true\"", VT_BOOLEAN, VF_STRING, VM_ERROR, NULL) == 0 &&
	    cv.av_int == 1, "from string: \"true\" is 1");
	ok(coerce("\"false\"", VT_BOOLEAN, VF_STRING, VM_ERROR, NULL) == 0 &&
	    cv.av_type == AV_INTEGER && cv.av_int == 0, "  \"false\" is 0");
	ok(coerce_fails("\"TRUE\"", VT_BOOLEAN, VF_STRING,
	    "/v: 'TRUE' is not true or false"), "  nothing else");
	ok(coerce("\"on\"", VT_TEXT, VF_STRING, VM_ERROR, NULL) == 0 &&
	    cv.av_type == AV_TEXT && cv.av_len == 2, "from string: text as is");
}

static void
test_coerce_hex(void)
{
	/* Shapes of ethereum/execution-apis tests/eth_blockNumber, eth_chainId. */
	ok(coerce_int("\"0x14\"", VF_HEX, 20), "from hex: 0x14 is 20");
	ok(coerce_int("\"0xc72dd9d5e883e\"", VF_HEX, INT64_C(3503995874084926)),
	    "  an eth_chainId quantity");
	ok(coerce_int("\"0x0\"", VF_HEX, 0), "  0x0");
	ok(coerce_int("\"0X1f\"", VF_HEX, 31), "  0X and upper case digits");
	ok(coerce_int("\"0x00000000000000000000001\"", VF_HEX, 1),
	    "  leading zeros do not count against 64 bits");
	ok(coerce_int("\"0x7fffffffffffffff\"", VF_HEX, INT64_MAX),
	    "  the largest int64");
	ok(coerce_fails("\"0x8000000000000000\"", VT_INTEGER, VF_HEX,
	    "/v: '0x8000000000000000' is beyond a 64-bit integer"),
	    "  one more is beyond int64, an error");
	ok(coerce_fails("\"0x10000000000000000\"", VT_INTEGER, VF_HEX,
	    "/v: '0x10000000000000000' is beyond a 64-bit integer"),
	    "  so is 2^64");
	ok(coerce_fails("\"0x\"", VT_INTEGER, VF_HEX,
	    "/v: '0x' is not a 0x quantity"), "  no digits");
	ok(coerce_fails("\"14\"", VT_INTEGER, VF_HEX,
	    "/v: '14' is not a 0x quantity"), "  no 0x");
	ok(coerce_fails("\"0xfg\"", VT_INTEGER, VF_HEX,
	    "/v: '0xfg' is not a 0x quantity"), "  a bad digit");
	ok(coerce_fails("\"-0x1\"", VT_INTEGER, VF_HEX,
	    "/v: '-0x1' is not a 0x quantity"), "  a sign");
	ok(coerce_fails("20", VT_INTEGER, VF_HEX,
	    "/v: expected string, got integer"), "  a JSON number");
	ok(coerce_fails("false", VT_INTEGER, VF_HEX,
	    "/v: expected string, got boolean"),
	    "  eth_syncing's false where a quantity is due");
	ok(coerce_real("\"0xde0b6b3a7640000\"", VF_HEX, 1e18),
	    "from hex as real: 10^18");
	ok(coerce_real("\"0x1000000000000000000000000000000000000000000000000"
	    "000000000000000\"", VF_HEX, ldexp(1, 252)),
	    "  up to 256 bits");
	ok(coerce_fails("\"0x1000000000000000000000000000000000000000000000000"
	    "0000000000000000\"", VT_REAL, VF_HEX,
	    "/v: '0x10000000000000000000000000000000000000'... is beyond 256 "
	    "bits"), "  beyond 256 bits is an error");
}

static void
test_coerce_duration(void)
{
	ok(coerce_real("\"1h2m3.5s\"", VF_DURATION, 3723.5),
	    "from duration: 1h2m3.5s");
	ok(coerce_real("\"300ms\"", VF_DURATION, 0.3), "  300ms");
	ok(coerce_real("\"-1.5h\"", VF_DURATION, -5400), "  -1.5h");
	ok(coerce_real("\"0\"", VF_DURATION, 0), "  a bare 0");
	ok(coerce_real("\"1.s\"", VF_DURATION, 1), "  1.s, as Go takes it");
	ok(coerce_real("\".5m\"", VF_DURATION, 30), "  .5m");
	ok(coerce_real("\"2\xc2\xb5s\"", VF_DURATION, 2e-6), "  micro sign");
	ok(coerce_real("\"1500ns\"", VF_DURATION, 1.5e-6), "  ns");
	ok(coerce_real("\"72h3m0.5s\"", VF_DURATION, 259380.5),
	    "  an uptime of days, in hours");
	ok(coerce_fails("\"5\"", VT_REAL, VF_DURATION,
	    "/v: '5' is not a duration"), "  no unit");
	ok(coerce_fails("\"1d\"", VT_REAL, VF_DURATION,
	    "/v: '1d' is not a duration"), "  no days in Go");
	ok(coerce_fails("\"\"", VT_REAL, VF_DURATION,
	    "/v: '' is not a duration"), "  empty");
	ok(coerce_fails("\".s\"", VT_REAL, VF_DURATION,
	    "/v: '.s' is not a duration"), "  a dot alone");
	ok(coerce_fails("\"NaNs\"", VT_REAL, VF_DURATION,
	    "/v: 'NaNs' is not a duration"), "  NaN");
	ok(coerce_fails("\"3000000h\"", VT_REAL, VF_DURATION,
	    "/v: '3000000h' is out of range"), "  beyond Go's 292 years");
	ok(coerce_fails("3600", VT_REAL, VF_DURATION,
	    "/v: expected string, got integer"), "  a number");
}

static void
test_coerce_enum_missing(void)
{
	static char	*map[] = { (char *)"SYNCED", (char *)"0",
	    (char *)"CATCHUP", (char *)"1", (char *)"BOOTSTRAP", (char *)"-2" };
	struct value_conf vc;
	json_t		*v;
	char		 why[256];
	int		 rc;

	memset(&vc, 0, sizeof(vc));
	vc.vc_pointer = (char *)"/syncStatus";
	vc.vc_type = VT_INTEGER;
	vc.vc_map = map;
	vc.vc_nmap = 3;
	v = json_string("CATCHUP");
	rc = answer_json_value(v, &vc, &cv, why, sizeof(why));
	ok(rc == 0 && cv.av_type == AV_INTEGER && cv.av_int == 1,
	    "map: CATCHUP is 1");
	json_decref(v);
	v = json_string("BOOTSTRAP");
	rc = answer_json_value(v, &vc, &cv, why, sizeof(why));
	ok(rc == 0 && cv.av_int == -2, "  BOOTSTRAP is -2");
	json_decref(v);
	v = json_string("SYNCED\x01");
	rc = answer_json_value(v, &vc, &cv, why, sizeof(why));
	ok(rc == -1 && cv.av_type == AV_NULL, "  a string not in the map fails");
	is_str("/syncStatus: 'SYNCED\\x01' is not in map", why, "  and says so");
	json_decref(v);
	v = json_stringn("SYNCED\0x", 8);
	rc = answer_json_value(v, &vc, &cv, why, sizeof(why));
	ok(rc == -1, "  a NUL does not cut the string short");
	json_decref(v);
	v = json_integer(0);
	rc = answer_json_value(v, &vc, &cv, why, sizeof(why));
	is_str("/syncStatus: expected string, got integer", why,
	    "  a number is the wrong type");
	json_decref(v);

	/* protobuf's omitempty: a false or 0 field is left out. */
	ok(coerce(NULL, VT_INTEGER, VF_JSON, VM_NULL, NULL) == 0 &&
	    cv.av_type == AV_NULL, "missing: null gives NULL");
	ok(coerce("null", VT_TEXT, VF_JSON, VM_NULL, NULL) == 0 &&
	    cv.av_type == AV_NULL, "  so does a JSON null");
	ok(coerce(NULL, VT_BOOLEAN, VF_JSON, VM_DEFAULT, "") == 0 &&
	    cv.av_type == AV_INTEGER && cv.av_int == 0,
	    "missing: default, empty: false is 0");
	ok(coerce(NULL, VT_INTEGER, VF_STRING, VM_DEFAULT, "") == 0 &&
	    cv.av_type == AV_INTEGER && cv.av_int == 0, "  an integer 0");
	ok(coerce(NULL, VT_REAL, VF_DURATION, VM_DEFAULT, "") == 0 &&
	    cv.av_type == AV_REAL && cv.av_real == 0, "  a real 0");
	ok(coerce(NULL, VT_TEXT, VF_JSON, VM_DEFAULT, "") == 0 &&
	    cv.av_type == AV_TEXT && cv.av_len == 0, "  an empty text");
	ok(coerce(NULL, VT_INTEGER, VF_HEX, VM_DEFAULT, "-7") == 0 &&
	    cv.av_int == -7, "  or the default given");
	ok(coerce(NULL, VT_BOOLEAN, VF_JSON, VM_DEFAULT, "true") == 0 &&
	    cv.av_int == 1, "  true");
	ok(coerce(NULL, VT_TEXT, VF_JSON, VM_DEFAULT, "none") == 0 &&
	    cv.av_len == 4 && memcmp(cv.av_text, "none", 4) == 0, "  a text");
	ok(coerce("null", VT_REAL, VF_JSON, VM_DEFAULT, "2.5") == 0 &&
	    cv.av_real == 2.5, "  for a JSON null too");
	ok(coerce("\"x\"", VT_INTEGER, VF_JSON, VM_DEFAULT, "") == -1 &&
	    strcmp(cwhy, "/v: expected integer, got string") == 0,
	    "  a value of the wrong type is still an error");
	ok(coerce(NULL, VT_INTEGER, VF_JSON, VM_ERROR, NULL) == -1 &&
	    strcmp(cwhy, "no value at /v") == 0,
	    "missing: error (the default) fails the item");

	/* Integers beyond 64 bits do not spoil the rest of the answer. */
	ok(coerce_fails("18446744073709551616.0", VT_INTEGER, VF_JSON,
	    "/v: integer out of range"),
	    "an integer beyond 64 bits, read as integer, is out of range");
	ok(coerce_fails("1.5", VT_INTEGER, VF_JSON,
	    "/v: expected integer, got real"), "  a fraction is a real");
}

/* An answer is parsed within 8 bytes per byte plus 4MiB. */
static void
test_parse_budget(void)
{
	char	 err[256];
	char	*big;
	size_t	 i, n = 1024 * 1024;
	json_t	*doc;
	const char *ok_answer =
	    "{\"data\":{\"users\":[{\"walletPublicKey\":\"0xa\",\"clock\":3}]}}";

	doc = answer_json_parse(ok_answer, strlen(ok_answer), err, sizeof(err));
	ok(doc != NULL, "a normal answer parses within its budget");
	json_decref(doc);
	/* 1MiB of empty objects needs far more than 12MiB as jansson values. */
	big = malloc(n + 4);
	big[0] = '[';
	for (i = 1; i + 3 < n; i += 3)
		memcpy(big + i, "{},", 3);
	memcpy(big + i, "{}]", 3);
	doc = answer_json_parse(big, i + 3, err, sizeof(err));
	ok(doc == NULL, "an object-heavy 1MiB answer exceeds its parse budget");
	is_str("malformed answer: more than 12 MiB when parsed", err,
	    "  and says so");
	json_decref(doc);
	doc = answer_json_parse("{\"a\": [1, 2", 11, err, sizeof(err));
	ok(doc == NULL && strncmp(err, "malformed answer: ", 18) == 0,
	    "a truncated answer is malformed");
	free(big);
}

/* ------------------------------------------------------------------ */
/*
 * Every answer these tests read whole is read again as it would arrive,
 * in pieces (of 1, 2 and 7 bytes, and in halves), each in its own
 * allocation: the rows, the result and the reason must be the same.  A
 * reason's "near '...'" text may be cut where a piece ends.
 */
static int	pieces_differ;

/* The json kind on res, fed in pieces of step bytes (0: two halves). */
static int
extract_pieces(const struct answer_batch *ab, const struct crawl_result *res,
    size_t step, answer_row_cb row, void *arg, char *err, size_t errlen)
{
	void	*rd = answer_json.ak_open(ab);
	char	*piece;
	size_t	 off, n;

	if (step == 0)
		step = res->cr_len / 2 + 1;
	for (off = 0; off < res->cr_len; off += n) {
		n = res->cr_len - off < step ? res->cr_len - off : step;
		piece = malloc(n);
		memcpy(piece, res->cr_body + off, n);
		answer_json.ak_feed(rd, piece, n);
		free(piece);
	}
	return answer_json.ak_end(rd, res, row, arg, err, errlen);
}

/* s without its near text and column, which a piece's end may move. */
static void
reason_of(const char *s, char *out, size_t len)
{
	const char	*near = strstr(s, " near '"), *at;
	const char	*col = strstr(s, " column ");

	at = near != NULL ? strstr(near, "' at line ") : NULL;
	if (near != NULL && at != NULL)
		snprintf(out, len, "%.*s%.*s", (int)(near - s), s,
		    col != NULL && col > at ? (int)(col - at) : (int)strlen(at),
		    at);
	else
		snprintf(out, len, "%.*s", col != NULL ? (int)(col - s) :
		    (int)strlen(s), s);
}

/*
 * Are the reasons the same?  Where a token was cut between pieces, yajl
 * may place an error a few bytes on, on the same line.
 */
static int
same_reason(const char *a, const char *b)
{
	char	 ra[1024], rb[1024];

	reason_of(a, ra, sizeof(ra));
	reason_of(b, rb, sizeof(rb));
	return strcmp(ra, rb) == 0;
}

/*
 * Read res in pieces into out (size bytes, set up as whole_out was before
 * the whole read) and compare with what the whole read gave.
 */
static void
compare_pieces(const struct answer_batch *ab, const struct crawl_result *res,
    answer_row_cb row, const void *start, const void *whole_out, void *out,
    size_t size, int whole_rc, const char *whole_err)
{
	static const size_t steps[] = { 1, 2, 7, 0 };
	char	 err[1024];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		memcpy(out, start, size);
		err[0] = '\0';
		rc = extract_pieces(ab, res, steps[i], row, out, err,
		    sizeof(err));
		if (rc == whole_rc && memcmp(out, whole_out, size) == 0 &&
		    same_reason(err, whole_err))
			continue;
		pieces_differ++;
		printf("# in pieces of %zu: rc %d, '%s'; whole: rc %d, '%s'\n",
		    steps[i], rc, err, whole_rc, whole_err);
	}
}

/* ------------------------------------------------------------------ */
/* Rows of the json kind, as the scheduler would receive them. */

#define MAXROWS	16

struct rows {
	size_t		 r_n;
	size_t		 r_item[MAXROWS];
	char		 r_error[MAXROWS][128];	/* "" when none */
	long long	 r_clock[MAXROWS];	/* -1: NULL */
	char		 r_name[MAXROWS][32];	/* "" when NULL */
	int		 r_fail_at;		/* the callback fails at this row */
};

static int
collect(void *arg, size_t item, const char *key, size_t keylen,
    const struct aval *v, const char *error)
{
	struct rows	*r = arg;
	size_t		 i = r->r_n;

	if ((int)i == r->r_fail_at || i == MAXROWS)
		return -1;
	r->r_n++;
	r->r_item[i] = item;
	snprintf(r->r_error[i], sizeof(r->r_error[i]), "%s",
	    error != NULL ? error : "");
	r->r_clock[i] = -1;
	r->r_name[i][0] = '\0';
	if (error == NULL && v[0].av_type == AV_INTEGER)
		r->r_clock[i] = v[0].av_int;
	if (error == NULL && v[1].av_type == AV_TEXT)
		snprintf(r->r_name[i], sizeof(r->r_name[i]), "%.*s",
		    (int)v[1].av_len, v[1].av_text);
	return 0;
}

static struct value_conf values[] = {
	{ .vc_column = (char *)"clock", .vc_pointer = (char *)"/clock",
	    .vc_type = VT_INTEGER },
	{ .vc_column = (char *)"name", .vc_pointer = (char *)"/name",
	    .vc_type = VT_TEXT },
};

static struct answer_json_conf probe_json = {
	.aj_rows = (char *)"/data",
	.aj_key = (char *)"/id",
	.aj_values = values,
	.aj_nvalues = 2,
};

static struct probe_conf probe = {
	.pc_name = (char *)"users",
	.pc_answer = &answer_json.ak_kind,
	.pc_answer_conf = &probe_json,
};

/* Run the json kind on body for items (NULL: a probe without items). */
static int
extract(const char *body, char *const *items, size_t n, struct rows *r,
    char *err, size_t errlen)
{
	struct answer_batch	ab;
	struct crawl_result	res;
	static struct rows	start, whole, again;
	int			rc;

	memset(r, 0, sizeof(*r));
	r->r_fail_at = -1;
	memset(&res, 0, sizeof(res));
	res.cr_outcome = CRAWL_OK;
	res.cr_status = 200;
	res.cr_body = body;
	res.cr_len = strlen(body);
	res.cr_error = "";
	ab.ab_probe = &probe;
	ab.ab_items = items;
	ab.ab_lens = NULL;
	ab.ab_nitems = n;
	err[0] = '\0';
	start = *r;
	rc = answer_json.ak_extract(&ab, &res, collect, r, err, errlen);
	whole = *r;
	compare_pieces(&ab, &res, collect, &start, &whole, &again,
	    sizeof(again), rc, err);
	return rc;
}

static void
test_match(void)
{
	char	*abc[] = { (char *)"a", (char *)"b", (char *)"c" };
	char	*ints[] = { (char *)"42", (char *)"7", (char *)"08" };
	char	*dup[] = { (char *)"a", (char *)"b", (char *)"a" };
	char	*miss[] = { (char *)"a", (char *)"zz" };
	char	 err[256];
	struct answer_batch ab;
	struct crawl_result res;
	struct rows r;
	int	 rc;

	rc = extract("{\"data\": [{\"id\": \"c\", \"clock\": 3, \"name\": \"C\"},"
	    " {\"id\": \"x\", \"clock\": 9, \"name\": \"X\"},"
	    " {\"id\": \"a\", \"clock\": 1, \"name\": \"A\"},"
	    " {\"id\": \"b\", \"clock\": 2, \"name\": \"B\"}]}", abc, 3, &r,
	    err, sizeof(err));
	is_int(0, rc, "an answer in any order is valid");
	is_int(3, r.r_n, "  one row per item asked, none for the item never asked");
	ok(r.r_item[0] == 0 && r.r_item[1] == 1 && r.r_item[2] == 2,
	    "  rows name the items in the order asked");
	ok(r.r_clock[0] == 1 && r.r_clock[1] == 2 && r.r_clock[2] == 3,
	    "  each item gets the values of the row with its key");
	ok(strcmp(r.r_name[0], "A") == 0 && strcmp(r.r_name[2], "C") == 0 &&
	    r.r_error[0][0] == '\0', "  text values too, and no error");

	rc = extract("{\"data\": [{\"id\": 42.0, \"clock\": 99},"
	    " {\"id\": 42, \"clock\": 1, \"name\": \"i\"},"
	    " {\"id\": \"42\", \"clock\": 98, \"name\": \"s\"},"
	    " {\"id\": \"7\", \"clock\": 2, \"name\": \"s\"},"
	    " {\"id\": 8, \"clock\": 97, \"name\": \"i\"}]}", ints, 3, &r,
	    err, sizeof(err));
	ok(rc == 0 && r.r_n == 3, "integer and string keys: a row per item");
	ok(r.r_clock[0] == 1 && strcmp(r.r_name[0], "i") == 0,
	    "  an integer key matches its decimal text; a real key matches"
	    " nothing; the first matching row wins");
	is_int(2, r.r_clock[1], "  a string key matches the same text");
	is_str("missing from answer", r.r_error[2],
	    "  8 does not answer \"08\": keys are compared as text");

	rc = extract("{\"data\": [{\"id\": \"b\", \"clock\": 2, \"name\": \"B\"},"
	    " {\"id\": \"a\", \"clock\": 1, \"name\": \"A\"}]}", dup, 3, &r, err,
	    sizeof(err));
	ok(rc == 0 && r.r_n == 3, "duplicate items in a batch: a row each");
	ok(r.r_clock[0] == 1 && r.r_clock[2] == 1 && r.r_item[2] == 2,
	    "  sharing the answer of the first");

	/* In the order asked, the third row still is not the third item's. */
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": \"A\"},"
	    " {\"id\": \"b\", \"clock\": 2, \"name\": \"B\"},"
	    " {\"id\": \"a\", \"clock\": 3, \"name\": \"A\"}]}", dup, 3, &r,
	    err, sizeof(err));
	ok(rc == 0 && r.r_n == 3 && r.r_clock[0] == 1 && r.r_clock[1] == 2 &&
	    r.r_clock[2] == 1, "duplicate items answered in order: the first "
	    "row of an item answers both");

	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": \"1\", \"name\": "
	    "\"A\"}, {\"id\": \"zz\", \"clock\": 5}]}", miss, 2, &r, err,
	    sizeof(err));
	ok(rc == 0 && r.r_n == 2, "values that do not fit: still a row per item");
	is_str("/clock: expected integer, got string", r.r_error[0],
	    "  with the reason of the first value that does not fit");
	ok(r.r_clock[0] == -1 && r.r_name[0][0] == '\0',
	    "  and no values at all, not even those that fit");
	is_str("no value at /name", r.r_error[1], "  a value that is absent");

	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": \"A\"}]}",
	    miss, 2, &r, err, sizeof(err));
	is_str("missing from answer", r.r_error[1],
	    "an item without an answer row is missing from the answer");

	rc = extract("{\"data\": {\"id\": \"a\"}}", miss, 2, &r, err,
	    sizeof(err));
	ok(rc == -1 && r.r_n == 0, "no array at the rows pointer: invalid, no rows");
	is_str("malformed answer: no array at /data", err, "  and why");
	rc = extract("<html>", miss, 2, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 0 && strncmp(err, "malformed answer: ", 18) == 0,
	    "an answer that is not JSON is invalid");

	rc = extract("{\"clock\": 5, \"name\": \"node\"}", NULL, 0, &r, err,
	    sizeof(err));
	ok(rc == 0 && r.r_n == 1 && r.r_item[0] == ANSWER_NO_ITEM &&
	    r.r_clock[0] == 5, "a probe without items: the document is its row");

	/* Hostile answers: each a clear error, never a crash or a wrong row. */
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": "
	    "18446744073709551616, \"name\": \"A\"}, {\"id\": \"b\", \"clock\": "
	    "-99999999999999999999, \"name\": \"B\"}, {\"id\": \"c\", \"clock\":"
	    " 3, \"name\": \"123456789012345678901234567890\"}]}", abc, 3, &r,
	    err, sizeof(err));
	ok(rc == 0 && r.r_n == 3, "integers beyond 64 bits: the answer is valid");
	is_str("/clock: integer out of range", r.r_error[0],
	    "  the item with one fails alone");
	is_str("/clock: integer out of range", r.r_error[1], "  negative too");
	ok(r.r_clock[2] == 3 && strcmp(r.r_name[2],
	    "123456789012345678901234567890") == 0 && r.r_error[2][0] == '\0',
	    "  the other item keeps its values, digits in strings untouched");
	/* Just past either end: as reals these round to 2^63 and -2^63. */
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": "
	    "9223372036854775808, \"name\": \"A\"}, {\"id\": \"b\", \"clock\": "
	    "-9223372036854775809, \"name\": \"B\"}, {\"id\": \"c\", \"clock\":"
	    " -9223372036854775808, \"name\": \"C\"}]}", abc, 3, &r, err,
	    sizeof(err));
	ok(rc == 0 && r.r_n == 3, "integers one past 64 bits: the answer is valid");
	is_str("/clock: integer out of range", r.r_error[0], "  2^63");
	is_str("/clock: integer out of range", r.r_error[1], "  -2^63 - 1");
	ok(r.r_clock[2] == INT64_MIN && r.r_error[2][0] == '\0',
	    "  -2^63 itself fits");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": \"A\","
	    " \"clock\": 2}]}", abc, 3, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 0, "a duplicate key: which copy counts is a "
	    "guess, so the answer is refused");
	ok(strncmp(err, "malformed answer: duplicate object key", 38) == 0,
	    "  and says why");
	/* The node's key in the reason: no control, no byte that is not ASCII. */
	rc = extract("{\"data\": [{\"id\": \"a\", \"x\\nvantage: \\u001b[0m"
	    "\\u00e9\": 1, \"x\\nvantage: \\u001b[0m\\u00e9\": 2}]}", abc, 3,
	    &r, err, sizeof(err));
	ok(rc == -1 && strncmp(err, "malformed answer: duplicate object key "
	    "'x\\x0avantage: \\x1b[0m\\xc3\\xa9' at", 72) == 0,
	    "a duplicate key is quoted as values are, controls as \\xNN");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": NaN}]}", abc, 3, &r,
	    err, sizeof(err));
	ok(rc == -1 && r.r_n == 0 && strncmp(err, "malformed answer: ", 18) == 0,
	    "NaN is not JSON: a malformed answer");
	{
		char	deep[10001];

		memset(deep, '[', 10000);
		deep[10000] = '\0';
		rc = extract(deep, abc, 3, &r, err, sizeof(err));
		ok(rc == -1 && r.r_n == 0 &&
		    strncmp(err, "malformed answer: ", 18) == 0,
		    "10,000 nested arrays: a malformed answer, no crash");
		memset(deep, '[', 2048);
		memset(deep + 2048, ']', 2048);
		deep[4096] = '\0';
		rc = extract(deep, NULL, 0, &r, err, sizeof(err));
		ok(rc == 0, "2048 nested arrays are still JSON");
		memset(deep, '[', 2049);
		memset(deep + 2049, ']', 2049);
		deep[4098] = '\0';
		rc = extract(deep, NULL, 0, &r, err, sizeof(err));
		ok(rc == -1 && strstr(err, "nested more than 2048 deep") !=
		    NULL, "2049: a malformed answer that says why");
	}
	{
		struct buf	big;
		int		k;

		/* Many keys: found through a hash index, not compared all. */
		buf_init(&big, 0);
		buf_puts(&big, "{\"meta\": {");
		for (k = 0; k < 40; k++)
			buf_printf(&big, "\"k%d\": %d, ", k, k);
		buf_puts(&big, "\"k33\": 0}, \"data\": [{\"id\": \"a\", "
		    "\"clock\": 1, \"name\": \"A\"}]}");
		rc = extract(big.b_data, abc, 3, &r, err, sizeof(err));
		ok(rc == -1 && r.r_n == 0 && strncmp(err, "malformed answer: "
		    "duplicate object key 'k33'", 43) == 0,
		    "a key twice among 41 in an object no pointer reads: refused");
		buf_release(&big);
	}
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": "
	    "\"A\", \"x\": {\"id\": \"b\", \"clock\": 2}}, {\"id\": \"b\", "
	    "\"clock\": 3, \"name\": \"B\"}]}", abc, 3, &r, err, sizeof(err));
	ok(rc == 0 && r.r_n == 3 && r.r_clock[0] == 1 && r.r_clock[1] == 3,
	    "the same keys in nested and sibling objects are no duplicates");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": "
	    "\"A\"}], \"note\": \"a\\u0000b\"}", abc, 3, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 0 && strstr(err, "\\u0000") != NULL,
	    "\\u0000 in any string: a malformed answer, as jansson has it");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": "
	    "\"\\ud800A\"}]}", abc, 3, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 0 && strstr(err, "half a surrogate pair") !=
	    NULL, "a lone \\u surrogate: a malformed answer, as jansson has it");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"name\": "
	    "\"\\ud83d\\ude00\\\\ud800\"}]}", abc, 3, &r, err, sizeof(err));
	ok(rc == 0 && strcmp(r.r_name[0], "\xf0\x9f\x98\x80\\ud800") == 0,
	    "  a pair is one character, and an escaped backslash no escape");
	rc = extract("{\"data\": [{\"id\": \"a\", \"clock\": 1, \"na", abc, 3,
	    &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 0 && strstr(err, "at the end") != NULL,
	    "a cut answer: malformed, at its end");
	rc = extract("{\"data\": [{\"id\": \"a\",\n \"clock\": 1 2}]}", abc,
	    3, &r, err, sizeof(err));
	ok(strncmp(err, "malformed answer: after key and value, inside map, I "
	    "expect ',' or '}' at line 2 column ", 78) == 0,
	    "a parse error says what and where");

	memset(&r, 0, sizeof(r));
	r.r_fail_at = 1;
	ab.ab_probe = &probe;
	ab.ab_items = abc;
	ab.ab_lens = NULL;
	ab.ab_nitems = 3;
	memset(&res, 0, sizeof(res));
	res.cr_body = "{\"data\": []}";
	res.cr_len = strlen(res.cr_body);
	rc = answer_json.ak_extract(&ab, &res, collect, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 1, "a failing row callback stops the kind");

	ok(answer_of(&probe) == &answer_json, "answer_of a json probe");
	ok(answer_json_conf(&probe) == &probe_json, "  and its json settings");
}

/* ------------------------------------------------------------------ */
/* Any probe's rows, each rendered as one line of text. */

#define MAXLINES	64

struct lines {
	size_t	 l_n;
	char	 l_text[MAXLINES][256];
	size_t	 l_nvalues;
};

/* "key|v1|v2|..." or "key|error: why"; an item row starts "#<item>". */
static int
render(void *arg, size_t item, const char *key, size_t keylen,
    const struct aval *v, const char *error)
{
	struct lines	*l = arg;
	char		*t;
	size_t		 j, o;

	if (l->l_n == MAXLINES)
		return -1;
	t = l->l_text[l->l_n++];
	if (item != ANSWER_NO_ITEM)
		o = snprintf(t, 256, "#%zu", item);
	else
		o = snprintf(t, 256, "%.*s", (int)keylen, key != NULL ? key : "");
	if (error != NULL) {
		snprintf(t + o, 256 - o, "|error: %s", error);
		return 0;
	}
	for (j = 0; j < l->l_nvalues && o < 250; j++) {
		switch (v[j].av_type) {
		case AV_NULL:
			o += snprintf(t + o, 256 - o, "|NULL");
			break;
		case AV_INTEGER:
			o += snprintf(t + o, 256 - o, "|%lld",
			    (long long)v[j].av_int);
			break;
		case AV_REAL:
			o += snprintf(t + o, 256 - o, "|%g", v[j].av_real);
			break;
		case AV_TEXT:
			o += snprintf(t + o, 256 - o, "|%.*s", (int)v[j].av_len,
			    v[j].av_text);
			break;
		}
	}
	return 0;
}

/* Run the json kind with jc on a status-status answer; rows into l. */
static int
run_json(struct answer_json_conf *jc, long status, const char *body,
    char *const *items, size_t n, struct lines *l, char *err, size_t errlen)
{
	struct probe_conf	pc;
	struct answer_batch	ab;
	struct crawl_result	res;
	static struct lines	start, whole, again;
	int			rc;

	memset(&pc, 0, sizeof(pc));
	pc.pc_name = (char *)"p";
	pc.pc_answer = &answer_json.ak_kind;
	pc.pc_answer_conf = jc;
	memset(l, 0, sizeof(*l));
	l->l_nvalues = jc->aj_nvalues + (jc->aj_status_column != NULL &&
	    jc->aj_status_column[0] != '\0');
	memset(&res, 0, sizeof(res));
	res.cr_outcome = status >= 200 && status <= 299 ? CRAWL_OK :
	    CRAWL_HTTP_ERROR;
	res.cr_status = status;
	res.cr_body = body;
	res.cr_len = strlen(body);
	res.cr_error = "";
	ab.ab_probe = &pc;
	ab.ab_items = items;
	ab.ab_lens = NULL;
	ab.ab_nitems = n;
	err[0] = '\0';
	start = *l;
	rc = answer_json.ak_extract(&ab, &res, render, l, err, errlen);
	whole = *l;
	compare_pieces(&ab, &res, render, &start, &whole, &again,
	    sizeof(again), rc, err);
	return rc;
}

/* Is line i of l exactly want? */
static int
line_is(const struct lines *l, size_t i, const char *want)
{
	if (i >= l->l_n) {
		printf("# only %zu lines\n", l->l_n);
		return 0;
	}
	if (strcmp(l->l_text[i], want) != 0) {
		printf("# got: %s\n", l->l_text[i]);
		return 0;
	}
	return 1;
}

/* The shape of CometBFT's openapi NetInfo example (int64 as strings). */
static const char net_info[] =
    "{\"jsonrpc\": \"2.0\", \"id\": -1, \"result\": {\"listening\": true,"
    " \"listeners\": [\"Listener(@)\"], \"n_peers\": \"2\", \"peers\": ["
    "{\"node_info\": {\"protocol_version\": {\"p2p\": \"8\", \"block\": \"11\","
    " \"app\": \"0\"}, \"id\": \"5576458aef205977e18fd50b274e9b5d9014525a\","
    " \"listen_addr\": \"tcp:0.0.0.0:26656\", \"network\": \"cosmoshub-2\","
    " \"version\": \"0.32.1\", \"channels\": \"4020212223303800\","
    " \"moniker\": \"moniker-node\", \"other\": {\"tx_index\": \"on\","
    " \"rpc_address\": \"tcp:0.0.0.0:26657\"}}, \"is_outbound\": true,"
    " \"connection_status\": {\"Duration\": \"168901057956119\","
    " \"SendMonitor\": {\"Active\": true, \"Bytes\": \"5\"}},"
    " \"remote_ip\": \"95.179.155.35\"},"
    "{\"node_info\": {\"id\": \"c0b57e26e3bf60750b729fa7257fb2ac6d7b08ec\","
    " \"moniker\": \"slagga\", \"version\": \"0.31.5\"}, \"is_outbound\": false,"
    " \"connection_status\": {\"Duration\": \"2500000000\"},"
    " \"remote_ip\": \"10.0.0.2\"}]}}";

/* Audius mediorum /health_check: peerHealths, a member per host. */
static const char peer_healths[] =
    "{\"data\": {\"healthy\": true, \"peerHealths\": {"
    "\"https://cn1.example.org\": {\"version\": \"0.7.115\","
    " \"lastReachable\": \"2025-10-15T10:00:00Z\", \"lastHealthy\":"
    " \"2025-10-15T10:00:00Z\", \"reachablePeers\": {\"https://cn2.example.org\":"
    " \"2025-10-15T09:59:58Z\"}},"
    "\"https://cn2.example.org\": {\"version\": \"0.7.114\","
    " \"lastReachable\": \"2025-10-15T09:00:00Z\"}}}}";

static void
test_explode(void)
{
	struct value_conf peer_values[] = {
		{ .vc_column = (char *)"moniker", .vc_pointer =
		    (char *)"/node_info/moniker", .vc_type = VT_TEXT },
		{ .vc_column = (char *)"outbound", .vc_pointer =
		    (char *)"/is_outbound", .vc_type = VT_BOOLEAN },
		{ .vc_column = (char *)"up_s", .vc_pointer =
		    (char *)"/connection_status/Duration", .vc_type = VT_INTEGER,
		    .vc_from = VF_STRING },
	};
	struct value_conf health_values[] = {
		{ .vc_column = (char *)"version", .vc_pointer = (char *)"/version",
		    .vc_type = VT_TEXT },
		{ .vc_column = (char *)"healthy_at", .vc_pointer =
		    (char *)"/lastHealthy", .vc_type = VT_TEXT,
		    .vc_missing = VM_NULL },
	};
	struct value_conf self_value[] = {
		{ .vc_column = (char *)"v", .vc_pointer = (char *)"",
		    .vc_type = VT_INTEGER },
	};
	struct answer_json_conf jc = {
		.aj_rows = (char *)"/result/peers",
		.aj_key = (char *)"/node_info/id",
		.aj_values = peer_values,
		.aj_nvalues = 3,
		.aj_explode = EX_ELEMENTS,
		.aj_max_rows = 10000,
	};
	struct lines	 l;
	char		 err[256];
	int		 rc;

	rc = run_json(&jc, 200, net_info, NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && l.l_n == 2, "explode: elements: a row per peer");
	ok(line_is(&l, 0, "5576458aef205977e18fd50b274e9b5d9014525a|"
	    "moniker-node|1|168901057956119"),
	    "  keyed by the peer's id, values inside the element");
	ok(line_is(&l, 1, "c0b57e26e3bf60750b729fa7257fb2ac6d7b08ec|slagga|0|"
	    "2500000000"), "  the second peer");

	jc.aj_key = (char *)"";
	rc = run_json(&jc, 200, net_info, NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "0|moniker-node|1|168901057956119") &&
	    line_is(&l, 1, "1|slagga|0|2500000000"),
	    "  without a key: keyed by the index");

	jc.aj_key = (char *)"/node_info/moniker";
	rc = run_json(&jc, 200, "{\"result\": {\"peers\": [{\"node_info\": "
	    "{\"moniker\": \"a\"}, \"is_outbound\": true, \"connection_status\":"
	    " {\"Duration\": \"1\"}}, {\"node_info\": {\"moniker\": \"a\"},"
	    " \"is_outbound\": false, \"connection_status\": {\"Duration\": "
	    "\"2\"}}, {\"node_info\": {\"moniker\": 7}, \"is_outbound\": true,"
	    " \"connection_status\": {\"Duration\": \"3\"}}, {\"node_info\": "
	    "{\"moniker\": null}}, {\"node_info\": {}}, {\"node_info\": "
	    "{\"moniker\": \"3\"}}]}}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && l.l_n == 4, "duplicate keys: one row for them");
	ok(line_is(&l, 0, "a|error: key occurs 2 times in answer"),
	    "  an error, not a guess between the two");
	ok(line_is(&l, 1, "7|error: /node_info/moniker: expected text, got "
	    "integer"), "  an integer key is its decimal text");
	ok(line_is(&l, 2, "3|error: key occurs 2 times in answer"),
	    "  a key that is null falls back to its index, which may collide");
	ok(line_is(&l, 3, "4|error: no key at /node_info/moniker"),
	    "  an element without a key: its index, and why");

	jc.aj_key = (char *)"";
	rc = run_json(&jc, 200, "{\"result\": {\"peers\": null}}", NULL, 0, &l,
	    err, sizeof(err));
	ok(rc == 0 && l.l_n == 0, "a null array: no rows");
	rc = run_json(&jc, 200, "{\"result\": {}}", NULL, 0, &l, err,
	    sizeof(err));
	ok(rc == 0 && l.l_n == 0, "an absent one (omitempty): no rows");
	rc = run_json(&jc, 200, "{\"result\": {\"peers\": {\"a\": 1}}}", NULL, 0,
	    &l, err, sizeof(err));
	ok(rc == -1 && l.l_n == 0, "an object where an array is due: invalid");
	is_str("malformed answer: object at /result/peers, not an array", err,
	    "  and why");
	jc.aj_max_rows = 1;
	rc = run_json(&jc, 200, net_info, NULL, 0, &l, err, sizeof(err));
	ok(rc == -1 && l.l_n == 0, "more rows than max_rows: invalid");
	is_str("malformed answer: 2 rows, more than max_rows 1", err,
	    "  and why");

	jc.aj_rows = (char *)"/data/peerHealths";
	jc.aj_values = health_values;
	jc.aj_nvalues = 2;
	jc.aj_explode = EX_MEMBERS;
	jc.aj_max_rows = 10000;
	rc = run_json(&jc, 200, peer_healths, NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && l.l_n == 2, "explode: members: a row per peer host");
	ok(line_is(&l, 0, "https://cn1.example.org|0.7.115|"
	    "2025-10-15T10:00:00Z"), "  keyed by the member name");
	ok(line_is(&l, 1, "https://cn2.example.org|0.7.114|NULL"),
	    "  a missing value with missing: null");
	rc = run_json(&jc, 200, "{\"data\": {\"peerHealths\": []}}", NULL, 0, &l,
	    err, sizeof(err));
	is_str("malformed answer: array at /data/peerHealths, not an object",
	    err, "  an array where an object is due: invalid");
	{
		/* A member name is a node's text: bounded as a key is. */
		struct buf	 b;
		int		 i;

		buf_init(&b, 0);
		buf_puts(&b, "{\"data\": {\"peerHealths\": {\"https://cn1\": "
		    "{\"version\": \"1\"}, \"");
		for (i = 0; i < 5000; i++)
			buf_putc(&b, 'h');
		buf_puts(&b, "\": {\"version\": \"2\"}}}}");
		rc = run_json(&jc, 200, b.b_data, NULL, 0, &l, err, sizeof(err));
		buf_release(&b);
		ok(rc == 0 && l.l_n == 2 && line_is(&l, 0, "https://cn1|1|NULL"),
		    "explode: members: a member name of 5000 bytes");
		ok(line_is(&l, 1, "1|error: member name longer than 4096 bytes"),
		    "  is keyed by its index, with the reason");
	}

	jc.aj_rows = (char *)"";
	jc.aj_values = self_value;
	jc.aj_nvalues = 1;
	jc.aj_explode = EX_ELEMENTS;
	rc = run_json(&jc, 200, "[5, \"x\", 7]", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && l.l_n == 3 && line_is(&l, 0, "0|5") &&
	    line_is(&l, 1, "1|error: \"\": expected integer, got string") &&
	    line_is(&l, 2, "2|7"), "the whole answer exploded, values "
	    "at \"\" (the element itself)");
}

/*
 * A JSON number beyond a double (1e400, or 400 digits) fails its item
 * alone, as an integer beyond 64 bits does; the other items keep theirs.
 */
static void
test_overflow(void)
{
	struct value_conf v[] = {
		{ .vc_column = (char *)"r", .vc_pointer = (char *)"/r",
		    .vc_type = VT_REAL },
		{ .vc_column = (char *)"t", .vc_pointer = (char *)"/t",
		    .vc_type = VT_TEXT, .vc_missing = VM_NULL },
		{ .vc_column = (char *)"i", .vc_pointer = (char *)"/i",
		    .vc_type = VT_INTEGER, .vc_missing = VM_NULL },
	};
	struct answer_json_conf jc = {
		.aj_rows = (char *)"/data",
		.aj_key = (char *)"/id",
		.aj_values = v,
		.aj_nvalues = 3,
	};
	char		*items[] = { (char *)"a", (char *)"b", (char *)"c",
	    (char *)"d", (char *)"e", (char *)"f" };
	struct lines	 l;
	struct buf	 b;
	char		 err[256];
	int		 i, rc;

	buf_init(&b, 0);
	buf_puts(&b, "{\"data\": [{\"id\": \"a\", \"r\": 1e400}, "
	    "{\"id\": \"b\", \"r\": -1.5E+999}, "
	    "{\"id\": \"c\", \"r\": 2.5, \"t\": 1e400}, "
	    "{\"id\": \"d\", \"r\": 1e308, \"t\": \"1e400\"}, "
	    "{\"id\": \"e\", \"r\": 1, \"i\": 1e400}, {\"id\": \"f\", \"r\": ");
	for (i = 0; i < 400; i++)
		buf_putc(&b, i == 0 ? '9' : '0');
	buf_puts(&b, "}]}");
	rc = run_json(&jc, 200, b.b_data, items, 6, &l, err, sizeof(err));
	buf_release(&b);
	ok(rc == 0 && l.l_n == 6, "numbers beyond a double: the answer is "
	    "valid (%s)", err);
	ok(line_is(&l, 0, "#0|error: /r: number out of range"),
	    "  1e400 fails its item");
	ok(line_is(&l, 1, "#1|error: /r: number out of range"),
	    "  -1.5E+999 too");
	ok(line_is(&l, 2, "#2|error: /t: expected text, got real"),
	    "  a text column says it got a real");
	ok(line_is(&l, 3, "#3|1e+308|1e400|NULL"),
	    "  the other items keep their values, strings untouched");
	ok(line_is(&l, 4, "#4|error: /i: integer out of range"),
	    "  an integer column: out of range");
	ok(line_is(&l, 5, "#5|error: /r: number out of range"),
	    "  an integer of 400 digits is beyond a double too");

	{
		/*
		 * jansson reads past a NUL byte between two tokens: the
		 * numbers on either side of it are two, and 99e400 is
		 * widened like any other (the answer is still malformed).
		 */
		static const char nul[] = "{\"data\": [{\"id\": \"a\", \"r\": "
		    "1e400}, {\"id\": \"b\", \"r\": -1.5E+9\0" "99e400}]}";
		static const char two[] = "{\"data\": [{\"id\": \"a\", \"r\": "
		    "1e40-1.5E+999}]}";
		struct probe_conf pc;
		struct answer_batch ab;
		struct crawl_result res;

		memset(&pc, 0, sizeof(pc));
		pc.pc_name = (char *)"p";
		pc.pc_answer = &answer_json.ak_kind;
		pc.pc_answer_conf = &jc;
		memset(&res, 0, sizeof(res));
		res.cr_outcome = CRAWL_OK;
		res.cr_status = 200;
		res.cr_body = nul;
		res.cr_len = sizeof(nul) - 1;
		res.cr_error = "";
		ab.ab_probe = &pc;
		ab.ab_items = items;
		ab.ab_lens = NULL;
		ab.ab_nitems = 2;
		memset(&l, 0, sizeof(l));
		l.l_nvalues = 3;
		rc = answer_json.ak_extract(&ab, &res, render, &l, err,
		    sizeof(err));
		ok(rc == -1 && l.l_n == 0 && strncmp(err, "malformed answer: ",
		    18) == 0 && strstr(err, "overflow") == NULL,
		    "a NUL byte inside a number: malformed, not refused for "
		    "its size (%s)", err);
		res.cr_body = two;
		res.cr_len = sizeof(two) - 1;
		rc = answer_json.ak_extract(&ab, &res, render, &l, err,
		    sizeof(err));
		ok(rc == -1 && l.l_n == 0 && strncmp(err, "malformed answer: ",
		    18) == 0 && strstr(err, "overflow") == NULL,
		    "1e40-1.5E+999 is two numbers, the second widened (%s)",
		    err);
	}
}

/* Audius mediorum /health_check: 503 when unhealthy, the body still JSON. */
static void
test_status(void)
{
	struct value_conf health_values[] = {
		{ .vc_column = (char *)"healthy", .vc_pointer =
		    (char *)"/data/healthy", .vc_type = VT_BOOLEAN },
		{ .vc_column = (char *)"used", .vc_pointer =
		    (char *)"/data/mediorumPathUsed", .vc_type = VT_INTEGER,
		    .vc_missing = VM_DEFAULT },
	};
	char		*accept[] = { (char *)"503", (char *)"506" };
	struct answer_json_conf jc = {
		.aj_rows = (char *)"",
		.aj_key = (char *)"",
		.aj_values = health_values,
		.aj_nvalues = 2,
		.aj_status_column = (char *)"http_status",
		.aj_accept = accept,
		.aj_naccept = 2,
	};
	struct probe_conf pc = {
		.pc_name = (char *)"health",
		.pc_answer = &answer_json.ak_kind,
		.pc_answer_conf = &jc,
	};
	struct answer_column *cols;
	struct lines	 l;
	char		 err[256];
	size_t		 ncols;
	int		 rc;

	answer_json.ak_columns(&pc, &cols, &ncols);
	ok(ncols == 3 && strcmp(cols[2].ac_name, "http_status") == 0 &&
	    cols[2].ac_type == VT_INTEGER,
	    "status_column: an integer column after the values");
	free(cols);
	rc = run_json(&jc, 503, "{\"data\": {\"healthy\": false, \"service\": "
	    "\"content-node\", \"storageExpectation\": 1234}, \"signer\": "
	    "\"0x2\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|0|0|503"),
	    "a 503 answer's body is read, with its status");
	rc = run_json(&jc, 200, "{\"data\": {\"healthy\": true, "
	    "\"mediorumPathUsed\": 77}}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|1|77|200"), "  and a 200 one");
	ok(answer_json.ak_status(&pc, 503) && answer_json.ak_status(&pc, 506),
	    "accept_status: 503 and 506 are answers");
	ok(!answer_json.ak_status(&pc, 500) && !answer_json.ak_status(&pc, 404),
	    "  500 and 404 are not");
	jc.aj_naccept = 0;
	ok(!answer_json.ak_status(&pc, 503), "  nor anything by default");
	{
		/* Items and no value: a row says an item was answered. */
		struct answer_json_conf bare = { .aj_rows = (char *)"/data",
		    .aj_key = (char *)"/id" };
		char	*ab[] = { (char *)"a", (char *)"b" };

		rc = run_json(&bare, 200, "{\"data\": [{\"id\": \"a\"}]}",
		    ab, 2, &l, err, sizeof(err));
		ok(rc == 0 && l.l_n == 2 && line_is(&l, 0, "#0") &&
		    line_is(&l, 1, "#1|error: missing from answer"),
		    "a probe with items and no values: a row per item answered "
		    "or not");
	}
}

/*
 * JSON-RPC 2.0, with the shapes of ethereum/execution-apis tests (.io files:
 * eth_blockNumber, eth_chainId, eth_syncing) and of CometBFT and Solana.
 */
static void
test_jsonrpc(void)
{
	struct value_conf block_value[] = {
		{ .vc_column = (char *)"block", .vc_pointer = (char *)"",
		    .vc_type = VT_INTEGER, .vc_from = VF_HEX },
	};
	struct value_conf syncing_values[] = {
		{ .vc_column = (char *)"current", .vc_pointer =
		    (char *)"/currentBlock", .vc_type = VT_INTEGER,
		    .vc_from = VF_HEX, .vc_missing = VM_NULL },
		{ .vc_column = (char *)"highest", .vc_pointer =
		    (char *)"/highestBlock", .vc_type = VT_INTEGER,
		    .vc_from = VF_HEX, .vc_missing = VM_NULL },
	};
	struct value_conf balance_value[] = {
		{ .vc_column = (char *)"wei", .vc_pointer = (char *)"",
		    .vc_type = VT_REAL, .vc_from = VF_HEX },
	};
	struct answer_json_conf jc = {
		.aj_rows = (char *)"",
		.aj_key = (char *)"",
		.aj_values = block_value,
		.aj_nvalues = 1,
		.aj_jsonrpc = (char *)"eth_blockNumber",
		.aj_params = (char *)"",
	};
	struct probe_conf pc = {
		.pc_name = (char *)"evm",
		.pc_method = 1,
		.pc_answer = &answer_json.ak_kind,
		.pc_answer_conf = &jc,
	};
	char		*addrs[] = { (char *)"0xaa", (char *)"0xbb",
	    (char *)"0xcc", (char *)"0xdd" };
	char		*heights[] = { (char *)"5", (char *)"x\"y" };
	int		 is_int[] = { 1, 0 };
	struct lines	 l;
	char		 err[256], *body;
	size_t		 len;
	int		 rc;

	body = answer_json.ak_body(&pc, NULL, NULL, 0, &len);
	is_str("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}",
	    body, "jsonrpc: one call, id 1, no params");
	ok(len == strlen(body), "  its length");
	free(body);
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":\"0x14\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|20"),
	    "  eth_blockNumber: the result, a hex quantity");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"error\":{\"code\":-32005,\"message\":\"Node is behind by 42 "
	    "slots\\nreally\",\"data\":{\"numSlotsBehind\":42}}}", NULL, 0, &l,
	    err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: JSON-RPC error -32005: Node is "
	    "behind by 42 slots really"), "  an error object: the call's error, "
	    "controls as blanks");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":null,"
	    "\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}", NULL, 0,
	    &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: JSON-RPC error -32700: Parse "
	    "error"), "  with a null id too");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":2,"
	    "\"result\":\"0x14\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: missing from answer (no JSON-RPC "
	    "answer with id 1)"), "  an answer for another id is not one");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":\"1\","
	    "\"result\":\"0x14\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: missing from answer (an answer "
	    "has id \"1\", a string, where the call's id is 1)"),
	    "  nor one whose id is the string \"1\", and it says so");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":\"01\","
	    "\"result\":\"0x14\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: missing from answer (no JSON-RPC "
	    "answer with id 1)"), "  an id \"01\" is not 1 written as a string");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"result\":\"0x14\"}", NULL,
	    0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: missing from answer (no JSON-RPC "
	    "answer with id 1)"), "  nor one without an id");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1}", NULL, 0, &l,
	    err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|error: JSON-RPC answer without result or "
	    "error"), "  nor one with neither result nor error");
	rc = run_json(&jc, 200, "[{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":\"0x14\"}]", NULL, 0, &l, err, sizeof(err));
	ok(rc == -1 && l.l_n == 0, "  an array for one call: malformed");
	is_str("malformed answer: array, not a JSON-RPC response", err,
	    "  and why");

	jc.aj_jsonrpc = (char *)"eth_chainId";
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":\"0xc72dd9d5e883e\"}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|3503995874084926"), "eth_chainId");

	jc.aj_jsonrpc = (char *)"eth_syncing";
	jc.aj_values = syncing_values;
	jc.aj_nvalues = 2;
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}",
	    NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|NULL|NULL"),
	    "eth_syncing false: no blocks, with missing: null");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
	    "{\"startingBlock\":\"0x0\",\"currentBlock\":\"0x1518\","
	    "\"highestBlock\":\"0x9567a3\"}}", NULL, 0, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "|5400|9791395"),
	    "  eth_syncing an object: its blocks");

	/* A batch: one call per item, answers in any order. */
	jc.aj_jsonrpc = (char *)"eth_getBalance";
	jc.aj_params = (char *)"[{{item}}, \"latest\"]";
	jc.aj_values = balance_value;
	jc.aj_nvalues = 1;
	body = answer_json.ak_body(&pc, addrs, NULL, 2, &len);
	is_str("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\","
	    "\"params\":[\"0xaa\", \"latest\"]},{\"jsonrpc\":\"2.0\",\"id\":2,"
	    "\"method\":\"eth_getBalance\",\"params\":[\"0xbb\", \"latest\"]}]",
	    body, "a batch: a call per item, ids 1 to n, the item in params");
	free(body);
	jc.aj_params = (char *)"{\"h\": {{item}}, \"again\": {{item}}}";
	body = answer_json.ak_body(&pc, heights, is_int, 2, &len);
	is_str("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\","
	    "\"params\":{\"h\": 5, \"again\": 5}},{\"jsonrpc\":\"2.0\",\"id\":2,"
	    "\"method\":\"eth_getBalance\",\"params\":{\"h\": \"x\\\"y\", "
	    "\"again\": \"x\\\"y\"}}]", body,
	    "  integer items bare, others as JSON strings, every {{item}}");
	free(body);
	rc = run_json(&jc, 200, "[{\"jsonrpc\":\"2.0\",\"id\":3,"
	    "\"result\":\"0xde0b6b3a7640000\"},"
	    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":\"0x1\"},"
	    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600}},"
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x0\"},"
	    "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32602,"
	    "\"message\":\"invalid argument 0: hex string has length 2\"}},"
	    "{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"result\":\"0x5\"}]",
	    addrs, 4, &l, err, sizeof(err));
	ok(rc == 0 && l.l_n == 4, "batch answers in any order: a row per call");
	ok(line_is(&l, 0, "#0|0"), "  call 1 matched by id");
	ok(line_is(&l, 1, "#1|error: missing from answer (an answer has id "
	    "\"2\", a string, where the call's id is 2)"),
	    "  call 2: its id is a string, so it has no answer, and says so");
	ok(line_is(&l, 2, "#2|1e+18"), "  call 3, answered first");
	ok(line_is(&l, 3, "#3|error: JSON-RPC error -32602: invalid argument 0:"
	    " hex string has length 2"), "  call 4: its error object");
	rc = run_json(&jc, 200, "[{\"id\":1,\"result\":\"0x1\"},"
	    "{\"id\":1,\"result\":\"0x2\"},{\"id\":2,\"result\":\"0x3\"}]", addrs,
	    2, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "#0|error: JSON-RPC id 1 answered 2 times")
	    && line_is(&l, 1, "#1|3"), "an id answered twice: an error for it "
	    "alone");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
	    "{\"code\":-32600,\"message\":\"batch too large\"}}", addrs, 2, &l,
	    err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "#0|error: JSON-RPC error -32600: batch "
	    "too large") && line_is(&l, 1, "#1|error: JSON-RPC error -32600: "
	    "batch too large"), "a batch refused whole: every call's error");
	rc = run_json(&jc, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}",
	    addrs, 2, &l, err, sizeof(err));
	ok(rc == -1 && l.l_n == 0, "one answer to a batch: malformed");
	is_str("malformed answer: object, not a JSON-RPC batch response", err,
	    "  and why");
	rc = run_json(&jc, 200, "[]", addrs, 2, &l, err, sizeof(err));
	ok(rc == 0 && line_is(&l, 0, "#0|error: missing from answer") &&
	    line_is(&l, 1, "#1|error: missing from answer"),
	    "an empty batch answer: every call missing");
}

int
main(void)
{
	answer_init();	/* before any JSON value exists */
	plan(244);
	test_pointer();
	test_bind();
	test_coerce_string();
	test_coerce_hex();
	test_coerce_duration();
	test_coerce_enum_missing();
	test_parse_budget();
	test_match();
	test_overflow();
	test_explode();
	test_status();
	test_jsonrpc();
	ok(pieces_differ == 0, "every answer read in pieces as it arrives "
	    "gives the rows and the reason it gives read whole");
	return done_testing();
}
