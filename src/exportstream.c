/*
 * exportstream.c: the export stream's index and the files after it, read
 * without trusting a size: each is checked against what is left before
 * any pointer is made from it.
 */
#include "exportstream.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A size from the index: a non-negative integer, or -1 when missing or anything else. */
static int64_t
size_of(const json_t *f, const char *key)
{
	const json_t *v = json_object_get(f, key);

	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* Take want bytes at *at of the body's end; false if fewer are left. */
static bool
take(const char **at, const char *end, int64_t want, const char **out)
{
	if (want < 0 || (uint64_t)want > (uint64_t)(end - *at))
		return false;
	*out = *at;
	*at += want;
	return true;
}

/*
 * "same" (or "gzip_same") in f: 1 if true, 0 if absent or false, -1 if
 * not a boolean.
 */
static int
same_of(const json_t *f, const char *key)
{
	const json_t *v = json_object_get(f, key);

	return v == NULL || json_is_false(v) ? 0 : json_is_true(v) ? 1 : -1;
}

/* The entry f of the index as a file, its bytes taken from *at; NULL if it is malformed. */
static const char *
read_file(const json_t *f, const char **at, const char *end, struct xfile *x)
{
	int64_t len = size_of(f, "bytes"), gzlen = size_of(f, "gzip");
	int same = same_of(f, "same"), gz_same = same_of(f, "gzip_same");

	x->name = json_string_value(json_object_get(f, "file"));
	x->etag = json_string_value(json_object_get(f, "etag"));
	if (x->name == NULL || x->etag == NULL)
		return "a file without its name or ETag";
	if (same < 0 || gz_same < 0)
		return "a file's same or gzip_same is not a boolean";
	if ((same && json_object_get(f, "bytes") != NULL) ||
	    (gz_same && json_object_get(f, "gzip") != NULL))
		return "a file marked same has a size: same files come without bytes";
	x->same = same;
	x->gz_same = gz_same;
	if (!same && !take(at, end, len, &x->data))
		return "a file's size is missing or past the end of the reply";
	x->len = same ? 0 : (size_t)len;
	if (json_object_get(f, "gzip") == NULL)
		return NULL;
	if (!take(at, end, gzlen, &x->gz))
		return "a file's gzip size is malformed or past the end of the reply";
	x->gzlen = (size_t)gzlen;
	return NULL;
}

int
export_stream_read(const char *body, size_t len, json_t **index, struct xfile **files,
    size_t *n, char **why)
{
	const char *at, *end = body + len, *bad = NULL;
	json_error_t jerr;
	json_t *j, *v;
	size_t i;

	*files = NULL;
	*n = 0;
	/* The index is one JSON object; the raw bytes start after its newline. */
	if ((j = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, &jerr)) == NULL) {
		*why = xasprintf("the index is not JSON: %s", jerr.text);
		return -1;
	}
	at = body + jerr.position;
	v = json_object_get(j, "files");
	if (at == end || *at != '\n')
		bad = "no newline after the index";
	else if (!json_is_array(v))
		bad = "the index has no list of files";
	else
		at++;
	*files = xcalloc(json_array_size(v) + 1, sizeof(**files));
	for (i = 0; bad == NULL && i < json_array_size(v); i++)
		bad = read_file(json_array_get(v, i), &at, end, &(*files)[i]);
	if (bad == NULL && at != end)
		bad = "bytes left after the last file";
	if (bad != NULL) {
		*why = xstrdup(bad);
		free(*files);
		*files = NULL;
		json_decref(j);
		return -1;
	}
	*n = i;
	*index = j;
	return 0;
}
