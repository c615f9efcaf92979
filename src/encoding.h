/*
 * encoding.h: content codings for the site's documents: what a request's
 * Accept-Encoding allows, which documents are worth compressing, the gzip
 * bytes themselves and the entity-tag of a compressed body.  No sockets,
 * no libmicrohttpd: the daemon, hotpatchctl export and the tests share it.
 */
#ifndef HP_ENCODING_H
#define HP_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What Accept-Encoding headers say, read in order (RFC 9110 12.5.3):
 * each coding's q-value in thousandths, or -1 where the headers never
 * name it.  Only the first mention of a coding counts.
 */
struct accept_coding {
	int	gzip;		/* "gzip" or "x-gzip" */
	int	identity;
	int	star;		/* "*": every coding not named */
};

void accept_coding_init(struct accept_coding *a);

/* Add one Accept-Encoding header's value; malformed members are ignored. */
void accept_coding_add(struct accept_coding *a, const char *value);

/*
 * Send gzip?  Only if gzip (by name, else by "*") has a q-value above 0
 * and identity is not named, by itself or by "*", with a higher one.
 * Without any Accept-Encoding header: no.
 */
bool accept_coding_gzip(const struct accept_coding *a);

/* accept_coding_gzip for the one header value (NULL: none sent). */
bool accepts_gzip(const char *value);

/* Smaller bodies are sent as they are: a gzip header and trailer cost 18 bytes. */
#define GZIP_MIN_BYTES	256

/* Is a body of this Content-Type and length worth compressing? */
bool gzip_worth(const char *type, size_t len);

/*
 * data in the gzip format (RFC 1952), allocated, its length in *outlen;
 * the same bytes for the same data (no time or name in the header).
 * NULL if the compressor cannot be made (out of memory).
 */
char *gzip_bytes(const void *data, size_t len, size_t *outlen);

/*
 * Free the calling thread's compressor (each thread makes its own on its
 * first gzip_bytes): for a thread that ends.  gzip_bytes makes it again.
 */
void gzip_thread_end(void);

/* The strong ETag of the gzip body of a page whose ETag is etag: "\"X\"" -> "\"X-gzip\"". */
#define GZIP_ETAG_MAX	48
void gzip_etag(const char *etag, char out[GZIP_ETAG_MAX]);

#endif
