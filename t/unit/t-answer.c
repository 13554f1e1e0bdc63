/* t-answer.c -- the json answer kind: pointers, typed values, rows matched to items */
#include "conf.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
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
	{ (char *)"clock", (char *)"/clock", VT_INTEGER },
	{ (char *)"name", (char *)"/name", VT_TEXT },
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
	ab.ab_nitems = n;
	err[0] = '\0';
	return answer_json.ak_extract(&ab, &res, collect, r, err, errlen);
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

	memset(&r, 0, sizeof(r));
	r.r_fail_at = 1;
	ab.ab_probe = &probe;
	ab.ab_items = abc;
	ab.ab_nitems = 3;
	memset(&res, 0, sizeof(res));
	res.cr_body = "{\"data\": []}";
	res.cr_len = strlen(res.cr_body);
	rc = answer_json.ak_extract(&ab, &res, collect, &r, err, sizeof(err));
	ok(rc == -1 && r.r_n == 1, "a failing row callback stops the kind");

	ok(answer_of(&probe) == &answer_json, "answer_of a json probe");
	ok(answer_json_conf(&probe) == &probe_json, "  and its json settings");
}

int
main(void)
{
	answer_init();	/* before any JSON value exists */
	plan(75);
	test_pointer();
	test_bind();
	test_parse_budget();
	test_match();
	return done_testing();
}
