/* progress.h -- one line of crawl progress on a terminal, rewritten in place */
#ifndef VANTAGE_PROGRESS_H
#define VANTAGE_PROGRESS_H

#include <stdio.h>

/*
 * If f is a terminal, show the progress of every crawl on it from now on
 * (nodes done of all, items, requests/s, ETA) as one line rewritten at
 * most ten times a second, cleared before each log message; otherwise do
 * nothing.
 */
void	progress_start(FILE *f);
/* Clear the line and stop showing progress. */
void	progress_end(void);

#endif
