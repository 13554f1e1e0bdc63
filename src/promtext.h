/* promtext.h -- Prometheus text 0.0.4 and OpenMetrics 1.0 exposition parser */

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

#ifndef VANTAGE_PROMTEXT_H
#define VANTAGE_PROMTEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The grammar is the one Prometheus's own parsers apply
 * (model/textparse/promparse.go, openmetricsparse.go): what they accept is
 * accepted, what they reject is rejected, and one bad line rejects the
 * whole exposition.  The deliberate differences are stricter, never looser:
 * quoted (UTF-8) metric and label names, a raw line feed inside a quoted
 * label value, a NUL at the start of a line (Prometheus ends the body there
 * silently), and text 0.0.4 garbage glued to a metric name ("a-1 2" is not
 * a = -1 at 2 ms here, "# TYPE a{ gauge" is not a gauge) are errors, as are
 * lines and label sets over the limits below.
 *
 * Parsing is in place and streaming: every sample is passed to a callback
 * as soon as its line is complete.  On -1 the samples already passed are
 * part of an exposition that is rejected, so THE CALLER MUST DISCARD every
 * row it made from this body (roll back its transaction, drop its batch),
 * as Prometheus rolls back the whole scrape.
 */

enum promtext_format {
	PROMTEXT_TEXT = 0,	/* text/plain; version=0.0.4 */
	PROMTEXT_OPENMETRICS	/* application/openmetrics-text; 1.0.0 */
};

enum promtext_type {
	PROMTEXT_UNTYPED = 0,	/* no TYPE, "untyped" (0.0.4), "unknown" (OM) */
	PROMTEXT_COUNTER,
	PROMTEXT_GAUGE,
	PROMTEXT_HISTOGRAM,
	PROMTEXT_GAUGEHISTOGRAM,	/* OpenMetrics only */
	PROMTEXT_SUMMARY,
	PROMTEXT_INFO,			/* OpenMetrics only */
	PROMTEXT_STATESET		/* OpenMetrics only */
};

#define PROMTEXT_MAX_LINE	65536	/* default bytes a line, LF excluded */
#define PROMTEXT_MAX_LABELS	128	/* default labels per sample */
#define PROMTEXT_ERRMAX		320	/* room for any error message */

/*
 * Strings are borrowed and NOT NUL-terminated: use the lengths.  They point
 * into the body or into the parser's scratch space and are valid only
 * during the callback.  Label values are unescaped (\\ \" \n; any other
 * backslash sequence is kept as it is, as Prometheus does), valid UTF-8, and
 * may contain NUL bytes.  Labels come in exposition order; labels with an
 * empty value are left out (Prometheus: an empty value is an absent label).
 */
struct promtext_label {
	const char	*pl_name;
	size_t		 pl_namelen;
	const char	*pl_value;
	size_t		 pl_valuelen;
};

struct promtext_sample {
	const char	*ps_name;	/* as on the line, e.g. foo_bucket */
	size_t		 ps_namelen;
	/*
	 * The family of the last HELP/TYPE/UNIT lines when this sample belongs
	 * to it (its name, or the name with a suffix its type allows: _total
	 * and _created for counters, _bucket _count _sum _created for
	 * histograms, ...); otherwise the sample's own name, PROMTEXT_UNTYPED
	 * and no help or unit (NULL, 0).  HELP text is unescaped.
	 */
	const char	*ps_family;
	size_t		 ps_familylen;
	enum promtext_type ps_type;
	const char	*ps_help;
	size_t		 ps_helplen;
	const char	*ps_unit;	/* OpenMetrics UNIT */
	size_t		 ps_unitlen;
	size_t		 ps_line;	/* 1-based */
	/* Set only for the sample callback, not for want. */
	const struct promtext_label *ps_labels;
	size_t		 ps_nlabels;
	double		 ps_value;	/* NaN, +Inf, -Inf possible */
	int		 ps_has_ts;
	int64_t		 ps_ts;		/* milliseconds since the epoch */
};

/*
 * want is asked about each sample once its name (and family) is known,
 * before its labels are unescaped; nonzero keeps it.  Samples it drops are
 * still checked in full, so the verdict on a body never depends on want.
 * sample gets each kept sample; returning -1 stops the parse (which then
 * fails with "line N: stopped by the caller").
 */
typedef int	(*promtext_want_fn)(void *arg, const struct promtext_sample *);
typedef int	(*promtext_sample_fn)(void *arg,
		    const struct promtext_sample *);

struct promtext_opts {
	enum promtext_format	 po_format;
	size_t			 po_max_line;	/* 0: PROMTEXT_MAX_LINE */
	size_t			 po_max_labels;	/* 0: PROMTEXT_MAX_LABELS */
	promtext_want_fn	 po_want;	/* NULL: keep every sample */
	promtext_sample_fn	 po_sample;	/* NULL: only validate */
	void			*po_arg;
};

/*
 * Parse len bytes of body (need not be NUL-terminated; never written).
 * Returns 0, or -1 with a reason in err such as
 * "line 12: invalid UTF-8 in label value" (errsz bytes, truncated to fit;
 * PROMTEXT_ERRMAX is always enough).  Allocates a few scratch buffers per
 * call, grown to the longest line that needs them, never per sample.
 */
int	promtext_parse(const char *body, size_t len,
	    const struct promtext_opts *, char *err, size_t errsz);

/*
 * The format a Content-Type header names (media type matched without case,
 * parameters ignored): text/plain is PROMTEXT_TEXT, application/
 * openmetrics-text PROMTEXT_OPENMETRICS; -1 for anything else, including
 * NULL or blank, which Prometheus refuses without a fallback protocol.
 */
int	promtext_format_of(const char *content_type);

/* "counter", "gauge", ...; "untyped" for PROMTEXT_UNTYPED. */
const char *promtext_type_name(enum promtext_type);

#endif
