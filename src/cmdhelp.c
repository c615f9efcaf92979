/* cmdhelp.c: help and shell completion, from the tables of cmdtab.c. */
#include "cmdtab.h"
#include "model.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "  NAME ARG" padded, then its help, as one line appended to *s. */
static void
help_line(struct textbuf *s, const char *name, const char *arg, const char *help)
{
	char *left = xasprintf("%s%s%s", name, arg && *arg != '[' ? " " : "", arg ? arg : "");

	textbuf_printf(s, "  %-22s %s\n", left, help);
	free(left);
}

static void
global_help(struct textbuf *s)
{
	textbuf_printf(s, "\nglobal options:\n");
	for (size_t j = 0; j < cmd_nglobals; j++)
		help_line(s, cmd_globals[j].name, cmd_globals[j].arg, cmd_globals[j].help);
}

/* A command whose name is also a group's ("publish") names the group's other commands. */
static void
see_also(struct textbuf *s, const struct cmd *c)
{
	struct wordlist wl;

	if (strchr(c->words, ' ') != NULL)
		return;
	cmd_words_after(c->words, &wl);
	for (size_t k = 0; k < wl.n; k++)
		textbuf_printf(s, "%s hotpatchctl %s %s", k == 0 ? "see also:" : ",", c->words, wl.w[k]);
	if (wl.n > 0)
		textbuf_printf(s, "\n");
}

char *
cmd_usage(const struct cmd *c)
{
	struct textbuf s = textbuf_of(xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] %s%s%s\n%s\n",
	    c->words, *c->usage ? " " : "", c->usage, c->summary));
	const struct cmd_option *o;

	if (*c->args != '\0' || c->opts != 0)
		textbuf_printf(&s, "\n");
	for (const char *t = c->args; *t != '\0'; t++)
		for (size_t j = 0; j < cmd_nargtypes; j++)
			if (cmd_argtypes[j].type == *t)
				help_line(&s, cmd_argtypes[j].name, NULL, cmd_argtypes[j].help);
	for (size_t j = 0; j < cmd_noptions; j++)
		if ((c->opts & cmd_options[j].bit) && (o = cmd_find_option(cmd_options[j].name, c)) == &cmd_options[j])
			help_line(&s, o->name, o->arg, o->help);
	textbuf_printf(&s, "\nglobal options:");
	for (size_t j = 0; j < cmd_nglobals; j++)
		textbuf_printf(&s, " %s%s%s%s", cmd_globals[j].name, cmd_globals[j].arg && *cmd_globals[j].arg != '[' ?
		    " " : "", cmd_globals[j].arg ? cmd_globals[j].arg : "", j + 1 < cmd_nglobals ? "," : "");
	textbuf_printf(&s, " (hotpatchctl help)\n");
	see_also(&s, c);
	return s.s;
}

/* Every command (or those of group) with its usage and summary. */
static char *
command_list(const char *group)
{
	struct textbuf s = { 0 };

	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd *c = &cmd_table[i];
		char *name = xasprintf("%s%s%s", c->words, *c->usage ? " " : "", c->usage);
		size_t len = group ? strlen(group) : 0;

		if (group != NULL && (strncmp(c->words, group, len) != 0 || c->words[len] != ' ')) {
			free(name);
			continue;
		}
		/* A long usage gets a line of its own. */
		if (strlen(name) > 46)
			textbuf_printf(&s, "  %s\n  %-46s %s\n", name, "", c->summary);
		else
			textbuf_printf(&s, "  %-46s %s\n", name, c->summary);
		free(name);
	}
	return s.s;
}

char *
cmd_group_help(const char *group)
{
	char *list = command_list(group);
	char *s = xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] %s SUBCOMMAND ...\n\n%s\n"
	    "'hotpatchctl help %s SUBCOMMAND' describes one.\n", group, list ? list : "", group);

	free(list);
	return s;
}

char *
cmd_help(void)
{
	char *list = command_list(NULL);
	struct textbuf s = textbuf_of(xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] COMMAND "
	    "[ARGS]\n\ncommands:\n%s", list));

	free(list);
	global_help(&s);
	textbuf_printf(&s, "\n'hotpatchctl help COMMAND' (or 'hotpatchctl COMMAND --help') describes "
	    "one command.\n");
	return s.s;
}

static void
add_candidate(struct completion *out, const char *w)
{
	if (out->nword < ARRAY_LEN(out->word))
		out->word[out->nword++] = w;
}

/*
 * The options of c (NULL: none) not given yet; with global, the global ones
 * too (but --version only before a command).
 */
