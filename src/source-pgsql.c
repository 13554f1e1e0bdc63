/* source-pgsql.c -- discovery from PostgreSQL: nodes and index tables by SQL, streamed */

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

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "buf.h"
#include "conf.h"
#include "labels.h"
#include "log.h"
#include "source.h"
#include "util.h"
#include "xmalloc.h"

struct source_pgsql_conf {
	char	*sp_dsn;	/* libpq connection string or URI */
	char	*sp_nodes;	/* SQL yielding node_id, url [, labels...] */
};

#define OFF(m)	offsetof(struct source_pgsql_conf, m)
static const struct key pgsql_keys[] = {
	{ "dsn", K_SECRET, OFF(sp_dsn), 0, 0, NULL, 0, 0, NULL, NULL,
	    "libpq connection string or URI of the discovery database", NULL },
	{ "nodes", K_SQL, OFF(sp_nodes), 0, 0, NULL, 0, 0, NULL, NULL,
	    "SQL yielding node_id, url and optional label columns", NULL },
	KEND
};
#undef OFF

/* Rows a FETCH asks for: what is held in memory at once. */
#define PG_FETCH_ROWS	10000
/* After a cancel at the deadline, how long the server gets to answer. */
#define PG_CANCEL_GRACE	2.0

/* Type OIDs (pg_type.dat); libpq-fe.h does not export them. */
#define BOOLOID		16
#define INT8OID		20
#define INT2OID		21
#define INT4OID		23
#define OIDOID		26
#define FLOAT4OID	700
#define FLOAT8OID	701
#define NUMERICOID	1700
#define JSONOID		114
#define JSONBOID	3802

/* How the elements of an array type are written as JSON. */
enum pg_elem {
	PE_NONE,	/* not an array */
	PE_NUMBER,
	PE_BOOL,
	PE_JSON,
	PE_STRING
};

static const struct {
	Oid		 oid;
	enum pg_elem	 elem;
} pg_arrays[] = {
	{ 1005, PE_NUMBER },	/* int2[] */
	{ 1007, PE_NUMBER },	/* int4[] */
	{ 1016, PE_NUMBER },	/* int8[] */
	{ 1028, PE_NUMBER },	/* oid[] */
	{ 1021, PE_NUMBER },	/* float4[] */
	{ 1022, PE_NUMBER },	/* float8[] */
	{ 1231, PE_NUMBER },	/* numeric[] */
	{ 1000, PE_BOOL },	/* bool[] */
	{ 199, PE_JSON },	/* json[] */
	{ 3807, PE_JSON },	/* jsonb[] */
	{ 1009, PE_STRING },	/* text[] */
	{ 1015, PE_STRING },	/* varchar[] */
	{ 1014, PE_STRING },	/* bpchar[] */
	{ 1003, PE_STRING },	/* name[] */
	{ 2951, PE_STRING },	/* uuid[] */
	{ 1182, PE_STRING },	/* date[] */
	{ 1115, PE_STRING },	/* timestamp[] */
	{ 1185, PE_STRING }	/* timestamptz[] */
};

struct pgsql_read {
	PGconn		*pr_conn;
	double		 pr_deadline;
	char		*pr_target;	/* "postgresql host:port/dbname" */
	char		*pr_password;	/* scrubbed from every message */
	int		 pr_timed_out;
	/* The result being turned into values, one column each. */
	Oid		*pr_types;
	struct buf	*pr_json;	/* arrays as JSON */
	struct sval	*pr_vals;
	int		 pr_ncols;
};

static void
pr_notice(void *arg, const char *msg)
{
	struct pgsql_read *pr = arg;
	size_t		 len = strlen(msg);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	log_debug("%s: %.*s", pr->pr_target, (int)len, msg);
}

/*
 * A libpq message on one line, with the password (if the dsn has one)
 * masked: libpq may quote parts of a connection string back.
 */
