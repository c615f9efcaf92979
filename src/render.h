/*
 * render.h: the text a person reads for each command's JSON answer.  Every
 * renderer takes the answer and its layout (colour, the terminal's width;
 * its tables note there what they left out to fit), and returns allocated
 * text.
 */
#ifndef HP_RENDER_H
#define HP_RENDER_H

#include "layout.h"

#include <jansson.h>
#include <stdbool.h>

/* render.c */
char *render_status(const json_t *j, struct layout *lo);
char *render_os_list(const json_t *j, struct layout *lo);
char *render_calendar(const json_t *j, struct layout *lo);
char *render_month(const json_t *j, struct layout *lo);
char *render_next(const json_t *j, struct layout *lo);
char *render_rings(const json_t *j, struct layout *lo);
char *render_ring_show(const json_t *j, struct layout *lo);
char *render_blackout_change(const json_t *j, struct layout *lo);
char *render_blackout_list(const json_t *j, struct layout *lo);

/* render_plan.c */
char *render_windows(const json_t *j, struct layout *lo);
/* Windows rows as the text table of hotpatchctl windows, with its footer (also for next). */
char *render_window_rows(const json_t *rows, struct layout *lo);
char *render_plan(const json_t *j, struct layout *lo);

/* render_fleet.c: view_fleet's JSON, the fleet's months, each ring's, why the LCU. */
char *render_fleet(const json_t *j, struct layout *lo);

#endif
