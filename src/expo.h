/* expo.h -- Prometheus and OpenMetrics text rendered from stored samples */

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

#ifndef VANTAGE_EXPO_H
#define VANTAGE_EXPO_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct store;

enum expo_format {
	EXPO_TEXT = 0,		/* Prometheus text 0.0.4 */
	EXPO_OPENMETRICS,	/* OpenMetrics 1.0 text */
	EXPO_NFORMATS
};

#define EXPO_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define EXPO_OM_CONTENT_TYPE	\
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/*
 * The monitor's own state, rendered live rather than from a run's
 * samples.  serve keeps it in memory, so it stays true when the store
 * cannot be written; expo_live_load reads it from the store.
 */
struct expo_live {
	int64_t	 el_complete;		/* runs by final status */
	int64_t	 el_failed;
	int	 el_have_last;		/* some run has finished */
	int	 el_last_ok;		/* and it completed */
	double	 el_last_end;		/* unix seconds */
	double	 el_last_ok_end;	/* 0: no complete run */
	double	 el_disc_ok;		/* the source was last read; 0: never */
	char	 el_source[32];		/* the kind of the latest node list */
	int64_t	 el_disc_nodes;		/* its nodes; -1: none yet */
	int64_t	 el_disc_stale;		/* runs it was carried over for */
};
int	expo_live_load(struct store *, struct expo_live *);

/* Append a sample value as the exposition writes it. */
void	expo_value(struct buf *, double);
/*
 * Render the exposition in format: the samples of run_id (0: none yet),
 * with each family's cardinality cutoff applied (the long tail folded
 * into one series whose label value is others), and the monitor's live
 * state (NULL: read from the runs table).  Returns a string the caller
 * frees, or NULL if the store failed.
 */
char	*expo_render(struct store *, int64_t run_id, enum expo_format,
	    const char *others, const struct expo_live *, size_t *lenp);
/* gzip (RFC 1952) of len bytes; a string the caller frees, NULL on error. */
char	*expo_gzip(const char *, size_t len, size_t *outlenp);

#endif
