/*
 * proto.h: the control protocol, shared by hotpatchd and hotpatchctl.  This
 * header is the whole wire contract; doc/protocol.md explains it for people.
 *
 * Bump PROTO_VERSION when any of the following changes incompatibly.
 *   1  2026-11  first version
 *
 * On connect the daemon greets:        "hotpatchd <PROTO_VERSION> <daemon version>\n"
 * A request is one line:               words, separated by spaces; a word with
 *                                      spaces, quotes or backslashes is written
 *                                      in double quotes with \" and \\ escapes.
 *                                      At most PROTO_MAX_REQUEST bytes.
 * Each request gets one reply:         "<code> <body length> <message>\n" then
 *                                      exactly <body length> bytes of body.
 * Several requests may follow on one connection; replies come in order.
 * The JSON bodies are described by the files in doc/schema; its README.md
 * says which of their changes are incompatible (and so bump PROTO_VERSION).
 */
#ifndef HP_PROTO_H
#define HP_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define PROTO_VERSION		1
#define PROTO_MAX_REQUEST	65536	/* bytes in one request line, newline included */
#define PROTO_MAX_WORDS		64
/* --width N, the columns a client's terminal has, is PROTO_WIDTH_MIN..PROTO_WIDTH_MAX. */
#define PROTO_WIDTH_MIN		20
#define PROTO_WIDTH_MAX		1000

/* Result codes, numbered like HTTP so a reply is one grep. */
enum proto_code {
	PROTO_OK = 200,
	PROTO_BAD_REQUEST = 400,	/* malformed line, unknown command, bad arguments */
	PROTO_DENIED = 403,		/* a change from a peer that is not an admin */
	PROTO_NOT_FOUND = 404,		/* unknown OS, ring, override */
	PROTO_CONFLICT = 409,		/* the change contradicts the data */
	PROTO_TOO_LARGE = 413,		/* request line longer than PROTO_MAX_REQUEST */
	PROTO_INVALID = 422,		/* reload: a file has errors; the old config stays */
	PROTO_INTERNAL = 500,		/* database or other internal failure */
	PROTO_UNAVAILABLE = 503,	/* too many connections, shutting down */
};

/* The default message of a code ("ok", "permission denied", ...). */
const char *proto_strerror(int code);

/* Exit status of hotpatchctl for a reply code: 0 ok, 2 usage, 1 otherwise. */
int proto_exit_status(int code);

/*
 * The width a client asks tables to fit: columns, the value of $COLUMNS
 * (NULL: unset), when it is a whole number, else tty_cols, the terminal's
 * (0: unknown); brought into PROTO_WIDTH_MIN..PROTO_WIDTH_MAX.  0 when
 * neither says.
 */
int proto_term_width(const char *columns, int tty_cols);

/* True if s holds a control character (C0 but tab, DEL, or C1). */
bool proto_has_control(const char *s);

/*
 * Split a request line (no newline) into at most max words, unquoting.
 * Returns the number of words, or -1 with *err set to a static message
 * (unterminated quote, too many words, control characters).  The words
 * point into buf, which is modified.
 */
int proto_split(char *buf, char **words, int max, const char **err);

/* Append word to a line being built, quoted if it needs to be. */
void proto_quote(char **line, size_t *len, const char *word);

/*
 * Parse a reply status line (no newline): "<code> <length> <message>".
 * Returns 0, or -1 if it is not one.  *msg points into line.
 */
int proto_parse_status(const char *line, int *code, size_t *len, const char **msg);

#endif
