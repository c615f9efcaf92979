/* diag.h: the one way file errors are reported, "file:line:column: message". */
#ifndef HP_DIAG_H
#define HP_DIAG_H

#include <stdio.h>
#include <stddef.h>

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
};

void diags_add(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Print every error, one per line, to f. */
void diags_print(const struct diags *d, FILE *f);
/* The first error as one allocated line, or NULL if there is none. */
char *diags_first(const struct diags *d);
void diags_free(struct diags *d);

#endif
