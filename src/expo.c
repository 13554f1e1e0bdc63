/* expo.c -- Prometheus text exposition rendered from stored samples */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expo.h"
#include "log.h"
#include "store.h"
#include "util.h"

void
expo_label_value(struct buf *b, const char *s, size_t len)
{
	size_t	i, n, start;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\\':
			buf_add(b, "\\\\", 2);
			continue;
		case '"':
			buf_add(b, "\\\"", 2);
			continue;
		case '\n':
			buf_add(b, "\\n", 2);
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			buf_putc(b, s[i]);
			continue;
		}
		/*
		 * One multi-byte character, its length from the lead byte;
		 * an invalid one becomes a single U+FFFD.
		 */
		start = (unsigned char)s[i];
		n = (start & 0xe0) == 0xc0 ? 2 : (start & 0xf0) == 0xe0 ? 3 :
		    (start & 0xf8) == 0xf0 ? 4 : 0;
		if (n > 0 && i + n <= len && utf8_valid(s + i, n)) {
			buf_add(b, s + i, n);
			i += n - 1;
			continue;
		}
		/* One U+FFFD for the lead byte and its continuation bytes. */
		buf_add(b, "\xef\xbf\xbd", 3);
		for (start = 1; start < n && i + 1 < len &&
		    ((unsigned char)s[i + 1] & 0xc0) == 0x80; start++)
			i++;
	}
}

static void
expo_help(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_add(b, "\\\\", 2);
		else if (*s == '\n')
			buf_add(b, "\\n", 2);
		else
			buf_putc(b, *s);
	}
}

void
expo_value(struct buf *b, double v)
{
	if (isnan(v))
		buf_puts(b, "NaN");
	else if (isinf(v))
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		buf_printf(b, "%.0f", v);
	else
		buf_printf(b, "%.17g", v);
}

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s ", name);
	expo_help(b, help);
	buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

/* The monitor's own live state, from the runs table. */
static int
render_live(struct store *st, struct buf *b)
{
	sqlite3_stmt	*q;
	int64_t		 complete = 0, failed = 0;
	double		 last_end = 0, last_ok_end = 0;
	int		 last_ok = 0, have_last = 0;

	q = store_prepare(st, "SELECT "
	    "(SELECT count(*) FROM runs WHERE status = 'complete'), "
	    "(SELECT count(*) FROM runs WHERE status = 'failed'), "
	    "(SELECT finished_at FROM runs WHERE status = 'complete' "
	    "  ORDER BY run_id DESC LIMIT 1), "
	    "(SELECT finished_at FROM runs WHERE status <> 'running' "
	    "  ORDER BY run_id DESC LIMIT 1), "
	    "(SELECT status = 'complete' FROM runs WHERE status <> 'running' "
	    "  ORDER BY run_id DESC LIMIT 1)");
	if (q == NULL)
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW) {
		log_warnx("expo: %s", store_errmsg(st));
		sqlite3_finalize(q);
		return -1;
	}
	complete = sqlite3_column_int64(q, 0);
	failed = sqlite3_column_int64(q, 1);
	last_ok_end = sqlite3_column_double(q, 2);
	have_last = sqlite3_column_type(q, 3) != SQLITE_NULL;
	last_end = sqlite3_column_double(q, 3);
	last_ok = sqlite3_column_int(q, 4);
	sqlite3_finalize(q);

	family(b, "vantage_build_info", "gauge",
	    "A metric with a constant 1 labelled by the vantage version.");
	buf_puts(b, "vantage_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	family(b, "vantage_runs_total", "counter",
	    "Runs finished, by final status, over the life of the store.");
	buf_printf(b, "vantage_runs_total{status=\"complete\"} %lld\n",
	    (long long)complete);
	buf_printf(b, "vantage_runs_total{status=\"failed\"} %lld\n",
	    (long long)failed);
	family(b, "vantage_last_run_success", "gauge",
	    "1 if the last finished run completed, 0 if it failed.");
	buf_printf(b, "vantage_last_run_success %d\n", have_last ? last_ok : 0);
	family(b, "vantage_last_run_timestamp_seconds", "gauge",
	    "Unix time the last run (complete or failed) finished.");
	buf_puts(b, "vantage_last_run_timestamp_seconds ");
	expo_value(b, have_last ? last_end : 0);
	buf_putc(b, '\n');
	family(b, "vantage_last_complete_run_timestamp_seconds", "gauge",
	    "Unix time the latest complete run finished; the other metrics "
	    "come from that run.");
	buf_puts(b, "vantage_last_complete_run_timestamp_seconds ");
	expo_value(b, complete > 0 ? last_ok_end : 0);
	buf_putc(b, '\n');
	return 0;
}

char *
expo_render(struct store *st, int64_t run_id, size_t *lenp)
{
	sqlite3_stmt	*q;
	struct buf	 b;
	const char	*name;
	char		*prevcopy = NULL;
	int		 rc;

	buf_init(&b, 0);
	if (run_id > 0) {
		q = store_prepare(st, "SELECT s.metric, m.type, m.help, s.expo, "
		    "v.value FROM samples v "
		    "JOIN series s ON s.series_id = v.series_id "
		    "JOIN metrics m ON m.name = s.metric "
		    "WHERE v.run_id = ?1 ORDER BY s.metric, s.expo");
		if (q == NULL)
			goto fail;
		sqlite3_bind_int64(q, 1, run_id);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			name = (const char *)sqlite3_column_text(q, 0);
			if (prevcopy == NULL || strcmp(prevcopy, name) != 0) {
				family(&b, name,
				    (const char *)sqlite3_column_text(q, 1),
				    (const char *)sqlite3_column_text(q, 2));
				free(prevcopy);
				prevcopy = strdup(name);
				if (prevcopy == NULL)
					fatal("strdup");
			}
			buf_puts(&b, name);
			buf_puts(&b, (const char *)sqlite3_column_text(q, 3));
			buf_putc(&b, ' ');
			expo_value(&b, sqlite3_column_double(q, 4));
			buf_putc(&b, '\n');
		}
		free(prevcopy);
		if (rc != SQLITE_DONE) {
			log_warnx("expo: %s", store_errmsg(st));
			sqlite3_finalize(q);
			goto fail;
		}
		sqlite3_finalize(q);
	}
	if (render_live(st, &b) == -1)
		goto fail;
	return buf_take(&b, lenp);
fail:
	buf_release(&b);
	return NULL;
}
