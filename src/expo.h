/* expo.h -- Prometheus text exposition rendered from stored samples */
#ifndef VANTAGE_EXPO_H
#define VANTAGE_EXPO_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct store;

#define EXPO_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Append s as an escaped label value (\\, \", \n; invalid UTF-8 → U+FFFD). */
void	expo_label_value(struct buf *, const char *s, size_t len);
/* Append a sample value as the exposition writes it. */
void	expo_value(struct buf *, double);
/*
 * Render the exposition: the samples of run_id (0: none yet) and the
 * monitor's live state from the runs table.  Returns a string the caller
 * frees, or NULL if the store failed.
 */
char	*expo_render(struct store *, int64_t run_id, size_t *lenp);

#endif
