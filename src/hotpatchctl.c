/*
 * hotpatchctl: the client.  Checks the command with the shared grammar,
 * connects to the control socket, sends one request, prints the answer.
 * Exit: 0 ok, 1 the daemon answered with an error, 2 usage, 3 no daemon.
 * "hotpatchctl --complete WORD..." serves the shell completion scripts.
 */
#include "cmdtab.h"
#include "ctl.h"
#include "cvrf.h"
#include "proto.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SOCKET	"var/hotpatchd.sock"
#define INSTALLED_SOCKET	"/run/hotpatchd/hotpatchd.sock"

enum color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* How long completion waits for the daemon before it offers nothing. */
#define COMPLETE_TIMEOUT	3

/*
 * blackout import sends the file base64-encoded in the request line, which
 * holds PROTO_MAX_REQUEST bytes: 4/3 of the file, plus up to 1 KiB for the
 * command, the file's name and the options.
 */
#define FILE_MAX	((PROTO_MAX_REQUEST - 1024) / 4 * 3)
#define FILE_NAME_MAX	255

int
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("hotpatchctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* The socket: --socket, $HOTPATCHD_SOCKET, the source tree's, or the installed one. */
static const char *
socket_path(const char *given)
{
	const char *env = getenv("HOTPATCHD_SOCKET");

	if (given != NULL)
		return given;
	if (env != NULL && *env != '\0')
		return env;
	return access(DEFAULT_SOCKET, F_OK) == 0 ? DEFAULT_SOCKET : INSTALLED_SOCKET;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(EXIT_USAGE, "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(EXIT_NODAEMON, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(EXIT_NODAEMON, "cannot reach hotpatchd at %s: %s", path, strerror(errno));
	return fd;
}

/* Read one line (without the newline) from f; exits if the daemon hung up. */
static char *
read_line(FILE *f, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);

	if (n <= 0 || line[n - 1] != '\n')
		die(EXIT_NODAEMON, "hotpatchd at %s closed the connection", path);
	line[n - 1] = '\0';
	return line;
}

/* A status line where the greeting should be (e.g. 503 too many connections). */
static void
refused_at_greeting(const char *line, const char *path)
{
	const char *msg;
	size_t len;
	int code;

	if (proto_parse_status(line, &code, &len, &msg) < 0)
		die(EXIT_NODAEMON, "%s does not speak the hotpatchd protocol", path);
	die(proto_exit_status(code), "%s", msg);
}

/*
 * Send the request line.  MSG_NOSIGNAL: a daemon gone away is an error
 * (exit 3), not a SIGPIPE that kills us with status 141.
 */
static void
send_request(int fd, const char *path, const char *request, int pass)
{
	char *line = xasprintf("%s\n", request);
	size_t len = strlen(line), off = 0;
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;

	while (off < len) {
		struct iovec iov = { line + off, len - off };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t w;

		/* The descriptor goes with the first bytes of the line, once. */
		if (pass >= 0 && off == 0) {
			struct cmsghdr *c;

			memset(&cm, 0, sizeof(cm));	/* the padding is sent too */
			m.msg_control = cm.buf;
			m.msg_controllen = sizeof(cm.buf);
			c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &pass, sizeof(int));
		}
		w = sendmsg(fd, &m, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			die(EXIT_NODAEMON, "hotpatchd at %s closed the connection before "
			    "taking the request", path);
		if (w < 0)
			die(EXIT_NODAEMON, "cannot send to %s: %s", path, strerror(errno));
		off += (size_t)w;
	}
	free(line);
}

/*
 * The buffer for a reply body of len bytes and its NUL.  An export's is
 * hundreds of MB written once: on 4 KiB pages the kernel takes a fault
 * per page as it copies the reply in (70,000 for 277 MB, a sixth of
 * hotpatchctl's time), so on huge pages where it can (malloc_huge).
 */
static char *
body_alloc(size_t len)
{
	char *p = malloc_huge(len + 1);

	if (p == NULL)
		die(EXIT_ERROR, "cannot hold a reply of %zu bytes", len);
	return p;
}

/* Send the request and read the reply. */
static void
exchange(int fd, const char *path, const char *request, int pass, struct answer *a)
{
	FILE *f = fdopen(fd, "r+");
	char *hello;
	int version;

	if (f == NULL)
		die(EXIT_ERROR, "fdopen: %s", strerror(errno));
	hello = read_line(f, path);
	if (sscanf(hello, "hotpatchd %d", &version) != 1)
		refused_at_greeting(hello, path);
	if (version != PROTO_VERSION)
		die(EXIT_ERROR, "hotpatchd speaks protocol %d, this hotpatchctl speaks %d",
		    version, PROTO_VERSION);
	send_request(fd, path, request, pass);
	a->status = read_line(f, path);
	if (proto_parse_status(a->status, &a->code, &a->len, &a->msg) < 0)
		die(EXIT_ERROR, "malformed reply from hotpatchd: %s", a->status);
	a->body = body_alloc(a->len);
	if (fread(a->body, 1, a->len, f) != a->len)
		die(EXIT_NODAEMON, "hotpatchd at %s closed the connection mid-reply", path);
	a->body[a->len] = '\0';
	free(hello);
	fclose(f);
}

int
print_answer(const struct answer *a, bool json)
{
	/* JSON is for programs: it goes to stdout even with an error code. */
	fwrite(a->body, 1, a->len, a->code == PROTO_OK || json ? stdout : stderr);
	if (a->code != PROTO_OK)
		fprintf(stderr, "hotpatchctl: %s\n", a->msg);
	return proto_exit_status(a->code);
}

/* "NAME:BASE64" of the n bytes at buf (freed here), named after path. */
static char *
encode_word(const char *path, unsigned char *buf, size_t n)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t blen = strlen(base), cap;
	char *b64, *word;

	cap = (n + 2) / 3 * 4 + 1;
	b64 = xmalloc(cap);
	if (b64_ntop(buf, n, b64, cap) < 0)
		die(EXIT_ERROR, "%s: cannot encode it", path);
	if (blen > 0 && blen <= FILE_NAME_MAX && utf8_valid(base, blen) && !proto_has_control(base))
		word = xasprintf("%s:%s", base, b64);
	else
		word = xstrdup(b64);
	free(b64);
	free(buf);
	return word;
}