static char *
pr_clean(const struct pgsql_read *pr, const char *msg)
{
	struct buf	 b;
	const char	*p;
	size_t		 plen, i, len;

	buf_init(&b, 0);
	if (msg == NULL || *msg == '\0')
		msg = "unknown error";
	plen = pr->pr_password != NULL ? strlen(pr->pr_password) : 0;
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	for (i = 0; i < len; i++) {
		p = msg + i;
		if (plen > 0 && len - i >= plen &&
		    strncmp(p, pr->pr_password, plen) == 0) {
			buf_puts(&b, "***");
			i += plen - 1;
		} else if (*p == '\n' || *p == '\t') {
			if (b.b_len > 0 && b.b_data[b.b_len - 1] != ' ')
				buf_putc(&b, ' ');
		} else
			buf_putc(&b, *p);
	}
	return buf_take(&b, NULL);
}

/* *cause = "TARGET: what: why" (why from libpq, cleaned). */
static void
pr_cause(const struct pgsql_read *pr, char **cause, const char *what,
    const char *why)
{
	char	*clean = pr_clean(pr, why);

	xasprintf(cause, "%s: %s: %s", pr->pr_target, what, clean);
	free(clean);
}

/*
 * Wait, up to the deadline, for the connection to have an answer ready.
 * At the deadline the statement is cancelled; the server then has a
 * little longer to say so.  Returns 0, or -1 if the connection failed.
 */
static int
pr_wait(struct pgsql_read *pr)
{
	struct pollfd	 pfd;
	PGcancel	*pc;
	double		 left;
	char		 err[256];
	int		 ms;

	while (PQisBusy(pr->pr_conn)) {
		left = pr->pr_deadline - now_mono();
		if (left <= 0 && !pr->pr_timed_out) {
			pr->pr_timed_out = 1;
			if ((pc = PQgetCancel(pr->pr_conn)) != NULL) {
				if (!PQcancel(pc, err, sizeof(err)))
					log_debug("%s: cancel: %s",
					    pr->pr_target, err);
				PQfreeCancel(pc);
			}
			left = PG_CANCEL_GRACE;
			pr->pr_deadline = now_mono() + left;
		} else if (left <= 0)
			return -1;	/* no answer even to the cancel */
		ms = (int)(left * 1000) + 1;
		pfd.fd = PQsocket(pr->pr_conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0)
			return -1;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
			return -1;
		if (!PQconsumeInput(pr->pr_conn))
			return -1;
	}
	return 0;
}

/*
 * Run one statement (the extended protocol: one statement only, no
 * parameters) and return its result if it has status want, else NULL
 * with *cause set.  The caller PQclear()s the result.
 */
static PGresult *
pr_exec(struct pgsql_read *pr, const char *sql, ExecStatusType want,
    const char *what, char **cause)
{
	PGresult	*res, *r, *keep = NULL;
	const char	*state;

	if (!PQsendQueryParams(pr->pr_conn, sql, 0, NULL, NULL, NULL, NULL,
	    0)) {
		pr_cause(pr, cause, what, PQerrorMessage(pr->pr_conn));
		return NULL;
	}
	for (;;) {
		if (pr_wait(pr) == -1) {
			PQclear(keep);
			if (pr->pr_timed_out)
				xasprintf(cause, "%s: %s: discovery.timeout "
				    "reached", pr->pr_target, what);
			else
				pr_cause(pr, cause, what,
				    PQerrorMessage(pr->pr_conn));
			return NULL;
		}
		if ((r = PQgetResult(pr->pr_conn)) == NULL)
			break;
		/* Keep the first error, else the last result. */
		if (keep != NULL && PQresultStatus(keep) == PGRES_FATAL_ERROR)
			PQclear(r);
		else {
			PQclear(keep);
			keep = r;
		}
	}
	res = keep;
	if (res != NULL && PQresultStatus(res) == want)
		return res;
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (pr->pr_timed_out || (state != NULL && strcmp(state, "57014") == 0))
		xasprintf(cause, "%s: %s: discovery.timeout reached",
		    pr->pr_target, what);
	else if (res != NULL && PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != NULL)
		pr_cause(pr, cause, what, PQresultErrorField(res,
		    PG_DIAG_MESSAGE_PRIMARY));
	else if (res != NULL && PQresultStatus(res) != PGRES_FATAL_ERROR)
		xasprintf(cause, "%s: %s: unexpected answer (%s)",
		    pr->pr_target, what, PQresStatus(PQresultStatus(res)));
	else
		pr_cause(pr, cause, what, PQerrorMessage(pr->pr_conn));
	PQclear(res);
	return NULL;
}

