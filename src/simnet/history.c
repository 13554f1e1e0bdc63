/* history.c -- per-user states of a run, and the window truth of a sequence */

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

#define HT_ABSENT	0xff
#define HT_MAX_RUNS	10000
#define HT_MAX_WINDOWS	16

/*
 * The truth of the entity-history metrics is computed here the plain
 * way, user by user over every run of the window, so it checks the
 * monitor's interval encoding rather than repeating it.
 */

int
truth_states_write(const struct simnet *sn, const char *path)
{
	FILE	*fp;
	uint32_t idx;
	char	*tmp;
	int	 rv = -1;

	xasprintf(&tmp, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		free(tmp);
		return -1;
	}
	for (idx = 0; idx < sn->sn_nusers; idx++)
		fprintf(fp, "%" PRIu32 " %s\n", idx + 1,
		    simnet_status_name(sn->sn_users[idx].u_status));
	if (fflush(fp) == EOF || ferror(fp)) {
		log_warn("%s", tmp);
		fclose(fp);
		goto out;
	}
	if (fclose(fp) == EOF) {
		log_warn("%s", tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		log_warn("%s: rename to %s", tmp, path);
		goto out;
	}
	rv = 0;
out:
	if (rv == -1)
		unlink(tmp);
	free(tmp);
	return rv;
}

struct ht_run {
	double		 hr_time;
	uint8_t		*hr_status;	/* [user_id], HT_ABSENT if not current */
	size_t		 hr_n;		/* user_id bound */
};

/* "TIME:FILE": a states file of one complete run, started at TIME. */
static int
ht_load(const char *arg, struct ht_run *r)
{
	const char	*colon = strchr(arg, ':');
	char		 line[256], name[64], *end;
	unsigned long	 id;
	enum sn_status	 s;
	size_t		 lineno = 0;
	FILE		*fp;

	memset(r, 0, sizeof(*r));
	errno = 0;
	r->hr_time = colon != NULL ? strtod(arg, &end) : 0;
	if (colon == NULL || end != colon || errno != 0) {
		log_warnx("history: '%s': expected TIME:STATES-FILE", arg);
		return -1;
	}
	if ((fp = fopen(colon + 1, "r")) == NULL) {
		log_warn("history: %s", colon + 1);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (sscanf(line, "%lu %63s", &id, name) != 2 || id == 0 ||
		    id > SN_MAX_USERS || simnet_status_parse(name, &s) == -1) {
			log_warnx("history: %s:%zu: expected USER_ID STATUS",
			    colon + 1, lineno);
			fclose(fp);
			return -1;
		}
		if (id >= r->hr_n) {
			r->hr_status = xreallocarray(r->hr_status, id * 2 + 1,
			    1);
			memset(r->hr_status + r->hr_n, HT_ABSENT, id * 2 + 1 -
			    r->hr_n);
			r->hr_n = id * 2 + 1;
		}
		r->hr_status[id] = (uint8_t)s;
	}
	fclose(fp);
	return 0;
}

static uint8_t
ht_status(const struct ht_run *r, size_t id)
{
	return id < r->hr_n ? r->hr_status[id] : HT_ABSENT;
}

static void
ht_sample(json_t *samples, const char *metric, const char *status,
    const char *window, uint64_t value)
{
	json_t	*o, *labels;

	labels = json_object();
	if (status != NULL)
		json_object_set_new(labels, "status", json_string(status));
	json_object_set_new(labels, "window", json_string(window));
	o = json_object();
	json_object_set_new(o, "metric", json_string(metric));
	json_object_set_new(o, "labels", labels);
	json_object_set_new(o, "value", json_integer((json_int_t)value));
	json_array_append_new(samples, o);
}

/*
 * vantage-simnet history [-w WINDOW]... TIME:STATES...: the complete runs
 * in order, each a start time (unix seconds) and the --states file the
 * network had; prints the truth of the window metrics as compare reads it.
 */
int
truth_history(int argc, char *argv[])
{
	struct ht_run	*runs;
	const char	*windows[HT_MAX_WINDOWS], *why;
	int64_t		 ms[HT_MAX_WINDOWS];
	uint64_t	 ever[SN_NSTATUS], only;
	json_t		*root, *samples;
	size_t		 nruns = 0, nw = 0, i, id, last;
	unsigned	 seen;
	int		 a, w, s, rv = 1;
	char		*text;

	runs = xcalloc(argc + 1, sizeof(*runs));
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-w") == 0 && a + 1 < argc) {
			if (nw == HT_MAX_WINDOWS ||
			    parse_duration(argv[a + 1], &ms[nw], &why) == -1) {
				log_warnx("history: -w '%s': %s", argv[a + 1],
				    nw == HT_MAX_WINDOWS ? "too many" : why);
				goto out;
			}
			windows[nw++] = argv[++a];
			continue;
		}
		if (nruns == HT_MAX_RUNS || ht_load(argv[a], &runs[nruns]) == -1)
			goto out;
		nruns++;
	}
	if (nruns == 0) {
		log_warnx("history: expected TIME:STATES-FILE arguments");
		goto out;
	}
	if (nw == 0) {
		windows[0] = "1d";
		windows[1] = "7d";
		ms[0] = 86400000;
		ms[1] = 7 * 86400000LL;
		nw = 2;
	}
	last = nruns - 1;
	samples = json_array();
	for (w = 0; w < (int)nw; w++) {
		memset(ever, 0, sizeof(ever));
		only = 0;
		for (id = 1; id < runs[last].hr_n; id++) {
			if (ht_status(&runs[last], id) == HT_ABSENT)
				continue;
			seen = 0;
			for (i = 0; i <= last; i++)
				if (runs[i].hr_time > runs[last].hr_time -
				    ms[w] / 1000.0 &&
				    ht_status(&runs[i], id) != HT_ABSENT)
					seen |= 1u << ht_status(&runs[i], id);
			for (s = 0; s < SN_NSTATUS; s++)
				if (seen & (1u << s))
					ever[s]++;
			if (seen == 1u << SN_FULLY_SYNCED)
				only++;
		}
		ht_sample(samples, "audius_users_fully_synced_throughout", NULL,
		    windows[w], only);
		for (s = 0; s < SN_NSTATUS; s++)
			ht_sample(samples, "audius_users_ever",
			    simnet_status_name(s), windows[w], ever[s]);
	}
	root = json_object();
	json_object_set_new(root, "runs", json_integer((json_int_t)nruns));
	json_object_set_new(root, "samples", samples);
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL || printf("%s\n", text) < 0 || fflush(stdout) == EOF) {
		log_warn("stdout");
		free(text);
		goto out;
	}
	free(text);
	rv = 0;
out:
	for (i = 0; i < nruns; i++)
		free(runs[i].hr_status);
	free(runs);
	return rv;
}
