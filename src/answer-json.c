/* answer-json.c -- the json answer kind: pointers, typed values, rows matched to items */
#include <inttypes.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "conf.h"
#include "crawl.h"
#include "util.h"
#include "xmalloc.h"

/*
 * jansson's allocations are counted per thread, so that parsing one
 * answer can be held to a memory budget: a small but deeply nested or
 * object-heavy answer cannot make the monitor allocate gigabytes.
 */
#define PARSE_BUDGET_MIN	(4 * 1024 * 1024)
#define PARSE_BUDGET_MAX	((size_t)256 * 1024 * 1024)
#define PARSE_FACTOR		8	/* budget per byte of answer */

static _Thread_local size_t	 jm_used, jm_limit;	/* limit 0: none */
static _Thread_local int	 jm_over;

/*
 * Plain malloc and free, so that what jansson hands out (json_dumps) can
 * be freed with free(); while a parse runs, its bytes are counted.
 */
static void *
jm_malloc(size_t n)
{
	void	*p;

	if (jm_limit != 0 && (n > jm_limit || jm_used > jm_limit - n)) {
		jm_over = 1;
		return NULL;
	}
	if ((p = malloc(n)) != NULL && jm_limit != 0)
		jm_used += malloc_usable_size(p);
	return p;
}

static void
jm_free(void *p)
{
	size_t	n;

	if (p != NULL && jm_limit != 0) {
		n = malloc_usable_size(p);
		jm_used -= n < jm_used ? n : jm_used;
	}
	free(p);
}

static void
json_init(void)
{
	json_set_alloc_funcs(jm_malloc, jm_free);
}

json_t *
answer_json_parse(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*doc;
	size_t		 budget;

	budget = len > (PARSE_BUDGET_MAX - PARSE_BUDGET_MIN) / PARSE_FACTOR ?
	    PARSE_BUDGET_MAX : PARSE_BUDGET_MIN + len * PARSE_FACTOR;
	jm_used = 0;
	jm_over = 0;
	jm_limit = budget;
	doc = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
	jm_limit = 0;	/* freeing doc later is not counted against anyone */
	if (doc == NULL && jm_over)
		snprintf(err, errlen, "malformed answer: more than %zu MiB "
		    "when parsed", budget >> 20);
	else if (doc == NULL)
		snprintf(err, errlen, "malformed answer: %s at line %d column "
		    "%d", jerr.text, jerr.line, jerr.column);
	return doc;
}

json_t *
json_pointer(json_t *j, const char *p)
{
	char		 tok[256];
	size_t		 len, i, o;
	const char	*end;
	char		*num_end;
	unsigned long	 idx;

	if (*p == '\0')
		return j;
	if (*p != '/')
		return NULL;
	while (j != NULL && *p == '/') {
		p++;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		for (i = 0, o = 0; i < len && o < sizeof(tok) - 1; i++) {
			if (p[i] == '~' && i + 1 < len && p[i + 1] == '1') {
				tok[o++] = '/';
				i++;
			} else if (p[i] == '~' && i + 1 < len && p[i + 1] == '0') {
				tok[o++] = '~';
				i++;
			} else
				tok[o++] = p[i];
		}
		if (i < len)
			return NULL;	/* a key longer than any we look up */
		tok[o] = '\0';
		if (json_is_object(j))
			j = json_object_get(j, tok);
		else if (json_is_array(j)) {
			if (tok[0] < '0' || tok[0] > '9' ||
			    (tok[0] == '0' && tok[1] != '\0'))
				return NULL;
			idx = strtoul(tok, &num_end, 10);
			if (*num_end != '\0')
				return NULL;
			j = json_array_get(j, idx);
		} else
			return NULL;
		p += len;
	}
	return j;
}

