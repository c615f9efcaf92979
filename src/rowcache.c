/* rowcache.c: the plan page's rows kept between builds (rowcache.h). */
#include "rowcache.h"
#include "fingerprint.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* An entry; text NULL: an empty slot. */
struct rowent {
	uint64_t	 key;
	char		*text;
	size_t		 len;
	unsigned long	 build;		/* the last build that got or put it */
};

/* Open addressing, at most half full: a probe ends soon on an empty slot. */
struct rowcache {
	struct rowent	*slot;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	unsigned long	 build;
	size_t		 page_len;
};

/* Tags before each input: a string, a missing string, a number. */
enum { KEY_STR = 1, KEY_NULL, KEY_INT };

void
rowkey_reset(struct rowkey *k)
{
	k->b.len = 0;
}

static void
key_tagged(struct rowkey *k, int tag, const void *p, size_t n)
{
	unsigned char t = (unsigned char)tag;
	uint64_t len = n;

	textbuf_add(&k->b, (const char *)&t, 1);
	if (tag == KEY_NULL)
		return;
	if (tag == KEY_STR)
		textbuf_add(&k->b, (const char *)&len, sizeof(len));
	textbuf_add(&k->b, p, n);
}

void
rowkey_str(struct rowkey *k, const char *s)
{
	if (s == NULL)
		key_tagged(k, KEY_NULL, NULL, 0);
	else
		key_tagged(k, KEY_STR, s, strlen(s));
}

void
rowkey_strn(struct rowkey *k, const char *s, size_t max)
{
	key_tagged(k, KEY_STR, s, strnlen(s, max));
}

void
rowkey_int(struct rowkey *k, long long v)
{
	int64_t w = v;

	key_tagged(k, KEY_INT, &w, sizeof(w));
}

uint64_t
rowkey_hash(const struct rowkey *k)
{
	return fp_hash(k->b.s != NULL ? k->b.s : "", k->b.len);
}

void
rowkey_free(struct rowkey *k)
{
	free(k->b.s);
	k->b = (struct textbuf){ 0 };
}

struct rowcache *
rowcache_new(void)
{
	return xcalloc(1, sizeof(struct rowcache));
}

void
rowcache_free(struct rowcache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->slot[i].text);
	free(c->slot);
	free(c);
}

/* The slot of key, or the empty one where it would go (cap > 0). */
static struct rowent *
find(const struct rowcache *c, uint64_t key)
{
	size_t i = (size_t)key & (c->cap - 1);

	while (c->slot[i].text != NULL && c->slot[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return &c->slot[i];
}

/* Move the entries of the last build (or all, keep_old) into a table of room for want. */
static void
rehash(struct rowcache *c, size_t want, bool keep_old)
{
	struct rowent *old = c->slot;
	size_t oldcap = c->cap, cap = 16;

	while (cap < 2 * want)
		cap *= 2;
	c->slot = xcalloc(cap, sizeof(*c->slot));
	c->cap = cap;
	c->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].text == NULL)
			continue;
		if (!keep_old && old[i].build != c->build) {
			free(old[i].text);
			continue;
		}
		*find(c, old[i].key) = old[i];
		c->n++;
	}
	free(old);
}

const char *
rowcache_get(struct rowcache *c, uint64_t key, size_t *len)
{
	struct rowent *e;

	if (c->cap == 0 || (e = find(c, key))->text == NULL)
		return NULL;
	e->build = c->build;
	*len = e->len;
	return e->text;
}

void
rowcache_put(struct rowcache *c, uint64_t key, const char *p, size_t len)
{
	struct rowent *e;

	if (2 * (c->n + 1) > c->cap)
		rehash(c, c->n + 1, true);
	e = find(c, key);
	if (e->text == NULL)
		c->n++;
	free(e->text);
	*e = (struct rowent){ .key = key, .text = xmalloc(len + 1), .len = len,
	    .build = c->build };
	memcpy(e->text, p, len);
	e->text[len] = '\0';
}

void
rowcache_sweep(struct rowcache *c, size_t page_len)
{
	size_t live = 0;

	for (size_t i = 0; i < c->cap; i++)
		live += c->slot[i].text != NULL && c->slot[i].build == c->build;
	rehash(c, live, false);
	c->build++;
	c->page_len = page_len;
}

size_t
rowcache_rows(const struct rowcache *c)
{
	return c->n;
}

size_t
rowcache_hint(const struct rowcache *c)
{
	return c->page_len;
}