/*
 * The bytes of path, at most max of them (else it dies); *n is how many.
 * The buffer is freed before each die: exit must leave nothing allocated
 * unreachable, or a leak checker turns the usage error into another status.
 */
static unsigned char *
read_input(const char *path, size_t max, size_t *n)
{
	unsigned char *buf;
	const char *why = NULL;
	ssize_t got;
	int fd, err = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	buf = xmalloc(max + 1);
	*n = 0;
	while (*n <= max && (got = read(fd, buf + *n, max + 1 - *n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = errno;
			break;
		}
		*n += (size_t)got;
	}
	close(fd);
	if (err != 0 || *n > max || *n == 0) {
		free(buf);
		why = err != 0 ? strerror(err) : *n == 0 ? "is empty" : NULL;
		if (why == NULL)
			die(EXIT_USAGE, "%s is larger than %zu bytes%s", path, max,
			    max == FILE_MAX ? "; split it" : "");
		die(EXIT_USAGE, err != 0 ? "%s: %s" : "%s %s", path, why);
	}
	return buf;
}

/*
 * The word that replaces an MSRC CVRF document: what cvrf_reduce keeps of
 * it (MBs down to KBs), checked here so a bad file never reaches the daemon.
 */
static char *
cvrf_word(const char *path, time_t now)
{
	size_t n, slen;
	unsigned char *buf = read_input(path, CVRF_MAX_BYTES, &n);
	char *small, *err;

	if (cvrf_reduce((const char *)buf, n, now, &small, &slen, &err) < 0) {
		free(buf);
		die(EXIT_USAGE, "%s: %s; nothing imported", path, err);
	}
	free(buf);
	if (slen > FILE_MAX) {
		free(small);
		die(EXIT_USAGE, "%s: its Security Update and Security Hotpatch Update "
		    "remediations of Windows products take %zu bytes, more than the %d a request "
		    "holds", path, slen, FILE_MAX);
	}
	return encode_word(path, (unsigned char *)small, slen);
}


/*
 * An inventory or a FILE.ics is opened here, with the user's own
 * permissions, and passed to the daemon as a descriptor (it may be far
 * larger than a request line); the word sent in its place is its base name,
 * or unnamed when that cannot be sent.  What it is (a regular file, and
 * how large) the daemon checks, unread otherwise: one place decides.
 * O_NONBLOCK: opening a FIFO must not wait for a writer.
 */
static char *
passed_word(char *path, const char *unnamed, int *fd)
{
	char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	if (*base == '\0' || strlen(base) > FILE_NAME_MAX || !utf8_valid(base, strlen(base)) ||
	    proto_has_control(base))
		return (char *)unnamed;
	return base;
}

/* Print help for the request; returns the exit status. */
static int
help(const struct request *rq)
{
	char *h = rq->cmd ? cmd_usage(rq->cmd) : rq->group ? cmd_group_help(rq->group) : cmd_help();

	fputs(h, stdout);
	free(h);
	return EXIT_OK;
}

/* --color[=WHEN]: 1 if arg is that option (setting *when), 0 if not; exits on a bad WHEN. */
static int
color_option(const char *arg, enum color *when)
{
	static const struct {
		const char	*name;
		enum color	 when;
	} whens[] = { { "auto", COLOR_AUTO }, { "always", COLOR_ALWAYS }, { "never", COLOR_NEVER } };

	if (strcmp(arg, "--color") == 0) {
		*when = COLOR_ALWAYS;
		return 1;
	}
	if (strncmp(arg, "--color=", 8) != 0)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(whens); i++) {
		if (strcmp(arg + 8, whens[i].name) == 0) {
			*when = whens[i].when;
			return 1;
		}
	}
	die(EXIT_USAGE, "bad --color '%s' (expected auto, always or never)", arg + 8);
}

