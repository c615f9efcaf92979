/* diag.h: the one way file errors are reported, "file:line:column: message". */
#ifndef HP_DIAG_H
#define HP_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

/*
 * At most DIAGS_MAX errors are kept; the next one is replaced by a line saying
 * that checking stopped, and loaders stop walking (diags_full).  A message
 * longer than DIAG_MSG_MAX bytes is cut (a quoted value can be megabytes).
 * Together they bound what a refused reload prints, logs and replies.
 */
#define DIAGS_MAX	100
#define DIAG_MSG_MAX	512

struct diag {
	char	*file;
	int	 line;		/* 1-based; 0 when the error is about the whole file */
	int	 col;		/* 1-based */
	char	*msg;
};

/* A list of errors collected while loading; a load succeeds only if it stays empty. */
struct diags {
	struct diag	*v;
	size_t		 n, cap;
	size_t		 dropped;	/* errors after the cap, not kept */
};

void diags_add(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Errors added so far, kept or not: compare before and after a load. */
size_t diags_count(const struct diags *d);
/* True once the cap was passed: further errors are dropped, stop checking. */
bool diags_full(const struct diags *d);
/* Print every error, one per line, to f. */
void diags_print(const struct diags *d, FILE *f);
/* The first error as one allocated line, or NULL if there is none. */
char *diags_first(const struct diags *d);
void diags_free(struct diags *d);

#endif
