/* fuzz-answer-json.c -- libFuzzer harness: the json answer kind */

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

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "conf.h"
#include "crawl.h"

/*
 * The input is four lines of probe settings, then the answer body:
 *
 *	/data/users			rows pointer
 *	/walletPublicKey		key pointer
 *	0xa,0xb,7			items asked ("-": a probe without items,
 *					"-e", "-m": one exploding rows; a
 *					first "@": JSON-RPC calls)
 *	i/clock t/wallet r/x b/y	values: a letter (see value()) and pointer
 *	{"data":{"users":[...]}}	the body, to the end
 *
 * The settings are what config_check lets through: pointers are "" or
 * start with '/' (a line that does not is taken as "").  Checked: the
 * kind's promises in answer.h -- a valid answer hands every item exactly
 * one row (a probe without items one row), an answered row has a value of
 * its declared type or NULL for each column, an invalid one sets err and
 * hands none.
 */

#define MAX_ITEMS	64
#define MAX_VALUES	8

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	const struct probe_conf *s_pc;
	char		**s_keys;	/* exploded rows' keys */
	size_t		 s_nkeys;
	size_t		 s_nitems;
	unsigned int	 s_rows[MAX_ITEMS + 1];	/* last: ANSWER_NO_ITEM */
	size_t		 s_total;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	answer_init();
	return 0;
}

/* The next line of [*p, end), NUL-terminated in place. */
static char *
line(char **p, char *end)
{
	char	*s = *p, *nl;

	if (s >= end)
		return end;	/* the NUL after the copy */
	if ((nl = memchr(s, '\n', end - s)) == NULL)
		nl = end;
	*nl = '\0';
	*p = nl < end ? nl + 1 : end;
	return s;
}

static const char *
pointer(const char *s)
{
	return s[0] == '/' ? s : "";
}

/*
 * A value's settings by its letter: i r t b (its JSON type), s (an
 * integer in a string), S (a real in a string), x (a hex integer), X (a
 * hex real), d (a duration), e (an enum), n (an integer, missing: null),
 * z (an integer, missing: default 0), D (a real, missing: default 2.5).
 */
