#!/usr/bin/env python3
"""bench/icalpeer.py FEED.ics [ROUNDS]: python3-icalendar rendering the events of one of
our feeds, the peer of bench/feedbench.

The feed is parsed first (not timed) into plain values: each event's UID, SUMMARY,
DESCRIPTION, CATEGORIES, DTSTART/DTEND (dates, or times in the ring's zone or UTC),
TRANSP, SEQUENCE, DTSTAMP, LAST-MODIFIED and VALARM.  Then, timed, ROUNDS times (5):
build a Calendar with the same properties and VTIMEZONE and an Event per event with
icalendar.Event / Alarm, and serialise it with to_ical().  Prints one line:

    icalpeer events N rounds R seconds S us_per_event U bytes B
"""
import sys
import time

import icalendar

CAL_PROPS = ("version", "prodid", "calscale", "name", "x-wr-calname", "description",
             "x-wr-caldesc", "refresh-interval", "x-published-ttl", "x-wr-timezone")
EVENT_PROPS = ("uid", "summary", "description", "dtstart", "dtend", "transp", "sequence",
               "dtstamp", "last-modified")


def plain(component, names):
    """The decoded values of the properties named, in order, as (name, value) pairs."""
    out = []
    for name in names:
        if name in component:
            try:
                out.append((name, component.decoded(name)))
            except Exception:  # an X- or RFC 7986 property icalendar keeps as text
                out.append((name, str(component[name])))
    return out


def read(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    zones = [c for c in cal.walk("VTIMEZONE")]
    events = []
    for ev in cal.walk("VEVENT"):
        cats = ev.get("categories")
        cats = cats if isinstance(cats, list) else [cats] if cats is not None else []
        alarms = [(a.decoded("trigger"), str(a["description"])) for a in ev.walk("VALARM")]
        events.append((plain(ev, EVENT_PROPS), [c.to_ical().decode() for c in cats], alarms))
    return plain(cal, CAL_PROPS), zones, events


def render(head, zones, events):
    cal = icalendar.Calendar()
    for name, value in head:
        cal.add(name, value)
    for z in zones:
        cal.add_component(z)
    for props, cats, alarms in events:
        ev = icalendar.Event()
        for name, value in props:
            ev.add(name, value)
        for c in cats:
            ev.add("categories", c)
        for trigger, text in alarms:
            a = icalendar.Alarm()
            a.add("action", "DISPLAY")
            a.add("description", text)
            a.add("trigger", trigger)
            ev.add_component(a)
        cal.add_component(ev)
    return cal.to_ical()


def main():
    path = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    head, zones, events = read(path)
    t0 = time.perf_counter()
    for _ in range(rounds):
        text = render(head, zones, events)
    seconds = time.perf_counter() - t0
    n = len(events) * rounds
    print(f"icalpeer events {len(events)} rounds {rounds} seconds {seconds:.4f} "
          f"us_per_event {seconds * 1e6 / n:.2f} bytes {len(text)}")


if __name__ == "__main__":
    main()
