"""Validates JSON documents against a JSON Schema (the Draft the schema declares).

Usage: python schema_check.py SCHEMA FILE...

OSCAL's schemas use Unicode property escapes (\\p{L}, \\p{N}) in patterns, which Python's `re`
does not know; patterns are matched with the `regex` package instead, which does. Formats are
checked where jsonschema has a checker (date-time, uri, uri-reference with the format extras).
Prints one line per file and every error with its JSON path; exits 1 if any file is invalid.
"""

import json
import sys

import jsonschema
import regex
from jsonschema import validators


def pattern(validator, patrn, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(patrn, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")


def main() -> int:
    schema_path, *files = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    base = validators.validator_for(schema)
    checker = jsonschema.FormatChecker()
    checker.checks("regex", raises=regex.error)(regex.compile)
    # The schema itself must be valid against its Draft's metaschema.
    base(base.META_SCHEMA, format_checker=checker).validate(schema)
    Validator = validators.extend(base, {"pattern": pattern})
    validator = Validator(schema, format_checker=checker)
    failed = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            print(f"INVALID {path}: {len(errors)} error(s) against {schema_path}")
            for error in errors[:20]:
                where = "/" + "/".join(str(p) for p in error.absolute_path)
                print(f"  {where}: {error.message[:300]}")
        else:
            print(f"valid   {path} ({base.__name__})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
