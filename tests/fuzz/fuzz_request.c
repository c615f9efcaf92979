/*
 * fuzz_request.c: one control-protocol request line through proto_split and
 * cmd_parse, as the daemon's run_line does; then the quoting round trip
 * (proto_quote of the words splits back into the same words) and the reply
 * status line parser on the same bytes.
 */
#include "fuzz_common.h"
#include "cmdtab.h"
#include "proto.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, *buf, *words[PROTO_MAX_WORDS], *again[PROTO_MAX_WORDS];
	char *err = NULL, *quoted = NULL;
	const char *serr, *msg;
	struct request rq;
	struct completion comp;
	size_t qlen = 0, blen;
	int n, m, code;

	if (size >= PROTO_MAX_REQUEST)
		return -1;
	/* One line: what the daemon reads up to the newline. */
	line = fuzz_cstr(data, size);
	line[strcspn(line, "\n")] = '\0';
	if (proto_parse_status(line, &code, &blen, &msg) == 0 &&
	    (code < 100 || code > 599 || msg < line || msg > line + strlen(line)))
		abort();
	buf = strdup(line);
	if (buf == NULL)
		abort();
	n = proto_split(buf, words, PROTO_MAX_WORDS, &serr);
	if (n < 0) {
		if (serr == NULL)
			abort();
		goto out;
	}
	for (int i = 0; i < n; i++)
		proto_quote(&quoted, &qlen, words[i]);
	if (n > 0) {
		if (strlen(quoted) != qlen)
			abort();
		m = proto_split(quoted, again, PROTO_MAX_WORDS, &serr);
		if (m != n)
			abort();
		for (int i = 0; i < n; i++)
			if (strcmp(words[i], again[i]) != 0)
				abort();
	}
	/* Completion reads the same words, the last one as the word being typed. */
	cmd_complete(n > 0 ? n - 1 : 0, words, n > 0 ? words[n - 1] : "", &comp);
	if (comp.nword > sizeof(comp.word) / sizeof(comp.word[0]))
		abort();
	memset(&rq, 0, sizeof(rq));
	if (cmd_parse(n, words, &rq, &err) < 0) {
		if (err == NULL)
			abort();
	} else if (rq.cmd != NULL) {
		char *u = cmd_usage(rq.cmd);

		if (rq.narg < 0 || rq.narg > CMD_MAX_ARGS || (size_t)(rq.cmd - cmd_table) >= CMD_COUNT)
			abort();
		free(u);
	}
out:
	free(err);
	free(quoted);
	free(buf);
	free(line);
	return 0;
}
