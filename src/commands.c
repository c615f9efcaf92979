/*
 * commands.c: one request line in, one reply out.  Split, parse with the
 * shared grammar, refuse changes from non-admins before anything runs, call
 * the handler, then send its JSON as is (--json) or rendered as text.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "render.h"
#include "stale.h"
#include "store.h"
#include "table.h"
#include "util.h"
#include "whatif.h"

#include <errno.h>
#include <malloc.h>
#include <pwd.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TRIM_AFTER_BYTES	(1u << 20)

/* Handler and renderer by command; whether a reply is kept is in cmd_table. */
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
	[CMD_PLAN] = { cmd_plan_whatif, render_plan_whatif },
	[CMD_BLACKOUT_ADD] = { cmd_blackout_add, render_blackout_change },
	[CMD_BLACKOUT_REMOVE] = { cmd_blackout_remove, render_blackout_change },
	[CMD_BLACKOUT_LIST] = { cmd_blackout_list, render_blackout_list },
	[CMD_BLACKOUT_IMPORT] = { cmd_blackout_import, render_blackout_change },
	[CMD_FEED] = { cmd_feed, render_feed },
	[CMD_EXPORT] = { cmd_export, render_export },
	[CMD_BACKUP] = { cmd_backup, render_backup },
	[CMD_PUBLISH] = { cmd_publish, render_publish_change },
	[CMD_PUBLISH_CLEAR] = { cmd_publish_clear, render_publish_change },
	[CMD_PUBLISH_LIST] = { cmd_publish_list, render_publish_list },
	[CMD_IMPORT_CVRF] = { cmd_import_cvrf, render_import_cvrf },
	[CMD_DEVICES_IMPORT] = { cmd_devices_import, render_devices_import },
	[CMD_DEVICES] = { cmd_devices, render_devices },
	[CMD_DEVICE_SHOW] = { cmd_device_show, render_device_show },
	[CMD_FLEET] = { cmd_fleet, render_fleet },
	[CMD_AUDIT] = { cmd_audit, render_audit },
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

void
reply_raw(struct reply *r, const char *p, size_t len, void *hold, void (*release)(void *))
{
	grow(&r->raw, r->nraw, &r->rawcap, sizeof(*r->raw));
	r->raw[r->nraw++] = (struct raw_piece){ p, len, hold, release };
}

/* Let go of r's raw pieces unsent (a failed reply sends none). */
static void
raw_drop(struct reply *r)
{
	for (size_t i = 0; i < r->nraw; i++)
		r->raw[i].release(r->raw[i].hold);
	free(r->raw);
	r->raw = NULL;
	r->nraw = r->rawcap = 0;
}

int
import_arg(const char *arg, char **name, char **text)
{
	const char *colon = strrchr(arg, ':'), *b64 = colon != NULL ? colon + 1 : arg;
	size_t cap = strlen(b64) / 4 * 3 + 3;
	int n;

	*name = colon != NULL && colon > arg ? xasprintf("%.*s", (int)(colon - arg), arg) : NULL;
	*text = xmalloc(cap + 1);
	if ((n = b64_pton(b64, (unsigned char *)*text, cap)) < 0) {
		free(*name);
		free(*text);
		*name = *text = NULL;
		return -1;
	}
	(*text)[n] = '\0';
	return n;
}

char *
read_passed(const struct request *rq, const char *name, size_t max, size_t *len,
    struct reply *r)
{
	struct stat st;
	char *buf;
	size_t off = 0;

