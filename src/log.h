/*
 * log.h: one way to log, one line per event, each with a level.  In the
 * foreground to stderr as "hotpatchd: LEVEL: message" (or, when stderr is
 * the journal's stream, with the "<N>" priority prefix journald reads); when
 * detached to syslog.
 */
#ifndef HP_LOG_H
#define HP_LOG_H

#include <stdbool.h>
#include <time.h>

/* The levels, numbered as syslog(3) and sd-daemon(3) number them. */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* Start logging as ident; to stderr if foreground, else to syslog.  verbose counts -v. */
void log_init(const char *ident, bool foreground, int verbose);

/* Was -v given at least n times?  (-v: every request; -vv: connections too.) */
bool log_verbose(int n);

void log_at(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Flood control for lines a client can cause: at most LOG_GATE_BURST lines
 * per LOG_GATE_SECONDS go through a gate; the others are counted, and the
 * count is logged before the next line that goes through (or by
 * log_gate_flush).  Zero-initialise, then set what ("http", "control").
 * log_gated with a NULL gate logs unconditionally.
 */
#define LOG_GATE_SECONDS	10
#define LOG_GATE_BURST		20

struct log_gate {
	const char	*what;
	time_t		 start;		/* when the current period began */
	unsigned	 lines;		/* let through in it */
	unsigned long	 dropped;	/* held back since the last line let through */
};

void log_gated(struct log_gate *g, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Log how many lines were held back, if any. */
void log_gate_flush(struct log_gate *g);

/*
 * One line for a request that took ms: at level outcome (LOG_LEVEL_DEBUG for
 * a plain success, which only -v logs, with " (N ms)"), raised to a warning
 * with "; slow: N ms" when ms reaches slow_ms (0: never).  Lines other than
 * -v's go through the gate g.
 */
void log_request(struct log_gate *g, enum log_level outcome, long long ms, int slow_ms,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Would log_request write a line for these (before its gate)?  Lets callers skip the work. */
bool log_request_wanted(enum log_level outcome, long long ms, int slow_ms);

#endif
