/*
 * cmdtab.h: the grammar of hotpatchctl commands, shared by the client (which
 * checks arguments before it connects and prints help) and the daemon (which
 * parses the same words off the socket).  The table holds no code: the
 * daemon's handlers are indexed by enum cmd_id.  cmdtab.c holds the tables,
 * cmdparse.c parses with them, cmdhelp.c prints help and completes words.
 */
#ifndef HP_CMDTAB_H
#define HP_CMDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model.h"

enum cmd_id {
	CMD_STATUS,
	CMD_OS_LIST,
	CMD_CALENDAR,
	CMD_MONTH,
	CMD_NEXT,
	CMD_RINGS,
	CMD_RING_SHOW,
	CMD_OVERRIDE_SET,
	CMD_OVERRIDE_CLEAR,
	CMD_OVERRIDE_LIST,
	CMD_RELOAD,
	CMD_WINDOWS,
	CMD_PLAN,
	CMD_BLACKOUT_ADD,
	CMD_BLACKOUT_REMOVE,
	CMD_BLACKOUT_LIST,
	CMD_BLACKOUT_IMPORT,
	CMD_FEED,
	CMD_EXPORT,
	CMD_BACKUP,
	CMD_PUBLISH,
	CMD_PUBLISH_CLEAR,
	CMD_PUBLISH_LIST,
	CMD_IMPORT_CVRF,
	CMD_DEVICES_IMPORT,
	CMD_DEVICES,
	CMD_DEVICE_SHOW,
	CMD_FLEET,
	CMD_AUDIT,
	CMD_COUNT
};

/* Options a command accepts, as a bit mask. */
/*
 * A listing answers at most CMD_PAGE_MAX rows (CMD_PAGE_DEFAULT unless
 * --limit says): 100,000 devices as one JSON reply would cost the daemon
 * hundreds of MB for one read-only client.
 */
#define CMD_PAGE_DEFAULT	1000
#define CMD_PAGE_MAX		10000
#define CMD_OFFSET_MAX		100000000
/* --months: 1 up to the feeds' horizon (model.h), so a feed's months fit one answer. */
#define CMD_MONTHS_MAX		HP_HORIZON_MONTHS

/*
 * A set of options, a bit each.  The enum's constants must fit an int;
 * options past bit 30 are defined as cmd_opts constants after it.
 */
typedef uint64_t cmd_opts;

enum cmd_opt {
	COPT_OS = 1 << 0,	/* --os ID */
	COPT_YEAR = 1 << 1,	/* --year Y */
	COPT_RING = 1 << 2,	/* --ring ID */
	COPT_REASON = 1 << 3,	/* --reason TEXT */
	COPT_FROM_MONTH = 1 << 4, /* --from YYYY-MM (windows, fleet) */
	COPT_TO = 1 << 5,	/* --to YYYY-MM-DD */
	COPT_MONTHS = 1 << 6,	/* --months N, 1..CMD_MONTHS_MAX */
	COPT_NAME = 1 << 7,	/* --name TEXT */
	COPT_DIR = 1 << 8,	/* --dir DIR: where the client writes; the daemon ignores it */
	COPT_FROM_DAY = 1 << 9,	/* --from YYYY-MM-DD (blackout add) */
	COPT_BO_KIND = 1 << 10,	/* --kind freeze|pause (blackout add) */
	COPT_KB = 1 << 11,	/* --kb KB5094125 (publish) */
	COPT_BUILD = 1 << 12,	/* --build 26100.32995 (publish) */
	COPT_DATE = 1 << 13,	/* --date YYYY-MM-DD (publish) */
	COPT_UNPLANNED = 1 << 14, /* --unplanned, no value (publish) */
	COPT_EXPEDITED = 1 << 15, /* --expedited, no value (publish) */
	COPT_NOTE = 1 << 16,	/* --note TEXT (publish) */
	COPT_DRY_RUN = 1 << 17,	/* --dry-run: a flag, it takes no value */
	COPT_FORMAT = 1 << 18,	/* --format csv|json (devices import) */
	COPT_REPLACE = 1 << 19,	/* --replace, no value (devices import) */
	COPT_SKIP_BAD = 1 << 20, /* --skip-bad, no value (devices import) */
	COPT_NOT_ELIGIBLE = 1 << 21, /* --not-eligible, no value (devices) */
	COPT_RESTART_IN = 1 << 22, /* --restart-in YYYY-MM (devices) */
	COPT_LIMIT = 1 << 23,	/* --limit N, 1..CMD_PAGE_MAX (devices) */
	COPT_OFFSET = 1 << 24,	/* --offset N, 0..CMD_OFFSET_MAX (devices) */
	COPT_AT_RISK = 1 << 25,	/* --at-risk, no value (plan) */
	COPT_WHAT_IF = 1 << 26,	/* --what-if FILE|DIR, up to CMD_WHAT_IF_MAX (plan) */
	COPT_SET = 1 << 27,	/* --set RING.KEY=VALUE, up to CMD_SET_MAX (plan) */
	COPT_SINCE = 1 << 28,	/* --since DATE: a month, a day or an instant (audit) */
	COPT_UNTIL = 1 << 29,	/* --until DATE, to its end (audit) */
	COPT_IMPORT = 1 << 30,	/* --import NAME (blackout import, blackout remove) */
};
#define COPT_STREAM	((cmd_opts)1 << 31)	/* --stream, no value (export: the bytes after the JSON) */

