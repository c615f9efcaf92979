/*
 * fuzz_path.c: the request path, from the raw target to the router.  The
 * input is a request target as a client sends it.  http_path_ok() decides
 * on the raw target whether the request is refused (400); the oracle is
 * libmicrohttpd's own decoder, which hands on_request the path:
 *
 *  - http_path_ok() is true exactly when MHD's decoded path (query cut,
 *    MHD_http_unescape) holds no control character, so no encoded NUL can
 *    cut the path short and no CR or LF reaches the log;
 *  - an accepted path, decoded, is as long as MHD says (no NUL inside), and
 *    the router (site_get) either finds nothing or the page of exactly that
 *    path.
 *
 * The daemon and its store are fuzz_daemon.h's.
 */
#include "fuzz_daemon.h"
#include "http.h"
#include "site.h"

#include <microhttpd.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon *dm = fuzz_daemon("fuzz_path");
	const struct page *pg;
	char *target, *path, *cause = NULL;
	bool ok, ctl = false;
	size_t n;

	if (size > 32 * 1024)	/* HTTP_CONN_MEMORY: MHD refuses more */
		return -1;
	/* A target never holds a raw NUL: MHD's request line ends there. */
	if (memchr(data, '\0', size) != NULL)
		return -1;
	target = fuzz_cstr(data, size);
	ok = http_path_ok(target);
	/* What MHD passes on_request as url: no query string, percent-decoded. */
	path = strdup(target);
	path[strcspn(path, "?")] = '\0';
	n = MHD_http_unescape(path);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
			ctl = true;
	if (ok == ctl) {
		fprintf(stderr, "http_path_ok(\"%s\") is %d, but MHD decodes it %s control "
		    "characters\n", target, ok, ctl ? "with" : "without");
		abort();
	}
	if (!ok)
		goto out;
	if (strlen(path) != n)
		abort();
	if ((pg = site_get(dm, path, &cause)) == NULL) {
		if (cause != NULL) {
			fprintf(stderr, "site_get(%s): %s\n", path, cause);
			abort();
		}
		goto out;
	}
	if (pg->path == NULL || strcmp(pg->path, path) != 0 || pg->body == NULL ||
	    strlen(pg->body) != pg->len)
		abort();
out:
	free(path);
	free(target);
	return 0;
}