static void
add_options(struct completion *out, const struct cmd *c, cmd_opts seen, bool global)
{
	static const char *const color[] = { "--color=auto", "--color=always", "--color=never" };

	for (size_t j = 0; c != NULL && j < cmd_noptions; j++)
		if ((c->opts & cmd_options[j].bit) &&
		    (!(seen & cmd_options[j].bit) || (cmd_options[j].bit & COPT_REPEATED)) &&
		    cmd_find_option(cmd_options[j].name, c) == &cmd_options[j])
			add_candidate(out, cmd_options[j].name);
	for (size_t j = 0; global && j < cmd_nglobals; j++) {
		if (strcmp(cmd_globals[j].name, "--color") == 0) {
			for (size_t k = 0; k < ARRAY_LEN(color); k++)
				add_candidate(out, color[k]);
		} else if (c == NULL || strcmp(cmd_globals[j].name, "--version") != 0) {
			add_candidate(out, cmd_globals[j].name);
		}
	}
}

/* Is word a global option followed by its value (--at DATE, --width N)? */
static bool
global_with_value(const char *word)
{
	for (size_t j = 0; j < cmd_nglobals; j++)
		if (strcmp(cmd_globals[j].name, word) == 0)
			return cmd_globals[j].arg != NULL && cmd_globals[j].arg[0] != '[';
	return false;
}

/* A value of type the caller looks up (ids, files, directories), or 0 for none. */
static char
looked_up(char type)
{
	return type != 0 && strchr((char[]){ CARG_OS, CARG_RING, CARG_ID, CARG_FILE, CARG_OUT,
	    CARG_DIR, CARG_CVRF, CARG_INVENTORY, CARG_RINGFILES, 0 }, type) != NULL ? type : 0;
}

/* After the command c in argv[i..]: its next argument, an option's value, or its options. */
static void
complete_command(const struct cmd *c, int argc, char **argv, int i, const char *cur,
    struct completion *out)
{
	const struct cmd_option *o;
	cmd_opts seen = 0;
	size_t narg = 0;

	for (; i < argc; i++) {
		if ((o = cmd_find_option(argv[i], c)) != NULL && (c->opts & o->bit)) {
			seen |= o->bit;
			if (o->type == CARG_NONE)
				continue;
			if (i + 1 == argc) {
				out->value = looked_up(o->type);
				return;
			}
			i++;
		} else if (global_with_value(argv[i])) {
			if (i + 1 == argc)
				return;
			i++;
		} else if (argv[i][0] != '-') {
			narg++;
		}
	}
	if (*cur != '-' && narg < strlen(c->args)) {
		if (c->args[narg] != CARG_KIND) {
			out->value = looked_up(c->args[narg]);
			return;
		}
		for (int k = 0; k < KIND_COUNT; k++)
			add_candidate(out, kind_name((enum kind)k));
		return;
	}
	add_options(out, c, seen, *cur == '-');
}

void
cmd_complete(int argc, char **argv, const char *cur, struct completion *out)
{
	static struct wordlist wl;	/* what out->word points to */
	const struct cmd *c;
	bool help = false;
	int i = 0, used;

	memset(out, 0, sizeof(*out));
	/* Global options (and "help") before the command. */
	for (; i < argc; i++) {
		if (global_with_value(argv[i])) {
			if (++i == argc)
				return;	/* a date or a number: nothing to offer */
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (help || strcmp(argv[i], "help") != 0)
			break;
		help = true;
	}
	if (i == argc) {
		cmd_words_after(NULL, &wl);
		for (size_t k = 0; k < wl.n; k++)
			if (!help || strcmp(wl.w[k], "help") != 0)
				add_candidate(out, wl.w[k]);
		if (*cur == '-')
			add_options(out, NULL, 0, true);
		return;
	}
	if ((c = cmd_find(argc - i, argv + i, &used)) == NULL) {
		/* After a group's first word: its subcommands. */
		if (i + 1 == argc)
			cmd_words_after(argv[i], &wl);
		for (size_t k = 0; i + 1 == argc && k < wl.n; k++)
			add_candidate(out, wl.w[k]);
		return;
	}
	/* Right after a command that also names a group ("publish"): its subcommands too. */
	if (i + used == argc && strchr(c->words, ' ') == NULL && *cur != '-') {
		cmd_words_after(c->words, &wl);
		for (size_t k = 0; k < wl.n; k++)
			add_candidate(out, wl.w[k]);
	}
	if (!help)
		complete_command(c, argc, argv, i + used, cur, out);
}
