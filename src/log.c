/* log.c: stderr in the foreground, syslog when detached; nothing else logs. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define LOG_LINE_MAX	2048

static struct {
	const char	*ident;
	bool		 foreground;
	bool		 journal;	/* stderr is a journal stream: "<N>" prefixes */
	int		 verbose;
} logger = { "hotpatchd", true, false, 0 };

static const char *const level_name[] = {
	[LOG_LEVEL_ERR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_NOTICE] = "notice",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/*
 * The service manager sets $JOURNAL_STREAM to the device:inode of the stream
 * it connected; it means us only while stderr is still that stream.
 */
static bool
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (e == NULL || sscanf(e, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *ident, bool foreground, int verbose)
{
	logger.ident = ident;
	logger.foreground = foreground;
	logger.verbose = verbose;
	logger.journal = foreground && stderr_is_journal();
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool
log_verbose(int n)
{
	return logger.verbose >= n;
}

/* One line to stderr, with the level in the form its reader understands. */
static void
to_stderr(enum log_level level, const char *msg)
{
	if (logger.journal)
		fprintf(stderr, "<%d>%s\n", (int)level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", logger.ident, level_name[level], msg);
}

__attribute__((format(printf, 2, 0)))
static void
vlog(enum log_level level, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* One event, one line: nothing from a client may break or forge one. */
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (logger.foreground)
		to_stderr(level, buf);
	else
		syslog((int)level, "%s", buf);
}

void
log_at(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == LOG_LEVEL_DEBUG && logger.verbose == 0)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_NOTICE, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (logger.verbose == 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_at(LOG_LEVEL_ERR, "%s", buf);
	/* Before detaching, stderr is still the terminal that started us: say it there too. */
	if (!logger.foreground)
		fprintf(stderr, "%s: %s: %s\n", logger.ident, level_name[LOG_LEVEL_ERR], buf);
	exit(1);
}

void
log_gate_flush(struct log_gate *g)
{
	if (g->dropped == 0)
		return;
	log_warn("%s: %lu more lines were not logged (flood control: at most %d per %d s)",
	    g->what, g->dropped, LOG_GATE_BURST, LOG_GATE_SECONDS);
	g->dropped = 0;
}

/* May one more line through g now?  If not, it is counted. */
static bool
gate_open(struct log_gate *g)
{
	time_t now = time(NULL);

	if (g == NULL)
		return true;
	if (now - g->start >= LOG_GATE_SECONDS || now < g->start) {
		g->start = now;
		g->lines = 0;
	}
	if (g->lines >= LOG_GATE_BURST) {
		g->dropped++;
		return false;
	}
	g->lines++;
	log_gate_flush(g);
	return true;
}

void
log_gated(struct log_gate *g, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((level == LOG_LEVEL_DEBUG && logger.verbose == 0) || !gate_open(g))
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

bool
log_request_wanted(enum log_level outcome, long long ms, int slow_ms)
{
	return outcome != LOG_LEVEL_DEBUG || logger.verbose > 0 || (slow_ms > 0 && ms >= slow_ms);
}

void
log_request(struct log_gate *g, enum log_level outcome, long long ms, int slow_ms,
    const char *fmt, ...)
{
	bool slow = slow_ms > 0 && ms >= slow_ms;
	enum log_level level = slow && outcome > LOG_LEVEL_WARNING ? LOG_LEVEL_WARNING : outcome;
	char line[LOG_LINE_MAX];
	size_t n;
	va_list ap;

	if (!log_request_wanted(outcome, ms, slow_ms))
		return;
	/* -v asked for every request: those lines are not held back. */
	if (level != LOG_LEVEL_DEBUG && !gate_open(g))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (slow)
		snprintf(line + n, sizeof(line) - n, "; slow: %lld ms", ms);
	else if (level == LOG_LEVEL_DEBUG)
		snprintf(line + n, sizeof(line) - n, " (%lld ms)", ms);
	log_at(level, "%s", line);
}