static void
value(struct value_conf *vc, char letter)
{
	static char	*map[] = { (char *)"SYNCED", (char *)"0",
	    (char *)"CATCHUP", (char *)"1", (char *)"", (char *)"-7" };

	vc->vc_column = (char *)"v";
	vc->vc_default = (char *)"";
	switch (letter) {
	case 'r':
	case 'S':
	case 'X':
	case 'd':
	case 'D':
		vc->vc_type = VT_REAL;
		break;
	case 't':
		vc->vc_type = VT_TEXT;
		break;
	case 'b':
		vc->vc_type = VT_BOOLEAN;
		break;
	default:
		vc->vc_type = VT_INTEGER;
		break;
	}
	vc->vc_from = letter == 's' || letter == 'S' ? VF_STRING :
	    letter == 'x' || letter == 'X' ? VF_HEX : letter == 'd' ?
	    VF_DURATION : VF_JSON;
	if (letter == 'e') {
		vc->vc_map = map;
		vc->vc_nmap = 3;
	}
	if (letter == 'n')
		vc->vc_missing = VM_NULL;
	if (letter == 'z' || letter == 'D')
		vc->vc_missing = VM_DEFAULT;
	if (letter == 'D')
		vc->vc_default = (char *)"2.5";
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
row(void *arg, size_t item, const char *key, size_t keylen,
    const struct aval *values, const char *error)
{
	struct seen	*s = arg;
	const struct answer_json_conf *pc = answer_json_conf(s->s_pc);
	volatile char	 sink = 0;
	size_t		 j, k;

	if (item == ANSWER_NO_ITEM) {
		if (s->s_nitems != 0)
			abort();	/* items asked: every row answers one */
		if (pc->aj_explode != EX_NO) {
			/* No key (the call's own error) is stored as "". */
			if (key != NULL && memchr(key, '\0', keylen) != NULL)
				abort();
			s->s_keys = realloc(s->s_keys, (s->s_nkeys + 1) *
			    sizeof(*s->s_keys));
			s->s_keys[s->s_nkeys++] = strndup(key != NULL ? key :
			    "", key != NULL ? keylen : 0);
		}
		item = MAX_ITEMS;
	} else if (item >= s->s_nitems)
		abort();
	s->s_rows[item]++;
	s->s_total++;
	if (error != NULL) {
		if (error[0] == '\0')
			abort();
		return 0;
	}
	if (values == NULL)
		abort();
	for (j = 0; j < pc->aj_nvalues; j++) {
		switch (values[j].av_type) {
		case AV_NULL:
			/* A value that does not fit is an error. */
			if (pc->aj_values[j].vc_missing != VM_NULL)
				abort();
			break;
		case AV_INTEGER:
			if (pc->aj_values[j].vc_type != VT_INTEGER &&
			    pc->aj_values[j].vc_type != VT_BOOLEAN)
				abort();
			break;
		case AV_REAL:
			/* A number beyond a double fails its item instead. */
			if (pc->aj_values[j].vc_type != VT_REAL ||
			    !isfinite(values[j].av_real) ||
			    fabs(values[j].av_real) >= DBL_MAX)
				abort();
			break;
		case AV_TEXT:
			if (pc->aj_values[j].vc_type != VT_TEXT ||
			    values[j].av_text == NULL)
				abort();
			for (k = 0; k < values[j].av_len; k++)
				sink ^= values[j].av_text[k];
			break;
		}
	}
	(void)sink;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_conf pc;
	struct answer_json_conf jc;
	struct value_conf vcs[MAX_VALUES];
	struct answer_batch ab;
	struct crawl_result res;
	struct aval	 av;
	struct seen	 seen, seen2;
	void		*rd;
	size_t		 step, off, n;
	char		*piece, *copy, *p, *end, *rows, *key, *items, *vals, *tok, *save;
	char		*itemv[MAX_ITEMS], err[512], why[512];
	json_t		*doc;
	size_t		 i, nitems = 0;
	int		 rc, noitems;

	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	end = copy + size;
	rows = line(&p, end);
	key = line(&p, end);
	items = line(&p, end);
	vals = line(&p, end);

	memset(&pc, 0, sizeof(pc));
	memset(&jc, 0, sizeof(jc));
	pc.pc_name = (char *)"fuzz";
	pc.pc_answer = &answer_json.ak_kind;
	pc.pc_answer_conf = &jc;
	jc.aj_rows = (char *)pointer(rows);
	jc.aj_key = (char *)pointer(key);
	jc.aj_values = vcs;
	memset(vcs, 0, sizeof(vcs));
	for (tok = strtok_r(vals, " ", &save); tok != NULL &&
	    jc.aj_nvalues < MAX_VALUES; tok = strtok_r(NULL, " ", &save)) {
		value(&vcs[jc.aj_nvalues], tok[0]);
		vcs[jc.aj_nvalues].vc_pointer = (char *)pointer(tok + 1);
		jc.aj_nvalues++;
	}
	/* "@" first: JSON-RPC; "-": no items; "-e", "-m": explode rows. */
	jc.aj_jsonrpc = (char *)"";
	if (items[0] == '@') {
		jc.aj_jsonrpc = (char *)"m";
		items++;
	}
	noitems = items[0] == '-';
	jc.aj_explode = strcmp(items, "-e") == 0 ? EX_ELEMENTS :
	    strcmp(items, "-m") == 0 ? EX_MEMBERS : EX_NO;
	jc.aj_max_rows = 50;
	if (!noitems)
		for (tok = strtok_r(items, ",", &save); tok != NULL &&
		    nitems < MAX_ITEMS; tok = strtok_r(NULL, ",", &save))
			itemv[nitems++] = tok;

	/* The pieces on their own. */
	err[0] = '\0';
	if ((doc = answer_json_parse(p, end - p, err, sizeof(err))) != NULL) {
		for (i = 0; i < jc.aj_nvalues; i++) {
			why[0] = '\0';
			rc = answer_json_value(json_pointer(doc,
			    vcs[i].vc_pointer), &vcs[i], &av, why, sizeof(why));
			if ((rc == -1 && av.av_type != AV_NULL) ||
			    (rc == 0 && av.av_type == AV_NULL &&
			    vcs[i].vc_missing != VM_NULL) ||
			    (rc == -1 && why[0] == '\0'))
				abort();
		}
		json_pointer(doc, jc.aj_rows);
		json_pointer(doc, jc.aj_key);
		json_decref(doc);
	} else if (strncmp(err, "malformed answer: ", 18) != 0)
		abort();

	/* The kind, as the scheduler calls it. */
	memset(&ab, 0, sizeof(ab));
	ab.ab_probe = &pc;
	ab.ab_items = noitems ? NULL : itemv;
	ab.ab_lens = NULL;
	ab.ab_nitems = noitems ? 0 : nitems;
	memset(&res, 0, sizeof(res));
	res.cr_outcome = CRAWL_OK;
	res.cr_status = 200;
	res.cr_body = p;
	res.cr_len = end - p;
	res.cr_error = "";
	memset(&seen, 0, sizeof(seen));
	seen.s_pc = &pc;
	seen.s_nitems = ab.ab_nitems;
	err[0] = '\0';
	rc = answer_json.ak_extract(&ab, &res, row, &seen, err, sizeof(err));

	/* The same answer read as it arrives, in pieces: the same rows. */
	memset(&seen2, 0, sizeof(seen2));
	seen2.s_pc = &pc;
	seen2.s_nitems = ab.ab_nitems;
	rd = answer_json.ak_open(&ab);
	step = 1 + size % 7;
	for (off = 0; off < res.cr_len; off += n) {
		n = res.cr_len - off < step ? res.cr_len - off : step;
		piece = malloc(n);
		memcpy(piece, res.cr_body + off, n);
		answer_json.ak_feed(rd, piece, n);
		free(piece);
	}
	if (answer_json.ak_end(rd, &res, row, &seen2, why, sizeof(why)) != rc ||
	    seen2.s_total != seen.s_total || seen2.s_nkeys != seen.s_nkeys ||
	    memcmp(seen2.s_rows, seen.s_rows, sizeof(seen.s_rows)) != 0)
		abort();
	for (i = 0; i < seen2.s_nkeys; i++)
		free(seen2.s_keys[i]);
	free(seen2.s_keys);
	if (rc == 0) {
		if (noitems && jc.aj_explode == EX_NO &&
		    (seen.s_total != 1 || seen.s_rows[MAX_ITEMS] != 1))
			abort();
		/* Exploded: at most max_rows, each key once (the store's key). */
		if (jc.aj_explode != EX_NO && seen.s_nkeys > 50)
			abort();
		if (seen.s_nkeys > 1)
			qsort(seen.s_keys, seen.s_nkeys, sizeof(*seen.s_keys),
			    cmpstr);
		for (i = 1; i < seen.s_nkeys; i++)
			if (strcmp(seen.s_keys[i - 1], seen.s_keys[i]) == 0)
				abort();
		for (i = 0; !noitems && i < nitems; i++)
			if (seen.s_rows[i] != 1)
				abort();
		if (!noitems && seen.s_total != nitems)
			abort();
	} else if (seen.s_total != 0 ||
	    strncmp(err, "malformed answer: ", 18) != 0 ||
	    strncmp(err + 18, "too big", 7) == 0 ||
	    strncmp(err + 18, "real number overflow", 20) == 0)
		abort();	/* numbers jansson refuses fail their items */
	for (i = 0; i < seen.s_nkeys; i++)
		free(seen.s_keys[i]);
	free(seen.s_keys);
	free(copy);
	return 0;
}
