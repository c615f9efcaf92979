/*
 * exportheld.c: reading the held list.  Every line is checked before the
 * daemon trusts any of it: a list that is not exactly what the protocol
 * says is refused whole, with the line that broke it.
 */
#include "exportheld.h"
#include "proto.h"

#include <stdlib.h>
#include <string.h>

/* A tag is visible ASCII: an ETag, quotes included, and nothing else. */
static bool
tag_ok(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
			return false;
	return n > 0;
}

/* A name has no control character (the tab and NUL included). */
static bool
name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n > 0;
}

/*
 * The line at line (len bytes, its newline cut to NUL already): why it is
 * malformed, or NULL with its tag split off into *tag.
 */
static const char *
line_check(char *line, size_t len, char **tag)
{
	char *tab = memchr(line, '\t', len);
	size_t nlen = tab != NULL ? (size_t)(tab - line) : len;

	if (memchr(line, '\0', len) != NULL)
		return "a NUL byte";
	if (tab == NULL)
		return "no tab between the name and the tag";
	if (nlen == 0)
		return "an empty name";
	if (nlen > HELD_NAME_MAX)
		return "a name longer than 4095 bytes";
	if (!name_ok(line, nlen))
		return "a control character in the name";
	if (len - nlen - 1 > HELD_TAG_MAX)
		return "a tag longer than 255 bytes";
	if (!tag_ok(tab + 1, len - nlen - 1))
		return "an empty tag or one with other than visible ASCII (a second tab?)";
	*tab = '\0';
	*tag = tab + 1;
	return NULL;
}

static int
refuse(struct held *h, char **why, int code, char *msg)
{
	held_free(h);
	*why = msg;
	return code;
}

int
held_parse(const char *text, size_t len, struct held *h, char **why)
{
	size_t lines = 0, cap = 0, pos;
	char *at, *end, *nl, *tag;
	const char *bad;

	memset(h, 0, sizeof(*h));
	if (len > HELD_MAX_BYTES)
		return refuse(h, why, PROTO_TOO_LARGE, xasprintf("the held list is larger than "
		    "%d bytes", HELD_MAX_BYTES));
	h->buf = xmalloc(len + 1);
	memcpy(h->buf, text, len);
	h->buf[len] = '\0';
	for (at = h->buf, end = h->buf + len; at < end; at = nl + 1) {
		if (++lines > HELD_MAX_LINES)
			return refuse(h, why, PROTO_TOO_LARGE, xasprintf("the held list has more "
			    "than %d lines", HELD_MAX_LINES));
		if ((nl = memchr(at, '\n', (size_t)(end - at))) == NULL)
			return refuse(h, why, PROTO_BAD_REQUEST, xasprintf("held list line %zu: "
			    "no newline at its end", lines));
		*nl = '\0';
		if ((bad = line_check(at, (size_t)(nl - at), &tag)) != NULL)
			return refuse(h, why, PROTO_BAD_REQUEST, xasprintf("held list line %zu: %s",
			    lines, bad));
		if (strindex_get(&h->by_name, at, &pos))
			return refuse(h, why, PROTO_BAD_REQUEST, xasprintf("held list line %zu: "
			    "'%s' is listed twice", lines, at));
		grow(&h->tag, h->n, &cap, sizeof(*h->tag));
		h->tag[h->n] = tag;
		strindex_put(&h->by_name, at, h->n++);
	}
	return 0;
}

const char *
held_tag(const struct held *h, const char *name)
{
	size_t pos;

	return h != NULL && strindex_get(&h->by_name, name, &pos) ? h->tag[pos] : NULL;
}

void
held_free(struct held *h)
{
	strindex_free(&h->by_name);
	free(h->tag);
	free(h->buf);
	memset(h, 0, sizeof(*h));
}
