/* log.h -- the one place vantage writes diagnostics */
#ifndef VANTAGE_LOG_H
#define VANTAGE_LOG_H

#include <stdarg.h>

/* 0: warnings and info, 1: -v debug, 2: -vv more debug */
extern int log_verbose;

void	log_init(const char *progname, int verbose);
/*
 * fn runs before each message is written to stderr (progress.c clears its
 * line there); NULL: nothing.
 */
void	log_set_hook(void (*fn)(void));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_vwarnx(const char *, va_list) __attribute__((format(printf, 1, 0)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate limit for repeated failures of one subject (collectd c_complain):
 * the first failure is logged, repeats are logged at most once per interval
 * (doubling up to an hour), and the recovery is logged once.
 */
struct complain {
	double	cp_last;	/* when we last logged, 0 = not failing */
	double	cp_interval;	/* seconds until the next log allowed */
	unsigned long cp_suppressed;
};

void	complain(struct complain *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	complain_release(struct complain *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
