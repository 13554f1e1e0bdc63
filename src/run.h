/* run.h -- one monitoring run, and the serve loop around it */

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

#ifndef VANTAGE_RUN_H
#define VANTAGE_RUN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "expo.h"
#include "query.h"

struct config;
struct http;
struct notify;
struct store;

struct runner {
	struct config	*ru_cf;		/* owned */
	struct store	*ru_st;		/* owned */
	struct queryset	 ru_qs;
	struct http	*ru_http;	/* NULL unless serving */
	struct remote_write *ru_rw;	/* NULL without remote_write.url */
	volatile sig_atomic_t *ru_stop;
	int64_t		 ru_last_run;	/* id of the last run started */
	struct expo_live ru_live;	/* the monitor's own state, in memory */
	struct notify	*ru_notify;	/* owned: events of runs */
};

/*
 * Take cf, open its store, load its queries, create probe tables and mark
 * runs a crash left 'running' as failed.  Errors go to err; -1 on any.
 */
int	runner_init(struct runner *, struct config *cf,
	    volatile sig_atomic_t *stop, FILE *err);
void	runner_release(struct runner *);
/* One run; 0 if it completed, -1 if it failed (recorded as failed). */
int	run_once(struct runner *);
/* Render the exposition from the store and hand it to the HTTP server. */
int	runner_publish(struct runner *);
/* Run every schedule.interval until *stop; reloads the config on *reload. */
int	run_serve(struct runner *, volatile sig_atomic_t *reload,
	    char **overrides, size_t noverrides);

#endif
