/*
 * commands.c: one request line in, one reply out.  Split, parse with the
 * shared grammar, refuse changes from non-admins before anything runs, call
 * the handler, then send its JSON as is (--json) or rendered as text.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "store.h"
#include "table.h"
#include "util.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	cmd_handler	*run;
	cmd_render	*render;
} dispatch[] = {
	[CMD_STATUS] = { cmd_status, render_status },
	[CMD_OS_LIST] = { cmd_os_list, render_os_list },
	[CMD_CALENDAR] = { cmd_calendar, render_calendar },
	[CMD_MONTH] = { cmd_month, render_month },
	[CMD_NEXT] = { cmd_next, render_next },
	[CMD_RINGS] = { cmd_rings, render_rings },
	[CMD_RING_SHOW] = { cmd_ring_show, render_ring_show },
	[CMD_OVERRIDE_SET] = { cmd_override_set, render_override_change },
	[CMD_OVERRIDE_CLEAR] = { cmd_override_clear, render_override_change },
	[CMD_OVERRIDE_LIST] = { cmd_override_list, render_override_list },
	[CMD_RELOAD] = { cmd_reload, render_reload },
	[CMD_WINDOWS] = { cmd_windows, render_windows },
	[CMD_PLAN] = { cmd_plan, render_plan },
	[CMD_BLACKOUT_ADD] = { cmd_blackout_add, render_blackout_change },
	[CMD_BLACKOUT_REMOVE] = { cmd_blackout_remove, render_blackout_change },
	[CMD_BLACKOUT_LIST] = { cmd_blackout_list, render_blackout_list },
	[CMD_BLACKOUT_IMPORT] = { cmd_blackout_import, render_blackout_change },
	[CMD_FEED] = { cmd_feed, render_feed },
	[CMD_EXPORT] = { cmd_export, render_export },
	[CMD_BACKUP] = { cmd_backup, render_backup },
};
_Static_assert(ARRAY_LEN(dispatch) == CMD_COUNT, "every command needs a handler");

void
reply_error(struct reply *r, int code, const char *fmt, ...)
{
	va_list ap;

	r->code = code;
	free(r->msg);
	va_start(ap, fmt);
	r->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

time_t
request_now(const struct request *rq)
{
	return rq->has_at ? rq->at : time(NULL);
}

json_t *
json_instant(time_t t)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

const char *
json_text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

json_t *
json_str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* "uid 1000 (alice)", from the kernel's uid, never from the request. */
char *
peer_name(const struct peer *p)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(p->uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		return xasprintf("uid %ld (%s)", (long)p->uid, pw.pw_name);
	return xasprintf("uid %ld", (long)p->uid);
}

void
actor_init(struct actor *a, const struct request *rq, const struct peer *p,
    const char *line, char *who)
{
	a->uid = (long)p->uid;
	a->who = who;
	a->at = time(NULL);
	a->command = rq->cmd->words;
	a->args = line;
}

/*
 * Parse the line and run the command; the reply's code says how it went.
 * Returns the command run, or NULL if it never got that far.
 */
static const struct cmd *
run_line(struct daemon *d, const struct peer *p, const char *line, struct reply *r,
    bool *json, bool *color)
{
	char *buf = xstrdup(line), *words[PROTO_MAX_WORDS], *err = NULL;
	const struct cmd *cmd = NULL;
	const char *serr;
	struct request rq;
	int n;

	if ((n = proto_split(buf, words, PROTO_MAX_WORDS, &serr)) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s", serr);
	} else if (cmd_parse(n, words, &rq, &err) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s", err);
	} else if (rq.cmd == NULL || rq.help) {
		reply_error(r, PROTO_BAD_REQUEST, "no command given (help is printed by hotpatchctl)");
	} else if (rq.cmd->admin && !p->admin) {
		reply_error(r, PROTO_DENIED, "permission denied: '%s' changes data and needs "
		    "root, the daemon's user or the admin group (you are uid %ld)",
		    rq.cmd->words, (long)p->uid);
	} else {
		cmd = rq.cmd;
		*json = rq.json;
		*color = rq.color;
		r->code = PROTO_OK;
		dispatch[cmd->id].run(d, &rq, p, line, r);
	}
	free(err);
	free(buf);
	return cmd;
}

/* The body: the JSON as is, or rendered for people. */
static char *
body(const struct cmd *cmd, const struct reply *r, bool json, bool color)
{
	char *text;

	if (r->data == NULL)
		return xstrdup("");
	if (json || cmd == NULL) {
		char *s = json_dumps(r->data, JSON_INDENT(2));
		char *t = xasprintf("%s\n", s ? s : "null");
		free(s);
		return t;
	}
	table_color(color);
	text = dispatch[cmd->id].render(r->data);
	table_color(false);
	return text;
}

void
commands_execute(struct daemon *d, const struct peer *p, const char *line,
    char **out, size_t *outlen)
{
	struct reply r = { .code = PROTO_OK };
	const struct cmd *cmd;
	bool json = false, color = false;
	char *b;
	const char *msg;

	cmd = run_line(d, p, line, &r, &json, &color);
	d->requests++;
	b = body(cmd, &r, json, color);
	msg = r.msg != NULL ? r.msg : proto_strerror(r.code);
	/* The message is one line whatever a handler put in it. */
	*out = xasprintf("%d %zu %.*s\n%s", r.code, strlen(b), (int)strcspn(msg, "\r\n"), msg, b);
	*outlen = strlen(*out);
	free(b);
	free(r.msg);
	json_decref(r.data);
}
