#!/usr/bin/python3
"""schema_check.py: check hotpatchctl's JSON replies against doc/schema.

A test tool that shares no code with src/: it reads the schema files and the
replies as JSON and asks python3-jsonschema (Draft 2020-12) whether each
reply fits.  Formats are asserted here, not left to optional packages: a
"date" must be a real day and a "date-time" a real instant.

    schema_check.py DIR --check
        every *.json in DIR is a valid Draft 2020-12 schema and each $ref in
        it resolves; prints one line per problem, exits 1 if there is any
    schema_check.py DIR CASES
        CASES has one case a line, NAME TAB SCHEMA TAB FILE; prints
        "ok TAB NAME" or "fail TAB NAME TAB WHY" for each, exits 0
    schema_check.py DIR SCHEMA FILE
        one document; exits 0 if it fits, else 1 with the errors

Schemas refer to each other by file name ("common.json#/$defs/month"), so
each is registered under its own name and relative references resolve
against it, with either jsonschema's RefResolver (Debian 12's 4.10) or the
referencing library of later versions.
"""
import datetime
import json
import os
import re
import sys
import warnings

import jsonschema
from jsonschema import Draft202012Validator

MAX_ERRORS = 5

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def is_date(value):
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("not YYYY-MM-DD")
    datetime.date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    if not isinstance(value, str):
        return True
    m = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                     r"(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})", value)
    if not m:
        raise ValueError("not an RFC 3339 date-time")
    datetime.date.fromisoformat(m.group(1))
    if int(m.group(2)) > 23 or int(m.group(3)) > 59 or int(m.group(4)) > 60:
        raise ValueError("no such time of day")
    return True


def load_schemas(directory):
    """Every *.json of directory by file name; exits 2 on one that is not JSON."""
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: %s" % (name, e))
            sys.exit(2)
    return schemas


class Refs:
    """Resolves references between the schema files, old API or new."""

    def __init__(self, schemas):
        self.schemas = schemas
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            self.registry = None
        else:
            self.registry = Registry().with_resources(
                (name, Resource.from_contents(s, default_specification=DRAFT202012))
                for name, s in schemas.items())

    def validator(self, name):
        schema = self.schemas[name]
        if self.registry is not None:
            resource = self.registry[name]
            return Draft202012Validator(schema, format_checker=FORMATS,
                                        registry=self.registry.with_resource("", resource))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            resolver = jsonschema.RefResolver(base_uri=name, referrer=schema,
                                              store=dict(self.schemas))
        return Draft202012Validator(schema, format_checker=FORMATS, resolver=resolver)

    def resolve(self, name, ref):
        """Raises if ref, written in schema file name, does not resolve."""
        if self.registry is not None:
            self.registry.resolver(base_uri=name).lookup(ref)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            resolver = jsonschema.RefResolver(base_uri=name, referrer=self.schemas[name],
                                              store=dict(self.schemas))
            resolver.resolve(ref)


def refs_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def check_schemas(directory):
    schemas = load_schemas(directory)
    refs = Refs(schemas)
    problems = 0
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            print("%s: not a valid schema: %s" % (name, e.message))
            problems += 1
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            print("%s: $schema is not Draft 2020-12" % name)
            problems += 1
        for ref in refs_in(schema):
            try:
                refs.resolve(name, ref)
            except Exception as e:
                print("%s: $ref %s does not resolve: %s" % (name, ref, e))
                problems += 1
    return 1 if problems else 0


def where(error):
    path = "$"
    for part in error.absolute_path:
        path += "[%d]" % part if isinstance(part, int) else ".%s" % part
    return path


def problems_of(refs, name, path):
    """The reasons the document in path does not fit schema name; [] if it does."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return [str(e)]
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return ["not JSON (%d bytes): %s" % (len(raw), e)]
    errors = sorted(refs.validator(name).iter_errors(doc),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    out = []
    for e in errors[:MAX_ERRORS]:
        # The deepest reasons of a oneOf or anyOf say more than "is not valid under any".
        leaves = [c for c in e.context if not c.context] if e.context else []
        if leaves:
            best = min(leaves, key=lambda c: -len(c.absolute_path))
            out.append("%s: %s (%s)" % (where(e), e.message[:160], best.message[:200]))
        else:
            out.append("%s: %s" % (where(e), e.message[:300]))
    if len(errors) > MAX_ERRORS:
        out.append("and %d more" % (len(errors) - MAX_ERRORS))
    return out


def run_cases(directory, cases):
    schemas = load_schemas(directory)
    refs = Refs(schemas)
    with open(cases, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            name, schema, path = line.split("\t")
            if schema not in schemas:
                print("fail\t%s\tno schema %s in %s" % (name, schema, directory))
                continue
            why = problems_of(refs, schema, path)
            if why:
                print("fail\t%s\t%s" % (name, " | ".join(why)))
            else:
                print("ok\t%s" % name)
    return 0


def main(argv):
    if len(argv) == 3 and argv[2] == "--check":
        return check_schemas(argv[1])
    if len(argv) == 3:
        return run_cases(argv[1], argv[2])
    if len(argv) == 4:
        schemas = load_schemas(argv[1])
        why = problems_of(Refs(schemas), argv[2], argv[3])
        for w in why:
            print(w)
        return 1 if why else 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
