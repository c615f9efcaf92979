/* log.c: stderr in the foreground, syslog when detached; nothing else logs. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

static struct {
	const char	*ident;
	bool		 foreground;
	int		 verbose;
} logger = { "hotpatchd", true, 0 };

void
log_init(const char *ident, bool foreground, int verbose)
{
	logger.ident = ident;
	logger.foreground = foreground;
	logger.verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	if (!logger.foreground) {
		vsyslog(pri, fmt, ap);
		return;
	}
	fprintf(stderr, "%s: ", logger.ident);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (logger.verbose == 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	/* Before detaching, stderr is still the terminal that started us: say it there too. */
	if (!logger.foreground) {
		va_start(ap, fmt);
		fprintf(stderr, "%s: ", logger.ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	exit(1);
}