static const char *
json_type_name(json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "real";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

int
answer_json_value(json_t *v, int64_t type, const char *pointer,
    struct aval *out, char *why, size_t whylen)
{
	static const char *const want[] = { "integer", "real", "text",
	    "boolean" };

	memset(out, 0, sizeof(*out));
	if (v == NULL) {
		snprintf(why, whylen, "no value at %s", pointer);
		goto null;
	}
	switch (type) {
	case VT_INTEGER:
		if (!json_is_integer(v))
			goto mismatch;
		out->av_type = AV_INTEGER;
		out->av_int = json_integer_value(v);
		return 0;
	case VT_REAL:
		if (!json_is_number(v))
			goto mismatch;
		out->av_type = AV_REAL;
		out->av_real = json_number_value(v);
		return 0;
	case VT_TEXT:
		if (!json_is_string(v))
			goto mismatch;
		out->av_type = AV_TEXT;
		out->av_text = json_string_value(v);
		out->av_len = json_string_length(v);
		return 0;
	case VT_BOOLEAN:
		if (!json_is_boolean(v))
			goto mismatch;
		out->av_type = AV_INTEGER;
		out->av_int = json_is_true(v);
		return 0;
	}
mismatch:
	snprintf(why, whylen, "%s: expected %s, got %s", pointer,
	    want[type], json_type_name(v));
null:
	out->av_type = AV_NULL;
	return -1;
}

/*
 * The row of one item (NULL: none answered it): its values, or NULLs and
 * the first reason a value did not fit.
 */
static int
json_row(const struct answer_json_conf *jc, size_t item, json_t *row,
    struct aval *values, answer_row_cb emit, void *arg)
{
	char		 why[512];
	const char	*error = NULL;
	size_t		 j;

	if (row == NULL)
		error = "missing from answer";
	for (j = 0; j < jc->aj_nvalues && error == NULL; j++)
		if (answer_json_value(json_pointer(row,
		    jc->aj_values[j].vc_pointer), jc->aj_values[j].vc_type,
		    jc->aj_values[j].vc_pointer, &values[j], why,
		    sizeof(why)) == -1)
			error = why;
	return emit(arg, item, NULL, 0, error != NULL ? NULL : values, error);
}

/*
 * Match the rows of an answer to the items asked: the first row whose key
 * (a string, or an integer as its decimal text) equals an item answers it;
 * rows for items never asked are ignored.  Duplicate items in one batch
 * share the first one's answer.
 */
static void
json_match(const struct answer_batch *ab, const struct answer_json_conf *jc,
    json_t *rows, json_t **matched)
{
	struct strindex	 si;
	json_t		*row, *key;
	char		 num[32];
	const char	*kstr;
	size_t		 i, klen;
	int32_t		 idx;

	strindex_init(&si, ab->ab_items, ab->ab_nitems);
	json_array_foreach(rows, i, row) {
		key = json_pointer(row, jc->aj_key);
		if (json_is_string(key)) {
			kstr = json_string_value(key);
			klen = json_string_length(key);
		} else if (json_is_integer(key)) {
			klen = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(key));
			kstr = num;
		} else
			continue;
		idx = strindex_find(&si, ab->ab_items, kstr, klen);
		if (idx >= 0 && matched[idx] == NULL)
			matched[idx] = row;
	}
	for (i = 0; i < ab->ab_nitems; i++)
		if (matched[i] == NULL && (idx = strindex_find(&si,
		    ab->ab_items, ab->ab_items[i],
		    strlen(ab->ab_items[i]))) >= 0)
			matched[i] = matched[idx];
	strindex_release(&si);
}

static int
json_extract(const struct answer_batch *ab, const struct crawl_result *res,
    answer_row_cb emit, void *arg, char *err, size_t errlen)
{
	const struct answer_json_conf *jc = answer_json_conf(ab->ab_probe);
	json_t		*doc, *rows, **matched = NULL;
	struct aval	*values;
	size_t		 i;
	int		 rc = -1;

	if ((doc = answer_json_parse(res->cr_body, res->cr_len, err,
	    errlen)) == NULL)
		return -1;
	values = xcalloc(jc->aj_nvalues + 1, sizeof(*values));
	if (ab->ab_items == NULL) {
		rc = json_row(jc, ANSWER_NO_ITEM, doc, values, emit, arg);
		goto out;
	}
	if ((rows = json_pointer(doc, jc->aj_rows)) == NULL ||
	    !json_is_array(rows)) {
		snprintf(err, errlen, "malformed answer: no array at %s",
		    jc->aj_rows);
		goto out;
	}
	matched = xcalloc(ab->ab_nitems + 1, sizeof(*matched));
	json_match(ab, jc, rows, matched);
	for (i = 0; i < ab->ab_nitems; i++)
		if (json_row(jc, i, matched[i], values, emit, arg) == -1)
			goto out;
	rc = 0;
out:
	free(matched);
	free(values);
	json_decref(doc);
	return rc;
}

static void
json_columns(const struct probe_conf *pc, struct answer_column **colsp,
    size_t *ncolsp)
{
	const struct answer_json_conf *jc = answer_json_conf(pc);
	struct answer_column *cols;
	size_t		 j;

	cols = xcalloc(jc->aj_nvalues + 1, sizeof(*cols));
	for (j = 0; j < jc->aj_nvalues; j++) {
		cols[j].ac_name = jc->aj_values[j].vc_column;
		cols[j].ac_type = jc->aj_values[j].vc_type;
	}
	*colsp = cols;
	*ncolsp = jc->aj_nvalues;
}

static const char *const vtype_names[] = { "integer", "real", "text",
    "boolean", NULL };

static const struct key value_keys[] = {
	{ "column", K_STR, offsetof(struct value_conf, vc_column), 0, 0, NULL,
	    0, 0, NULL, NULL, "column of the probe table that receives the value", NULL },
	{ "pointer", K_STR, offsetof(struct value_conf, vc_pointer), 0, 0, NULL,
	    0, 0, NULL, NULL, "JSON pointer to the value inside one answered item", NULL },
	{ "type", K_ENUM, offsetof(struct value_conf, vc_type), 0, 0, NULL,
	    0, 0, "integer", vtype_names, "integer, real, text or boolean; other JSON types are an error for that item", NULL },
	KEND
};


#define OFF(m)	offsetof(struct answer_json_conf, m)
static const struct key json_keys[] = {
	{ "rows", K_STR, OFF(aj_rows), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer to the array holding one answer per item (batched probes)", NULL },
	{ "key", K_STR, OFF(aj_key), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer, inside one answer, to the item it answers (matched exactly)", NULL },
	{ "values", K_LIST, OFF(aj_values), OFF(aj_nvalues), sizeof(struct value_conf),
	    value_keys, 0, 0, NULL, NULL, "columns extracted from each answer", NULL },
	KEND
};
#undef OFF

const struct answer_kind answer_json = {
	.ak_kind = { "json", json_keys, sizeof(struct answer_json_conf) },
	.ak_init = json_init,
	.ak_columns = json_columns,
	.ak_extract = json_extract,
};