	if (rq->fd < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s reads the file hotpatchctl passes with the "
		    "request, and none came", rq->cmd->words);
		return NULL;
	}
	if (fstat(rq->fd, &st) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s: %s", name, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		reply_error(r, PROTO_BAD_REQUEST, "%s is not a regular file; nothing imported",
		    name);
		return NULL;
	}
	if (st.st_size > (off_t)max) {
		reply_error(r, PROTO_TOO_LARGE, "%s is larger than %zu bytes; nothing imported",
		    name, max);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = pread(rq->fd, buf + off, (size_t)st.st_size - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			reply_error(r, PROTO_BAD_REQUEST, "%s: %s", name, strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;		/* it shrank: what is there */
		off += (size_t)n;
	}
	buf[off] = '\0';
	*len = off;
	return buf;
}

time_t
request_now(const struct request *rq)
{
	return rq->has_at ? rq->at : rq->now != 0 ? rq->now : time(NULL);
}

bool
lookup_os(struct daemon *d, const char *id, const struct os_def **os, struct reply *r)
{
	*os = id != NULL ? caldata_find_os(&d->cal, id) : NULL;
	if (id == NULL || *os != NULL)
		return true;
	reply_error(r, PROTO_NOT_FOUND, "unknown OS '%s' (see hotpatchctl os list)", id);
	return false;
}

bool
lookup_ring(struct daemon *d, const char *id, const struct ring **g, struct reply *r)
{
	*g = id != NULL ? ringset_find(&d->rings, id) : NULL;
	if (id == NULL || *g != NULL)
		return true;
	reply_error(r, PROTO_NOT_FOUND, "unknown ring '%s' (see hotpatchctl rings)", id);
	return false;
}

bool
need_devices(struct daemon *d, struct reply *r)
{
	char *cause = NULL;

	if (daemon_devices(d, &cause) == 0)
		return true;
	reply_error(r, PROTO_INTERNAL, "%s", cause);
	free(cause);
	return false;
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
 * Parse the line into rq, arrived at now, and check that the peer may run
 * it; false with the reply's error if not.  rq points into buf.
 */
static bool
admit(const struct peer *p, char *buf, time_t now, struct request *rq, struct reply *r)
{
	char *words[PROTO_MAX_WORDS], *err = NULL;
	const char *serr;
	int n;

	if ((n = proto_split(buf, words, PROTO_MAX_WORDS, &serr)) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s", serr);
	} else if (cmd_parse(n, words, rq, &err) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "%s", err);
	} else if (rq->cmd == NULL || rq->help) {
		reply_error(r, PROTO_BAD_REQUEST, "no command given (help is printed by hotpatchctl)");
	} else if (rq->cmd->admin && !p->admin) {
		reply_error(r, PROTO_DENIED, "permission denied: '%s' %s and needs root, the "
		    "daemon's user or the admin group (you are uid %ld)", rq->cmd->words,
		    rq->cmd->id == CMD_AUDIT ? "reads the audit trail" : "changes data",
		    (long)p->uid);
	} else {
		rq->now = now;
		return true;
	}
	free(err);
	return false;
}

/* The body: the JSON as is, or rendered for people (fitted to --width, if given). */
static char *
body(const struct cmd *cmd, const struct reply *r, const struct request *rq)
{
	struct layout lo = { .color = rq != NULL && rq->color, .width = rq != NULL ? rq->width : 0 };
	bool json = rq != NULL && rq->json;

	if (r->data == NULL)
		return xstrdup("");
	if (json || cmd == NULL) {
		char *s = json_dumps(r->data, JSON_INDENT(2));
		char *t = xasprintf("%s\n", s ? s : "null");
		free(s);
		return t;
	}
	return layout_finish(dispatch[cmd->id].render(r->data, &lo), &lo);
}

/*
 * Kept replies, by request line.  Planners and scripts ask the same
 * questions over and over; a kept reply costs a lookup and a copy instead
 * of building and rendering JSON.  Bounded: when full it starts over.
 * A reply is kept for the data generation and stale_epoch it was made in,
 * and a KEEP_SECOND one also for its second only.
 */
#define KEPT_MAX	1024
#define KEPT_BYTES	(64u << 20)	/* a plan of 10,000 rings is a few MB */

struct kept {
	char		*line;
	char		*out;
	size_t		 len;
	unsigned	 generation;
	int		 epoch;		/* stale_epoch when it was made */
	time_t		 second;	/* KEEP_SECOND: the instant it was made for; else 0 */
};

struct replies_kept {
	struct kept	 v[KEPT_MAX];
	size_t		 n;
	size_t		 bytes;
	struct strindex	 by_line;
};

/*
 * The instant a kept reply to rq is made for: the second of now for a reply
 * that shows the current instant (KEEP_SECOND without --at), else 0.
 */
static time_t
kept_second(const struct request *rq)
{
	return rq->cmd->keep == KEEP_SECOND && !rq->has_at ? rq->now : 0;
}

static const struct kept *
kept_get(const struct daemon *d, const char *line, int epoch, time_t second)
{
	const struct replies_kept *k = d->kept;
	size_t i;

	if (k == NULL || !strindex_get(&k->by_line, line, &i))
		return NULL;
	return k->v[i].generation == d->generation && k->v[i].epoch == epoch &&
	    k->v[i].second == second ? &k->v[i] : NULL;
}

static void
kept_put(struct daemon *d, const char *line, int epoch, time_t second, const char *out,
    size_t len)
{
	struct replies_kept *k = d->kept;
	struct kept *e;
	size_t i;

	if (len > KEPT_BYTES / 4)
		return;
	if (k != NULL && (k->bytes + len > KEPT_BYTES ||
	    (k->n == KEPT_MAX && !strindex_get(&k->by_line, line, &i))))
		commands_forget(d);	/* full: start over */
	if ((k = d->kept) == NULL)
		k = d->kept = xcalloc(1, sizeof(*k));
	if (!strindex_get(&k->by_line, line, &i)) {
		i = k->n++;
		k->v[i].line = xstrdup(line);
		strindex_put(&k->by_line, k->v[i].line, i);
	}
	e = &k->v[i];
	k->bytes += len - e->len;
	free(e->out);
	e->out = xmalloc(len + 1);
	memcpy(e->out, out, len + 1);
	e->len = len;
	e->generation = d->generation;
	e->epoch = epoch;
	e->second = second;
}

void
commands_forget(struct daemon *d)
{
	struct replies_kept *k = d->kept;

	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].line);
		free(k->v[i].out);
	}
	strindex_free(&k->by_line);
	free(k);
	d->kept = NULL;
}

