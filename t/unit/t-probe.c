/* t-probe.c -- JSON pointers, request bodies, typed binding of answers */
#include "conf.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
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
}

static void
test_body(void)
{
	char	*items[] = { (char *)"0xabc", (char *)"say \"hi\"\\\n",
	    (char *)"42" };
	int	 is_int3[] = { 0, 0, 1 };
	int	 all_int[] = { 1, 1 };
	char	*nums[] = { (char *)"7", (char *)"-12" };
	char	*body;
	size_t	 len = 0;
	json_t	*j;

	body = probe_body("{\"walletPublicKeys\": {{items}}}", items, NULL, 2,
	    &len);
	is_str("{\"walletPublicKeys\": [\"0xabc\",\"say \\\"hi\\\"\\\\\\u000a\"]}",
	    body, "{{items}} becomes a JSON array of escaped strings");
	is_int(strlen(body), len, "  length returned");
	j = json_loads(body, 0, NULL);
	ok(j != NULL && strcmp(json_string_value(json_pointer(j,
	    "/walletPublicKeys/1")), "say \"hi\"\\\n") == 0,
	    "  and parses back to the same items");
	json_decref(j);
	free(body);

	body = probe_body("{{items}}", items, is_int3, 3, &len);
	is_str("[\"0xabc\",\"say \\\"hi\\\"\\\\\\u000a\",42]", body,
	    "integer items are sent as numbers, others as strings");
	free(body);

	body = probe_body("ids={{items}}&x=1", nums, all_int, 2, &len);
	is_str("ids=[7,-12]&x=1", body, "text around {{items}} is kept");
	free(body);

	body = probe_body("{\"items\": {{items}}}", NULL, NULL, 0, &len);
	is_str("{\"items\": []}", body, "no items make an empty array");
	free(body);

	body = probe_body("{\"static\": true}", items, NULL, 2, &len);
	is_str("{\"static\": true}", body, "a template without {{items}} is kept");
	is_int(16, len, "  with its length");
	free(body);
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
	struct aval	av;
	int		rc;

	sqlite3_reset(st);
	rc = answer_json_value(v, type, pointer, &av, why, whylen);
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

	bind(st, NULL, VT_INTEGER, "/a/very/long/pointer", why, 8);
	is_str("no valu", why, "the reason is cut to the buffer given");

	sqlite3_finalize(st);
	sqlite3_close(db);
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

int
main(void)
{
	answer_init();	/* before any JSON value exists */
	plan(61);
	test_pointer();
	test_body();
	test_bind();
	test_parse_budget();
	return done_testing();
}