/* Colour for people at a terminal who have not asked for none (https://no-color.org). */
static bool
want_color(enum color when, bool json)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (json || when == COLOR_NEVER)
		return false;
	if (when == COLOR_ALWAYS)
		return true;
	if ((no != NULL && *no != '\0') || (term != NULL && strcmp(term, "dumb") == 0))
		return false;
	return isatty(STDOUT_FILENO);
}

/*
 * The width tables are to fit, for text on a terminal: $COLUMNS, else the
 * terminal's own (proto_term_width); 0, and the full text, for a pipe,
 * --json, --full or a reply written to files.
 */
static int
want_width(const struct request *rq, bool full)
{
	struct winsize ws = { 0 };

	if (full || rq->json || rq->dir != NULL || cmd_arg_pos(rq->cmd, CARG_OUT) >= 0 ||
	    !isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		ws.ws_col = 0;
	return proto_term_width(getenv("COLUMNS"), ws.ws_col);
}

/* Ids completion asks the daemon for: the request and where the ids are in its JSON. */
static const struct {
	char		 type;
	const char	*request;
	const char	*list;
	const char	*key;
} id_queries[] = {
	{ CARG_OS, "os list --json", "os", "os" },
	{ CARG_RING, "rings --json", "rings", "ring" },
	{ CARG_ID, "blackout list --json", "blackouts", "id" },
};

/* Print the ids of type that start with cur, asked from the daemon. */
static void
print_ids(const char *sock, char type, const char *cur)
{
	struct timeval tv = { .tv_sec = COMPLETE_TIMEOUT };
	struct answer a = { 0 };
	json_t *j = NULL, *e;
	size_t q = 0, i;
	int fd;

	while (id_queries[q].type != type)
		q++;
	sock = socket_path(sock);
	fd = connect_to(sock);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	exchange(fd, sock, id_queries[q].request, -1, &a);
	if (a.code == PROTO_OK)
		j = json_loadb(a.body, a.len, 0, NULL);
	json_array_foreach(json_object_get(j, id_queries[q].list), i, e) {
		json_t *v = json_object_get(e, id_queries[q].key);
		char num[24];
		const char *id = json_string_value(v), *origin;

		/* Blackouts from the ring files cannot be removed: only offer the others. */
		if (type == CARG_ID) {
			origin = json_string_value(json_object_get(e, "origin"));
			if (origin == NULL || strcmp(origin, "runtime") != 0)
				continue;
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			id = num;
		}
		if (id != NULL && strncmp(id, cur, strlen(cur)) == 0)
			puts(id);
	}
	json_decref(j);
	free(a.status);
	free(a.body);
}

/*
 * --complete WORD... CURRENT: what may come in CURRENT after the WORDs, one
 * candidate a line; "@files" or "@dirs" ask the shell to list file names.
 * Nothing is printed on stderr that a shell would show mid-line: callers
 * discard it.
 */
static int
complete(int argc, char **argv)
{
	const char *cur = argc > 0 ? argv[argc - 1] : "", *sock = NULL;
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	struct completion c;
	int n = 0;

	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 2 == argc) {
			puts("@files");
			free(words);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--socket") == 0)
			sock = argv[++i];
		else if (strncmp(argv[i], "--color", 7) != 0)
			words[n++] = argv[i];
	}
	cmd_complete(n, words, cur, &c);
	for (size_t k = 0; k < c.nword; k++)
		if (strncmp(c.word[k], cur, strlen(cur)) == 0)
			puts(c.word[k]);
	if (c.value == CARG_FILE || c.value == CARG_OUT || c.value == CARG_CVRF ||
	    c.value == CARG_INVENTORY || c.value == CARG_RINGFILES)
		puts("@files");
	else if (c.value == CARG_DIR)
		puts("@dirs");
	else if (c.value != 0)
		print_ids(sock, c.value, cur);
	free(words);
	return EXIT_OK;
}

/* export --dir: each time export_run asks, one connection with the held list passed. */
struct export_req {
	const char	*sock, *line;
};

static void
export_exchange(void *arg, int held, struct answer *a)
{
	const struct export_req *x = arg;

	exchange(connect_to(x->sock), x->sock, x->line, held, a);
}