/*
 * The status line and body of reply r to rq (NULL: a request refused before
 * it ran); the length the status line gives counts the raw pieces after it.
 */
static char *
reply_text(const struct request *rq, const struct reply *r, size_t *outlen)
{
	const struct cmd *cmd = rq != NULL ? rq->cmd : NULL;
	char *b = body(cmd, r, rq), *out;
	const char *msg = r->msg != NULL ? r->msg : proto_strerror(r->code);
	size_t len = strlen(b);

	for (size_t i = 0; i < r->nraw; i++)
		len += r->raw[i].len;
	/* The message is one line whatever a handler put in it. */
	out = xasprintf("%d %zu %.*s\n%s", r->code, len, (int)strcspn(msg, "\r\n"), msg, b);
	*outlen = strlen(out);
	free(b);
	return out;
}

void
commands_execute(struct daemon *d, const struct peer *p, const char *line, int fd,
    struct reply_out *o)
{
	char **out = &o->text;
	size_t *outlen = &o->len;
	struct reply r = { .code = PROTO_OK };
	struct request rq;
	/* One instant for the whole request: the handler's now and the kept reply's key agree. */
	time_t now = time(NULL);
	int epoch = stale_epoch(now);	/* each month, and again at its release */
	const struct kept *k;
	char *buf = xstrdup(line);

	d->requests++;
	if (!admit(p, buf, now, &rq, &r)) {
		*out = reply_text(NULL, &r, outlen);
	} else if (fd >= 0 && cmd_arg_pos(rq.cmd, CARG_INVENTORY) < 0 &&
	    cmd_arg_pos(rq.cmd, CARG_FILE) < 0 && !(rq.cmd->id == CMD_EXPORT && rq.stream)) {
		/*
		 * Only a command that reads a file takes one (export --stream: the
		 * held list); the caller closes it unread.
		 */
		reply_error(&r, PROTO_BAD_REQUEST, "'%s' takes no file descriptor", rq.cmd->words);
		*out = reply_text(NULL, &r, outlen);
	} else if (rq.cmd->keep != KEEP_NO && !rq.unkept &&
	    (k = kept_get(d, line, epoch, kept_second(&rq))) != NULL) {
		*out = xmalloc(k->len + 1);
		memcpy(*out, k->out, k->len + 1);
		*outlen = k->len;
	} else {
		rq.fd = fd;
		dispatch[rq.cmd->id].run(d, &rq, p, line, &r);
		if (r.code != PROTO_OK)
			raw_drop(&r);
		*out = reply_text(&rq, &r, outlen);
		if (rq.cmd->keep != KEEP_NO && !rq.unkept && r.code == PROTO_OK && r.nraw == 0)
			kept_put(d, line, epoch, kept_second(&rq), *out, *outlen);
	}
	o->raw = r.raw;
	o->nraw = r.nraw;
	free(buf);
	free(r.msg);
	json_decref(r.data);
	/*
	 * A big answer's JSON was thousands of small blocks, freed now; glibc
	 * keeps them in the heap unless asked, so one listing would hold the
	 * daemon's RSS at its peak for good.
	 */
	if (*outlen >= TRIM_AFTER_BYTES)
		malloc_trim(0);
}
