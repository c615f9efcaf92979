/*
 * view_audit.c: what an audit row says a change was made to.  Pure: the
 * row's command and request line in, words out.
 */
#include "cmdtab.h"
#include "proto.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* Words that shape the answer a person read, not the change: left out of the object. */
static const struct {
	const char	*word;
	int		 values;	/* words after it that go with it */
} answer_words[] = {
	{ "--json", 0 },
	{ "--color", 0 },
	{ "--width", 1 },
};

/*
 * How many words from words[i] on only shape the answer: 0 for none, or
 * -2 for an option and its value, which is kept whatever it says.
 */
static int
shaping(char **words, int n, int i)
{
	const struct cmd_option *o = cmd_find_option(words[i], NULL);

	if ((o != NULL && o->arg != NULL) || strcmp(words[i], "--at") == 0)
		return i + 1 < n ? -2 : 0;
	for (size_t k = 0; k < ARRAY_LEN(answer_words); k++)
		if (strcmp(words[i], answer_words[k].word) == 0)
			return 1 + (i + answer_words[k].values < n ? answer_words[k].values : 0);
	return 0;
}

/* How many words from words[i] on name the command (0: they do not). */
static int
command_words(char **words, int n, int i, const char *command)
{
	int k = 0;

	for (const char *w = command; *w != '\0'; k++) {
		size_t len = strcspn(w, " ");

		if (i + k >= n || strlen(words[i + k]) != len || strncmp(words[i + k], w, len) != 0)
			return 0;
		w += len + (w[len] == ' ');
	}
	return k;
}

char *
view_audit_object(const char *command, const char *args)
{
	size_t clen = strlen(command);
	const char *rest = args;
	char *buf, *words[PROTO_MAX_WORDS], *out = NULL;
	const char *err;
	size_t len = 0;
	bool named = false;
	int n, drop = 0;

	/* The command comes first unless a global option was typed before it. */
	if (strncmp(args, command, clen) == 0 && (args[clen] == ' ' || args[clen] == '\0')) {
		rest = args + clen + strspn(args + clen, " ");
		named = true;
	}
	buf = xstrdup(rest);
	n = proto_split(buf, words, PROTO_MAX_WORDS, &err);
	for (int i = 0; i < n; i++) {
		int k = shaping(words, n, i);

		drop += k > 0 || (!named && command_words(words, n, i, command) > 0);
		i += k < 0 ? 1 : 0;
	}
	/* Nothing to leave out (or no request line, as an import's summary): as written. */
	if (n < 0 || drop == 0) {
		free(buf);
		return xstrdup(rest);
	}
	for (int i = 0; i < n; i++) {
		int k = shaping(words, n, i), c;

		if (!named && k == 0 && (c = command_words(words, n, i, command)) > 0) {
			named = true;
			i += c - 1;
			continue;
		}
		if (k > 0) {
			i += k - 1;
			continue;
		}
		proto_quote(&out, &len, words[i]);
		if (k < 0)
			proto_quote(&out, &len, words[++i]);
	}
	free(buf);
	return out != NULL ? out : xstrdup("");
}