/* word is the path of one of rq's --what-if (ctlwhatif.c sends the files in its place). */
static bool
is_whatif(const struct request *rq, const char *word)
{
	for (int k = 0; k < rq->nwhat_if; k++)
		if (word == rq->what_if[k])
			return true;
	return false;
}

/*
 * Send the request rq parsed from words and handle the answer, as the
 * command's argument types say: a FILE.ics (CARG_FILE) or an inventory
 * (CARG_INVENTORY) is passed as a descriptor, an MSRC CVRF document
 * (CARG_CVRF) is read, reduced and sent, a
 * FILE (CARG_OUT) or --dir DIR is written here, from JSON the daemon is
 * always asked for.  Returns the exit status.
 */
static int
run(const struct request *rq, char **words, int n, const char *sock, enum color color,
    bool full)
{
	int in = cmd_arg_pos(rq->cmd, CARG_FILE), out = cmd_arg_pos(rq->cmd, CARG_OUT);
	int cvrf = cmd_arg_pos(rq->cmd, CARG_CVRF), inv = cmd_arg_pos(rq->cmd, CARG_INVENTORY);
	int out_fd = -1, root = -1, pass = -1, rc, width;
	char *line = NULL, *file = NULL, num[16];
	struct answer a = { 0 };
	size_t len = 0, whatif = 0;

	for (int i = 0; i < n; i++) {
		if (is_whatif(rq, words[i])) {
			whatif_append(rq, words[i], &line, &len, &whatif);
			continue;
		}
		if (in >= 0 && words[i] == rq->arg[in])
			words[i] = passed_word(words[i], "FILE.ics", &pass);
		else if (cvrf >= 0 && words[i] == rq->arg[cvrf])
			words[i] = file = cvrf_word(words[i], rq->has_at ? rq->at : time(NULL));
		else if (inv >= 0 && words[i] == rq->arg[inv])
			words[i] = passed_word(words[i], "inventory", &pass);
		proto_quote(&line, &len, words[i]);
	}
	if ((out >= 0 || rq->dir != NULL) && !rq->json)
		proto_quote(&line, &len, "--json");
	if (rq->dir != NULL && !rq->stream)
		proto_quote(&line, &len, "--stream");
	else if (want_color(color, rq->json))
		proto_quote(&line, &len, "--color");
	if (rq->width == 0 && (width = want_width(rq, full)) > 0) {
		snprintf(num, sizeof(num), "%d", width);
		proto_quote(&line, &len, "--width");
		proto_quote(&line, &len, num);
	}
	if (len + 1 > PROTO_MAX_REQUEST)
		die(EXIT_USAGE, "the request is longer than %d bytes", PROTO_MAX_REQUEST);
	/* Fail on an unusable file or directory before the daemon builds anything. */
	if (out >= 0)
		out_fd = backup_open(rq->arg[out]);
	if (rq->dir != NULL)
		root = export_open(rq->dir);
	sock = socket_path(sock);
	if (rq->dir == NULL)
		exchange(connect_to(sock), sock, line, pass, &a);
	if (pass >= 0)
		close(pass);
	if (rq->dir != NULL)
		rc = export_run(root, rq->dir, rq->json, export_exchange,
		    &(struct export_req){ sock, line });
	else if (out >= 0)
		rc = write_backup(&a, out_fd, rq->arg[out], rq->json);
	else
		rc = print_answer(&a, rq->json);
	free(a.status);
	free(a.body);
	free(file);
	free(line);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	char **words = xcalloc((size_t)argc + 1, sizeof(*words)), *err = NULL;
	struct request rq;
	enum color color = COLOR_AUTO;
	bool full = false;
	int n = 0, rc;

	if (argc > 1 && strcmp(argv[1], "--complete") == 0) {
		free(words);
		return complete(argc - 2, argv + 2);
	}
	/* --socket, --color=WHEN, --full and --version are the client's; the rest goes to the daemon. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0) {
			if (++i == argc)
				die(EXIT_USAGE, "option '--socket' needs a value");
			sock = argv[i];
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("hotpatchctl %s (protocol %d)\n", PACKAGE_VERSION, PROTO_VERSION);
			free(words);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--full") == 0) {
			full = true;
		} else if (!color_option(argv[i], &color)) {
			words[n++] = argv[i];
		}
	}
	if (cmd_parse(n, words, &rq, &err) < 0) {
		fprintf(stderr, "hotpatchctl: %s\n", err);
		rc = EXIT_USAGE;
	} else if (rq.help) {
		rc = help(&rq);
	} else if (full && rq.width > 0) {
		fprintf(stderr, "hotpatchctl: --full and --width contradict: give one\n");
		rc = EXIT_USAGE;
	} else {
		rc = run(&rq, words, n, sock, color, full);
	}
	free(err);
	free(words);
	return rc;
}