/*
 * plan --what-if and --set may be given this many times.  On the wire a
 * directory is one --what-if per file, and the request's 64 words hold them
 * all with the plan's own options.
 */
#define CMD_WHAT_IF_MAX	16
#define CMD_SET_MAX	8
/* Options that may be given more than once (up to the limits above); any other only once. */
#define COPT_REPEATED	(COPT_WHAT_IF | COPT_SET)
/*
 * Options whose request's reply is never kept: it is made of what they
 * carry (a whole ring file), and a planner tries each only once.
 */
#define COPT_UNKEPT	(COPT_WHAT_IF | COPT_SET)

/* Positional argument types, one letter each in struct cmd.args. */
#define CARG_OS		'o'	/* OS id */
#define CARG_RING	'r'	/* ring id */
#define CARG_MONTH	'm'	/* YYYY-MM */
#define CARG_KIND	'k'	/* baseline, hotpatch or lcu */
#define CARG_ID		'i'	/* a positive integer id */
#define CARG_FILE	'f'	/* an iCalendar file the client opens and passes as a descriptor;
				   on the wire its base name (or NAME:BASE64 without one) */
#define CARG_OUT	'w'	/* a file the client writes; the daemon never opens it */
#define CARG_CVRF	'c'	/* an MSRC CVRF document the client reads, reduces (cvrf_reduce) and sends */
#define CARG_INVENTORY	'v'	/* a device inventory the client opens and passes as a descriptor;
				   on the wire its base name */
#define CARG_DEVICE	'n'	/* a device name */
#define CARG_DIR	'd'	/* a directory (--dir); completion only */
#define CARG_DAY	'y'	/* YYYY-MM-DD; options only */
#define CARG_RINGFILES	's'	/* a ring file or a directory of them (--what-if): the client
				   reads them and sends each as NAME:BASE64; options only */
#define CARG_NONE	'-'	/* no value: the option is a flag; options only */

/* How long a reply may be kept (commands.c); the comment on cmd_table says which and why. */
enum keep {
	KEEP_NO,	/* made for every request */
	KEEP_DATA,	/* per data generation and stale_epoch */
	KEEP_SECOND,	/* as KEEP_DATA, and per second of the current instant unless --at */
};

struct cmd {
	enum cmd_id	 id;
	const char	*words;		/* "override set" */
	const char	*args;		/* positional types, e.g. "omk" */
	const char	*usage;		/* "OS YYYY-MM KIND --reason TEXT" */
	cmd_opts	 opts;		/* accepted options */
	cmd_opts	 required;	/* options that must be given */
	bool		 admin;		/* admins only: it changes data, or reads the audit trail */
	const char	*summary;
	cmd_opts	 oneof;		/* options of which at most one may be given */
	enum keep	 keep;		/* whether the reply may be kept (never for admin) */
};

/*
 * The options that may stand in place of c's positional arguments (blackout
 * remove ID, or --import NAME), 0 for none; c's other options then go only
 * with them.
 */
cmd_opts cmd_instead(const struct cmd *c);

#define CMD_MAX_ARGS 4

/* One parsed request. */
struct request {
	const struct cmd *cmd;
	bool		 json;
	bool		 help;		/* --help or help: print usage, send nothing */
	bool		 color;		/* --color: ANSI colour in text tables */
	int		 width;		/* --width: the terminal's columns; 0 = not given */
	const char	*group;		/* help for "override" etc.: the first word */
	bool		 has_at;
	time_t		 at;		/* --at: "now" for this request */
	const char	*os;
	const char	*ring;
	const char	*reason;
	const char	*from;		/* as given; see from_month, from_day */
	const char	*to;
	const char	*name;
	const char	*dir;
	int		 months;	/* 0 = not given */
	int		 year;		/* 0 = not given */
	const char	*arg[CMD_MAX_ARGS];
	int		 narg;
	/* The checked values, typed (set only when given). */
	ym_t		 month;		/* the YYYY-MM argument */
	enum kind	 kind;		/* the KIND argument */
	long		 id;		/* the ID argument (CARG_ID) */
	ym_t		 from_month;	/* --from of a command taking a month */
	struct ymd	 from_day;	/* --from of a command taking a day */
	struct ymd	 to_day;	/* --to */
	enum bo_kind	 bo_kind;	/* --kind of blackout add; freeze when not given */
	const char	*kb;		/* --kb, checked KB + digits */
	const char	*build;		/* --build, checked digits.digits */
	const char	*note;		/* --note */
	struct ymd	 date;		/* --date; unset when not given */
	bool		 unplanned;	/* --unplanned */
	bool		 expedited;	/* --expedited */
	bool		 dry_run;	/* --dry-run */
	const char	*format;	/* --format: "csv" or "json"; NULL when not given */
	bool		 replace;	/* --replace */
	bool		 skip_bad;	/* --skip-bad */
	bool		 not_eligible;	/* --not-eligible */
	ym_t		 restart_in;	/* --restart-in; 0 when not given */
	long		 limit;		/* --limit; 0 when not given */
	long		 offset;	/* --offset; 0 when not given */
	bool		 at_risk;	/* --at-risk */
	bool		 stream;	/* --stream (export) */
	const char	*what_if[CMD_WHAT_IF_MAX];	/* --what-if, as given */
	int		 nwhat_if;
	const char	*set[CMD_SET_MAX];	/* --set, as given */
	int		 nset;
	bool		 unkept;	/* an option given makes the reply one not to keep */
	/* --since and --until as the instants [since, until): a month or a day is whole. */
	bool		 has_since, has_until;
	time_t		 since, until;
	const char	*import;	/* --import NAME */
	int		 fd;		/* daemon: a descriptor passed with the request, or -1 */
	time_t		 now;		/* daemon: the instant it arrived (request_now); 0 = not set */
};

