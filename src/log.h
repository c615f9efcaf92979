/* log.h: one way to log; stderr in the foreground, syslog when detached. */
#ifndef HP_LOG_H
#define HP_LOG_H

#include <stdbool.h>

/* Start logging as ident; to stderr if foreground, else to syslog. */
void log_init(const char *ident, bool foreground, int verbose);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
