/*
 * icaltest.h: reading iCalendar text back with libical in the Check
 * programs: parse it, find an event by UID, and look at its properties as
 * they are on the wire.
 */
#ifndef HP_ICALTEST_H
#define HP_ICALTEST_H

#include "util.h"

#include <check.h>
#include <libical/ical.h>
#include <string.h>
#include <time.h>

static inline icalcomponent *
parse(const char *text)
{
	icalcomponent *c = icalparser_parse_string(text);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
	ck_assert_int_eq(icalcomponent_count_errors(c), 0);
	return c;
}

static inline icalcomponent *
find_event(icalcomponent *cal_, const char *uid)
{
	for (icalcomponent *e = icalcomponent_get_first_component(cal_, ICAL_VEVENT_COMPONENT);
	    e != NULL; e = icalcomponent_get_next_component(cal_, ICAL_VEVENT_COMPONENT))
		if (strcmp(icalcomponent_get_uid(e), uid) == 0)
			return e;
	return NULL;
}

static inline int
count_components(icalcomponent *c, icalcomponent_kind kind)
{
	return icalcomponent_count_components(c, kind);
}

static inline const char *
tzid_of(icalcomponent *ev, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);
	icalparameter *tz;

	ck_assert_ptr_nonnull(p);
	tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	return tz != NULL ? icalparameter_get_tzid(tz) : NULL;
}

/* The content line "NAME...:value" of ev, unfolded, as libical writes it. */
static inline char *
line_of(icalcomponent *ev, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);

	ck_assert_ptr_nonnull(p);
	return icalproperty_as_ical_string_r(p);
}

static inline void
assert_line(icalcomponent *ev, icalproperty_kind kind, const char *want)
{
	char *got = line_of(ev, kind);

	ck_assert_str_eq(got, want);
	icalmemory_free_buffer(got);
}

static inline int
sequence_of(icalcomponent *cal_, const char *uid)
{
	icalcomponent *e = find_event(cal_, uid);

	ck_assert_msg(e != NULL, "no event %s", uid);
	return icalcomponent_get_sequence(e);
}

static inline time_t
dtstamp_of(icalcomponent *cal_, const char *uid)
{
	icalcomponent *e = find_event(cal_, uid);

	ck_assert_msg(e != NULL, "no event %s", uid);
	return icaltime_as_timet(icalcomponent_get_dtstamp(e));
}

static inline time_t
lastmod_of(icalcomponent *cal_, const char *uid)
{
	icalcomponent *e = find_event(cal_, uid);
	icalproperty *p;

	ck_assert_msg(e != NULL, "no event %s", uid);
	p = icalcomponent_get_first_property(e, ICAL_LASTMODIFIED_PROPERTY);
	ck_assert_ptr_nonnull(p);
	return icaltime_as_timet(icalproperty_get_lastmodified(p));
}

static inline void
assert_wire_format(const char *text)
{
	const char *p = text;

	ck_assert(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");
		size_t len;

		ck_assert_msg(eol != NULL, "last line without CRLF");
		len = (size_t)(eol - p);
		ck_assert_msg(memchr(p, '\n', len) == NULL, "bare LF in line");
		ck_assert_msg(memchr(p, '\r', len) == NULL, "bare CR in line");
		ck_assert_msg(len <= 75, "line of %zu octets: %.*s", len, (int)len, p);
		ck_assert_msg(utf8_valid(p, len), "fold splits a UTF-8 character");
		p = eol + 2;
	}
}

#endif
