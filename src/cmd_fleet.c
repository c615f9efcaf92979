/*
 * cmd_fleet.c: hotpatchctl fleet, the forecast of the stored inventory:
 * per ring and month, how many devices install what and how many restart
 * (fleet.c counts, view_fleet.c answers, render_fleet.c writes the text).
 * A read command like devices: counts only, but the socket's read
 * permission is what guards it, as for every other answer.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "util.h"
#include "views.h"

#define FLEET_DEFAULT_MONTHS	12

void
cmd_fleet(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	ym_t first = rq->from != NULL ? rq->from_month : ym_of_time(request_now(rq));
	int n = rq->months > 0 ? rq->months : FLEET_DEFAULT_MONTHS;
	char m[8];

	(void)p;
	(void)line;
	/* The grammar holds --months to 1..CMD_MONTHS_MAX; the calendar's last year bounds the end. */
	if (ym_year(first + n - 1) > HP_YEAR_MAX) {
		reply_error(r, PROTO_BAD_REQUEST, "%d months from %s run past %d-12", n,
		    ym_format(first, m), HP_YEAR_MAX);
		return;
	}
	if (!need_devices(d, r))
		return;
	if ((r->data = view_fleet_of(&d->inv, &d->cal, &d->rings, first, n, FLEET_EVERY_RING)) == NULL)
		reply_error(r, PROTO_INTERNAL, "out of memory counting the fleet");
}
