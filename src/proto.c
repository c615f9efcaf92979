/* proto.c: the control protocol's words, quoting and status lines. */
#include "proto.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int		 code;
	const char	*msg;
} messages[] = {
	{ PROTO_OK, "ok" },
	{ PROTO_BAD_REQUEST, "bad request" },
	{ PROTO_DENIED, "permission denied" },
	{ PROTO_NOT_FOUND, "not found" },
	{ PROTO_CONFLICT, "conflict" },
	{ PROTO_TOO_LARGE, "request too large" },
	{ PROTO_INVALID, "invalid configuration" },
	{ PROTO_INTERNAL, "internal error" },
	{ PROTO_UNAVAILABLE, "unavailable" },
};

const char *
proto_strerror(int code)
{
	for (size_t i = 0; i < ARRAY_LEN(messages); i++)
		if (messages[i].code == code)
			return messages[i].msg;
	return "unknown error";
}

int
proto_exit_status(int code)
{
	if (code >= 200 && code < 300)
		return 0;
	return code == PROTO_BAD_REQUEST ? 2 : 1;
}

int
proto_term_width(const char *columns, int tty_cols)
{
	size_t len = columns != NULL ? strlen(columns) : 0;
	long w = tty_cols;

	/* A shell's COLUMNS follows resizes; a bad one is ignored, not obeyed. */
	if (len > 0 && len <= 6 && strspn(columns, "0123456789") == len && atol(columns) > 0)
		w = atol(columns);
	if (w <= 0)
		return 0;
	return w < PROTO_WIDTH_MIN ? PROTO_WIDTH_MIN : w > PROTO_WIDTH_MAX ? PROTO_WIDTH_MAX : (int)w;
}

/* Read one quoted word starting after the opening quote; returns the end or NULL. */
static char *
unquote(char *p, char **out)
{
	char *w = p;

	*out = w;
	for (;;) {
		if (*p == '\0')
			return NULL;
		if (*p == '"') {
			*w = '\0';
			return p + 1;
		}
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*w++ = *p++;
	}
}

bool
proto_has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return true;
		/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f in UTF-8. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return true;
	}
	return false;
}

int
proto_split(char *buf, char **words, int max, const char **err)
{
	int n = 0;
	char *p = buf;

	if (proto_has_control(buf)) {
		*err = "control character in request";
		return -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return n;
		if (n == max) {
			*err = "too many words in request";
			return -1;
		}
		if (*p == '"') {
			if ((p = unquote(p + 1, &words[n++])) == NULL) {
				*err = "unterminated quote in request";
				return -1;
			}
			if (*p != '\0' && *p != ' ' && *p != '\t') {
				*err = "quote must end a word";
				return -1;
			}
		} else {
			words[n++] = p;
			p += strcspn(p, " \t");
		}
		if (*p != '\0')
			*p++ = '\0';
	}
}

void
proto_quote(char **line, size_t *len, const char *word)
{
	bool plain = *word != '\0' && strpbrk(word, " \t\"\\") == NULL;
	size_t need = *len + 2 * strlen(word) + 4;
	char *p;

	*line = xreallocarray(*line, need, 1);
	p = *line + *len;
	if (*len > 0)
		*p++ = ' ';
	if (plain) {
		p = stpcpy(p, word);
	} else {
		*p++ = '"';
		for (; *word != '\0'; word++) {
			if (*word == '"' || *word == '\\')
				*p++ = '\\';
			*p++ = *word;
		}
		*p++ = '"';
		*p = '\0';
	}
	*len = (size_t)(p - *line);
}

int
proto_parse_status(const char *line, int *code, size_t *len, const char **msg)
{
	char *end;
	long c;
	unsigned long l;

	c = strtol(line, &end, 10);
	if (end == line || *end != ' ' || c < 100 || c > 599)
		return -1;
	line = end + 1;
	if (*line < '0' || *line > '9')
		return -1;
	l = strtoul(line, &end, 10);
	if (*end != ' ' && *end != '\0')
		return -1;
	*code = (int)c;
	*len = l;
	*msg = *end == ' ' ? end + 1 : end;
	return 0;
}
