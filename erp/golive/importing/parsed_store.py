"""A checked file's parsed rows, kept beside the stored upload so the confirm does not read
the spreadsheet a second time (reading the xlsx was a third of a 20,000-row import).

JSON, not pickle: the stored form is data only. Values are what the parser produces (text,
int, Decimal, bool, date, None; a reference is still its code: the confirm resolves it again,
so a record changed since the check is seen as it is now); Decimal and date are tagged so
they come back as they were. Stored right after parsing, before the dry run resolves
references into the groups.
The upload's SHA-256 is written in, and a store that names another upload is ignored: the
confirm then parses the file itself, as it did before.
"""

import json
from datetime import date
from decimal import Decimal
from typing import Any

from .engine import Parsed
from .spec import Group


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$t" in value:
            return tuple(_decode(v) for v in value["$t"])
    return value


def _row(values: dict) -> dict:
    return {k: _encode(v) for k, v in values.items()}


def parsed_dumps(parsed: Parsed, sha256: str) -> bytes:
    """Only a clean parse is stored (a file with errors is never confirmed)."""
    groups = [
        {
            "key": _encode(tuple(g.key)),
            "first_row": g.first_row,
            "data": _row(g.data),
            "lines": [_row(line) for line in g.lines],
            "line_rows": g.line_rows,
        }
        for g in parsed.groups
    ]
    body = {"sha256": sha256, "rows_total": parsed.rows_total, "groups": groups}
    return json.dumps(body, ensure_ascii=False).encode()


def parsed_loads(content: bytes, sha256: str) -> Parsed | None:
    """The stored parse of the upload `sha256`, or None when it is of another file."""
    try:
        body = json.loads(content)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("sha256") != sha256:
        return None
    decode = _decode
    try:
        groups = [
            Group(
                key=decode(g["key"]),
                first_row=g["first_row"],
                data={k: decode(v) for k, v in g["data"].items()},
                lines=[{k: decode(v) for k, v in line.items()} for line in g["lines"]],
                line_rows=list(g["line_rows"]),
            )
            for g in body["groups"]
        ]
    except (KeyError, TypeError, ValueError):
        return None
    return Parsed(rows_total=body["rows_total"], groups=groups, errors=[])