static int
pr_command(struct pgsql_read *pr, const char *sql, const char *what,
    char **cause)
{
	PGresult	*res;

	if ((res = pr_exec(pr, sql, PGRES_COMMAND_OK, what, cause)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static enum pg_elem
array_elem(Oid type)
{
	size_t	i;

	for (i = 0; i < sizeof(pg_arrays) / sizeof(pg_arrays[0]); i++)
		if (pg_arrays[i].oid == type)
			return pg_arrays[i].elem;
	return PE_NONE;
}

/* One element of an array literal, already unquoted, as JSON. */
static void
array_elem_json(struct buf *b, enum pg_elem elem, const char *s, size_t len,
    int quoted)
{
	char	 num[64], *end;

	if (!quoted && len == 4 && strncasecmp(s, "NULL", 4) == 0) {
		buf_puts(b, "null");
		return;
	}
	switch (elem) {
	case PE_NUMBER:
		/* NaN and Infinity are not JSON numbers. */
		if (len > 0 && len < sizeof(num)) {
			memcpy(num, s, len);
			num[len] = '\0';
			if (isfinite(strtod(num, &end)) && *end == '\0') {
				buf_add(b, s, len);
				return;
			}
		}
		buf_puts(b, "null");
		return;
	case PE_BOOL:
		buf_puts(b, len > 0 && (*s == 't' || *s == 'T') ? "true" :
		    "false");
		return;
	case PE_JSON:
		buf_add(b, s, len);
		return;
	default:
		buf_json_string(b, s, len);
		return;
	}
}

/*
 * An array in PostgreSQL's text form, {1,2,NULL} or {{"a","b"},{c,d}}
 * (possibly after [lo:hi]= bounds), as a JSON array: [1,2,null].
 */
static void
array_json(struct buf *b, enum pg_elem elem, const char *s, size_t len)
{
	struct buf	 el;
	const char	*end = s + len, *eq;
	int		 quoted, first = 1;

	buf_reset(b);
	if (len > 0 && *s == '[' && (eq = memchr(s, '=', len)) != NULL) {
		len -= eq + 1 - s;
		s = eq + 1;
	}
	buf_init(&el, 0);
	while (s < end) {
		if (*s == '{') {
			if (!first)
				buf_putc(b, ',');
			buf_putc(b, '[');
			first = 1;
			s++;
			continue;
		}
		if (*s == '}') {
			buf_putc(b, ']');
			first = 0;
			s++;
			continue;
		}
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == ' ') {
			s++;
			continue;
		}
		if (!first)
			buf_putc(b, ',');
		first = 0;
		buf_reset(&el);
		quoted = *s == '"';
		if (quoted) {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				buf_putc(&el, *s);
			}
			if (s < end)
				s++;
		} else {
			for (; s < end && *s != ',' && *s != '}'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				buf_putc(&el, *s);
			}
		}
		array_elem_json(b, elem, el.b_data != NULL ? el.b_data : "",
		    el.b_len, quoted);
	}
	buf_release(&el);
}

/* Column i of row r of res as a value (pointers into res or pr_json). */
static void
pr_sval(struct pgsql_read *pr, const PGresult *res, int r, int i,
    struct sval *v)
{
	const char	*s;
	char		*end;
	enum pg_elem	 elem;
	size_t		 len;

	memset(v, 0, sizeof(*v));
	if (PQgetisnull(res, r, i)) {
		v->sv_type = SV_NULL;
		return;
	}
	s = PQgetvalue(res, r, i);
	len = (size_t)PQgetlength(res, r, i);
	switch (pr->pr_types[i]) {
	case INT2OID:
	case INT4OID:
	case INT8OID:
	case OIDOID:
		v->sv_type = SV_INTEGER;
		v->sv_int = strtoll(s, NULL, 10);
		return;
	case BOOLOID:
		v->sv_type = SV_INTEGER;
		v->sv_int = *s == 't';
		return;
	case NUMERICOID:
		/* Integral and in range: an integer, as SQLite would keep it. */
		if (strpbrk(s, ".eEnN") == NULL) {
			errno = 0;
			v->sv_int = strtoll(s, &end, 10);
			if (errno == 0 && *end == '\0') {
				v->sv_type = SV_INTEGER;
				return;
			}
		}
		/* FALLTHROUGH */
	case FLOAT4OID:
	case FLOAT8OID:
		v->sv_real = strtod(s, &end);
		/* SQLite stores NaN as NULL. */
		v->sv_type = isnan(v->sv_real) ? SV_NULL : SV_REAL;
		return;
	}
	if ((elem = array_elem(pr->pr_types[i])) != PE_NONE) {
		array_json(&pr->pr_json[i], elem, s, len);
		s = pr->pr_json[i].b_data;
		len = pr->pr_json[i].b_len;
	}
	v->sv_type = SV_TEXT;
	v->sv_text = s;
	v->sv_len = len;
}

/* A value as a label's text (NULL: absent). */
static const char *
sval_label(const struct sval *v, char *b, size_t size, size_t *lenp)
{
	switch (v->sv_type) {
	case SV_INTEGER:
		*lenp = (size_t)snprintf(b, size, "%" PRId64, v->sv_int);
		return b;
	case SV_REAL:
		/* As SQLite writes a real as text. */
		*lenp = (size_t)snprintf(b, size, "%.15g", v->sv_real);
		return b;
	case SV_TEXT:
		*lenp = v->sv_len;
		return v->sv_text;
	default:
		*lenp = 0;
		return NULL;
	}
}

/* Size the per-column state for res's columns. */
static void
pr_columns(struct pgsql_read *pr, const PGresult *res)
{
	int	i;

	for (i = 0; i < pr->pr_ncols; i++)
		buf_release(&pr->pr_json[i]);
	free(pr->pr_json);
	free(pr->pr_types);
	free(pr->pr_vals);
	pr->pr_ncols = PQnfields(res);
	pr->pr_types = xcalloc(pr->pr_ncols + 1, sizeof(*pr->pr_types));
	pr->pr_json = xcalloc(pr->pr_ncols + 1, sizeof(*pr->pr_json));
	pr->pr_vals = xcalloc(pr->pr_ncols + 1, sizeof(*pr->pr_vals));
	for (i = 0; i < pr->pr_ncols; i++) {
		pr->pr_types[i] = PQftype(res, i);
		buf_init(&pr->pr_json[i], 0);
	}
}

/* What a streamed query does with its rows. */
struct pr_rows {
	const char	*ro_what;	/* "discovery.nodes", ... */
	int		(*ro_begin)(struct pgsql_read *, struct pr_rows *,
			    const PGresult *, char **);
	int		(*ro_row)(struct pgsql_read *, struct pr_rows *,
			    const PGresult *, int, char **);
	struct source_sink *ro_sink;
	const struct table_conf *ro_tc;
	struct labels	 ro_labels;
	int		 ro_idc, ro_urlc;
};

/*
 * Run sql through a server-side cursor, PG_FETCH_ROWS rows at a time, so
 * that memory does not grow with the table: ro_begin sees the columns,
 * ro_row every row.
 */
static int
pr_stream(struct pgsql_read *pr, const char *sql, struct pr_rows *ro,
    char **cause)
{
	PGresult	*res = NULL;
	struct buf	 decl;
	char		 fetch[64];
	size_t		 len = strlen(sql);
	int64_t		 fetches = 0, rows = 0;
	int		 r, n, rc = -1, begun = 0;

	/* A trailing ; would end the DECLARE early. */
	while (len > 0 && strchr(" \t\r\n;", sql[len - 1]) != NULL)
		len--;
	buf_init(&decl, 0);
	buf_printf(&decl, "DECLARE vantage_cursor NO SCROLL CURSOR FOR\n%.*s",
	    (int)len, sql);
	if (pr_command(pr, decl.b_data, ro->ro_what, cause) == -1)
		goto out;
	snprintf(fetch, sizeof(fetch), "FETCH FORWARD %d FROM vantage_cursor",
	    PG_FETCH_ROWS);
	for (;;) {
		res = pr_exec(pr, fetch, PGRES_TUPLES_OK, ro->ro_what, cause);
		if (res == NULL)
			goto out;
		fetches++;
		if (!begun) {
			pr_columns(pr, res);
			if (ro->ro_begin(pr, ro, res, cause) == -1)
				goto out;
			begun = 1;
		}
		n = PQntuples(res);
		for (r = 0; r < n; r++)
			if (ro->ro_row(pr, ro, res, r, cause) == -1)
				goto out;
		rows += n;
		PQclear(res);
		res = NULL;
		if (n < PG_FETCH_ROWS)
			break;
	}
	log_debug("%s: %s: %" PRId64 " rows in %" PRId64
	    " fetches", pr->pr_target, ro->ro_what, rows, fetches);
	rc = pr_command(pr, "CLOSE vantage_cursor", ro->ro_what, cause);
out:
	PQclear(res);
	buf_release(&decl);
	return rc;
}

static int
nodes_begin(struct pgsql_read *pr, struct pr_rows *ro, const PGresult *res,
    char **cause)
{
	int	i;

	ro->ro_idc = ro->ro_urlc = -1;
	for (i = 0; i < PQnfields(res); i++) {
		if (strcasecmp(PQfname(res, i), "node_id") == 0 &&
		    ro->ro_idc == -1)
			ro->ro_idc = i;
		else if (strcasecmp(PQfname(res, i), "url") == 0 &&
		    ro->ro_urlc == -1)
			ro->ro_urlc = i;
	}
	if (ro->ro_idc == -1 || ro->ro_urlc == -1) {
		xasprintf(cause, "discovery.nodes: the query must yield columns "
		    "node_id and url (use AS)");
		return -1;
	}
	return 0;
}

static int
nodes_row(struct pgsql_read *pr, struct pr_rows *ro, const PGresult *res,
    int r, char **cause)
{
	const char	*s;
	char		 b[64];
	size_t		 len;
	int		 i;

	for (i = 0; i < pr->pr_ncols; i++)
		pr_sval(pr, res, r, i, &pr->pr_vals[i]);
	/* Extra columns become labels. */
	labels_reset(&ro->ro_labels);
	for (i = 0; i < pr->pr_ncols; i++)
		if (i != ro->ro_idc && i != ro->ro_urlc) {
			s = sval_label(&pr->pr_vals[i], b, sizeof(b), &len);
			labels_add(&ro->ro_labels, PQfname(res, i), s, len);
		}
	return source_node(ro->ro_sink, &pr->pr_vals[ro->ro_idc],
	    PQgetisnull(res, r, ro->ro_urlc) ? "" :
	    PQgetvalue(res, r, ro->ro_urlc), &ro->ro_labels, cause);
}

static int
table_begin(struct pgsql_read *pr, struct pr_rows *ro, const PGresult *res,
    char **cause)
{
	char	**cols;
	int	  i, rc;

	cols = xcalloc(pr->pr_ncols + 1, sizeof(*cols));
	for (i = 0; i < pr->pr_ncols; i++)
		cols[i] = PQfname(res, i);
	rc = source_table_begin(ro->ro_sink, ro->ro_tc, cols, pr->pr_ncols,
	    cause);
	free(cols);
	return rc;
}

static int
table_row(struct pgsql_read *pr, struct pr_rows *ro, const PGresult *res,
    int r, char **cause)
{
	int	i;

	for (i = 0; i < pr->pr_ncols; i++)
		pr_sval(pr, res, r, i, &pr->pr_vals[i]);
	return source_table_row(ro->ro_sink, pr->pr_vals, cause);
}

/* How messages name the server: never with the user or a password. */
static void
pr_set_target(struct pgsql_read *pr)
{
	const char	*host = PQhost(pr->pr_conn), *port = PQport(pr->pr_conn);
	const char	*db = PQdb(pr->pr_conn);

	free(pr->pr_target);
	xasprintf(&pr->pr_target, "postgresql %s:%s/%s", host ? host : "",
	    port ? port : "", db ? db : "");
}

/*
 * Connect without blocking past the deadline (libpq's connect_timeout
 * only bounds its blocking calls).  The dsn is expanded as dbname, so
 * both forms work and the keys before it are defaults it may override.
 */
static int
pr_connect(struct pgsql_read *pr, const char *dsn, char **cause)
{
	static const char *const keys[] = { "application_name",
	    "client_encoding", "dbname", NULL };
	const char	*vals[] = { "vantage", "UTF8", dsn, NULL };
	PQconninfoOption *opts, *o;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	struct pollfd	 pfd;
	char		*err = NULL;
	double		 left;

	/* libpq quotes a malformed dsn back: say what, not where. */
	if ((opts = PQconninfoParse(dsn, &err)) == NULL) {
		xasprintf(cause, "discovery.dsn: not a valid libpq connection "
		    "string or URI");
		PQfreemem(err);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0')
			pr->pr_password = xstrdup(o->val);
	PQconninfoFree(opts);

	pr->pr_conn = PQconnectStartParams(keys, vals, 1);
	if (pr->pr_conn == NULL)
		fatalx("postgresql: out of memory");
	pr_set_target(pr);
	if (PQstatus(pr->pr_conn) == CONNECTION_BAD) {
		pr_cause(pr, cause, "connect", PQerrorMessage(pr->pr_conn));
		return -1;
	}
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		left = pr->pr_deadline - now_mono();
		if (left <= 0) {
			xasprintf(cause, "%s: connect: discovery.timeout "
			    "reached", pr->pr_target);
			return -1;
		}
		pfd.fd = PQsocket(pr->pr_conn);
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (pfd.fd >= 0 && poll(&pfd, 1, (int)(left * 1000) + 1) == 0)
			continue;
		st = PQconnectPoll(pr->pr_conn);
		/* The host may have changed (a list of hosts). */
		pr_set_target(pr);
	}
	if (st == PGRES_POLLING_FAILED) {
		pr_cause(pr, cause, "connect", PQerrorMessage(pr->pr_conn));
		return -1;
	}
	PQsetNoticeProcessor(pr->pr_conn, pr_notice, pr);
	log_debug("%s: connected (server %d)", pr->pr_target,
	    PQserverVersion(pr->pr_conn));
	return 0;
}

static int
pgsql_read(const struct config *cf, const void *conf, struct source_sink *sink,
    char **cause)
{
	const struct source_pgsql_conf *sc = conf;
	struct pgsql_read pr;
	struct pr_rows	 ro;
	char		 sql[64], *what = NULL;
	double		 left;
	size_t		 i;
	int		 rc = -1;

	memset(&pr, 0, sizeof(pr));
	memset(&ro, 0, sizeof(ro));
	labels_init(&ro.ro_labels);
	ro.ro_sink = sink;
	pr.pr_deadline = now_mono() + cf->cf_disc_timeout_ms / 1000.0;
	if (pr_connect(&pr, sc->sp_dsn, cause) == -1)
		goto out;
	/*
	 * One read-only snapshot for nodes and tables.  The server stops a
	 * statement at the deadline too, should the cancel not reach it.
	 */
	if (pr_command(&pr, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    "begin", cause) == -1)
		goto out;
	left = pr.pr_deadline - now_mono();
	snprintf(sql, sizeof(sql), "SET LOCAL statement_timeout = %lld",
	    (long long)(left > 0 ? left * 1000 + 1 : 1));
	if (pr_command(&pr, sql, "begin", cause) == -1)
		goto out;

	ro.ro_what = "discovery.nodes";
	ro.ro_begin = nodes_begin;
	ro.ro_row = nodes_row;
	if (pr_stream(&pr, sc->sp_nodes, &ro, cause) == -1)
		goto out;
	ro.ro_begin = table_begin;
	ro.ro_row = table_row;
	for (i = 0; i < cf->cf_ntables; i++) {
		ro.ro_tc = &cf->cf_tables[i];
		free(what);
		xasprintf(&what, "discovery.tables %s", ro.ro_tc->tc_name);
		ro.ro_what = what;
		if (pr_stream(&pr, ro.ro_tc->tc_query, &ro, cause) == -1 ||
		    source_table_end(sink, cause) == -1)
			goto out;
	}
	if (pr_command(&pr, "COMMIT", "commit", cause) == -1)
		goto out;
	rc = 0;
out:
	for (i = 0; i < (size_t)pr.pr_ncols; i++)
		buf_release(&pr.pr_json[i]);
	free(pr.pr_json);
	free(pr.pr_types);
	free(pr.pr_vals);
	labels_release(&ro.ro_labels);
	free(what);
	PQfinish(pr.pr_conn);	/* an open transaction is rolled back */
	free(pr.pr_target);
	if (pr.pr_password != NULL)
		explicit_bzero(pr.pr_password, strlen(pr.pr_password));
	free(pr.pr_password);
	return rc;
}

const struct source_kind source_pgsql = {
	{ "postgresql", pgsql_keys, sizeof(struct source_pgsql_conf) },
	1,
	pgsql_read
};
