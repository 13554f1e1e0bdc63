/* progress.c -- one line of crawl progress on a terminal, rewritten in place */

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

#include <sys/ioctl.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"
#include "progress.h"
#include "util.h"

#define PROGRESS_INTERVAL	0.1	/* seconds between redraws */

static FILE	*pg_f;		/* NULL: not showing */
static double	 pg_t0;		/* when the crawl started */
static double	 pg_drawn;	/* when the line was last drawn */
static int	 pg_shown;	/* the line is on the terminal */

/* "42s", "3m07s", "2h05m". */
static void
fmt_eta(double s, char *out, size_t len)
{
	long	n = (long)(s + 0.5);

	if (n < 60)
		snprintf(out, len, "%lds", n);
	else if (n < 3600)
		snprintf(out, len, "%ldm%02lds", n / 60, n % 60);
	else
		snprintf(out, len, "%ldh%02ldm", n / 3600, n % 3600 / 60);
}

static void
progress_clear(void)
{
	if (pg_f == NULL || !pg_shown)
		return;
	fputs("\r\033[K", pg_f);
	fflush(pg_f);
	pg_shown = 0;
}

static void
progress_draw(const struct probe_progress *pp, double now)
{
	struct winsize	 ws;
	char		 line[256], eta[32];
	double		 elapsed = now - pg_t0;
	size_t		 width = sizeof(line) - 1;

	if (pp->pp_nodes_done == pp->pp_nodes)
		snprintf(eta, sizeof(eta), "0s");
	else if (pp->pp_nodes_done == 0 || elapsed <= 0)
		snprintf(eta, sizeof(eta), "-");
	else
		fmt_eta(elapsed * (pp->pp_nodes - pp->pp_nodes_done) /
		    pp->pp_nodes_done, eta, sizeof(eta));
	snprintf(line, sizeof(line), "crawl: %zu/%zu nodes, %" PRId64
	    " items, %.1f requests/s, ETA %s", pp->pp_nodes_done,
	    pp->pp_nodes, pp->pp_items, elapsed > 0 ?
	    pp->pp_requests / elapsed : 0.0, eta);
	/* Cut to the terminal's width: a wrapped line cannot be rewritten. */
	if (ioctl(fileno(pg_f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    (size_t)ws.ws_col - 1 < width)
		width = ws.ws_col - 1;
	fprintf(pg_f, "\r%.*s\033[K", (int)width, line);
	fflush(pg_f);
	pg_shown = 1;
	pg_drawn = now;
}

static void
progress_update(const struct probe_progress *pp, void *arg)
{
	double	now = now_mono();

	if (pp->pp_requests == 0 && pp->pp_nodes_done == 0 &&
	    pp->pp_items == 0)
		pg_t0 = now;		/* a crawl starts */
	if (pg_shown && now - pg_drawn < PROGRESS_INTERVAL &&
	    pp->pp_nodes_done < pp->pp_nodes)
		return;
	progress_draw(pp, now);
}

void
progress_start(FILE *f)
{
	if (!isatty(fileno(f)))
		return;
	pg_f = f;
	pg_t0 = now_mono();
	pg_shown = 0;
	probe_set_progress(progress_update, NULL);
	log_set_hook(progress_clear);
}

void
progress_end(void)
{
	progress_clear();
	probe_set_progress(NULL, NULL);
	log_set_hook(NULL);
	pg_f = NULL;
}