/* The command table and its length (CMD_COUNT). */
extern const struct cmd cmd_table[CMD_COUNT];

/*
 * NULL if the table is sound: entry i is command i, and no admin command's
 * reply is kept (a kept reply would skip the permission check's purpose).
 * Otherwise what is wrong; hotpatchd refuses to start.
 */
const char *cmd_table_check(void);

/* The position of the first positional argument of type in c, or -1. */
int cmd_arg_pos(const struct cmd *c, char type);

/*
 * Parse words (without the program name and client-only options) into req,
 * which points into argv.  A YYYY-MM-DD given where a month is expected is
 * checked, then cut to YYYY-MM in place, so that handlers (and the daemon,
 * when the client sends argv on) see a month.  Returns 0, or -1 with *err
 * set to one allocated line saying what is wrong.
 */
int cmd_parse(int argc, char **argv, struct request *req, char **err);

/*
 * "YYYY-MM" (its first day), "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]Z" as a
 * UTC instant; returns 0 or -1.
 */
int cmd_parse_instant(const char *s, time_t *out);

/* Help for one command: usage, summary, arguments and options (allocated). */
char *cmd_usage(const struct cmd *c);
/* Help for the commands whose first word is group ("override"), allocated. */
char *cmd_group_help(const char *group);
/* Every command with its summary, and the global options, allocated. */
char *cmd_help(void);

/* What may come in the word being completed. */
struct completion {
	const char	*word[64];	/* fixed candidates: commands, options, kinds */
	size_t		 nword;
	char		 value;		/* also values the caller looks up: CARG_OS,
					   CARG_RING, CARG_ID, CARG_FILE, CARG_OUT,
					   CARG_DIR; 0 for none */
};

/*
 * The candidates for cur after the complete words argv (client-only options
 * already taken out); words not starting like cur are left in.  out->word
 * may point to static storage, valid until the next call.
 */
void cmd_complete(int argc, char **argv, const char *cur, struct completion *out);

/* ---- the grammar's own tables, for cmdparse.c and cmdhelp.c ---- */

/* A command option; one name may mean one thing per command (--from). */
struct cmd_option {
	const char	*name;
	cmd_opts	 bit;
	char		 type;		/* its value: a CARG_ letter, 0 for text */
	const char	*arg;		/* NULL: a flag, no value */
	const char	*help;
};
extern const struct cmd_option cmd_options[];
extern const size_t cmd_noptions;

/*
 * Options of a command that rule out others of it (plan's --year names its
 * own months, so it comes without --from and --months), and why, for the
 * error.
 */
struct cmd_exclusion {
	enum cmd_id	 cmd;
	cmd_opts	 opt;
	cmd_opts	 others;
	const char	*why;
};
extern const struct cmd_exclusion cmd_exclusions[];
extern const size_t cmd_nexclusions;

/* Positional argument types, for help. */
struct cmd_argtype {
	char		 type;
	const char	*name;
	const char	*help;
};
extern const struct cmd_argtype cmd_argtypes[];
extern const size_t cmd_nargtypes;

/* Options for every command; wire: also in requests (the rest are the client's). */
struct cmd_global {
	const char	*name;
	const char	*arg;
	const char	*help;
	bool		 wire;
};
extern const struct cmd_global cmd_globals[];
extern const size_t cmd_nglobals;

/* The option called name that c takes (with NULL, the first so called), or NULL. */
const struct cmd_option *cmd_find_option(const char *name, const struct cmd *c);
/*
 * The command argv starts with and how many words its name has (*used), or
 * NULL; the longest name wins ("publish clear" over "publish").
 */
const struct cmd *cmd_find(int argc, char **argv, int *used);

/* Words to choose from: commands, subcommands or options. */
struct wordlist {
	char		 buf[CMD_COUNT + 1][24];
	const char	*w[CMD_COUNT + 1];
	size_t		 n;
};
/* The words that may follow group ("override"), or with NULL the first words and help. */
void cmd_words_after(const char *group, struct wordlist *wl);

#endif
