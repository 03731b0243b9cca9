"""Raw bulk INSERTs whose column list comes from the model, never from a hand-written string.

The hot posting paths insert with one `executemany` instead of `bulk_create` (building model
instances cost more than the insert). A hand-written "col_a, col_b, ..." list next to a tuple
of values breaks silently when a field is added, renamed or reordered: values land in the
wrong column. Here every row is a dict keyed by field name (or attname, `voucher_id`), the
columns are the fields' own `column`s, and a concrete field the rows leave out must be able to
take no value (nullable, auto primary key or a database default) — otherwise the insert is
refused before it runs, naming the field.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def _fields(model, names: Sequence[str]) -> list:
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    given = {f.attname for f in fields}
    left_out = [
        f.name
        for f in meta.concrete_fields
        if f.attname not in given
        and not (f.primary_key or f.null or f.has_db_default() or f.db_returning)
    ]
    if left_out:
        raise ImproperlyConfigured(
            f"bulk insert into {meta.db_table} gives no value for {', '.join(left_out)}"
        )
    return fields


def insert_sql(model, names: Sequence[str], *, suffix: str = "") -> str:
    """`INSERT INTO <table> (<columns>) VALUES (%s, ...) <suffix>` for these fields."""
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Only quoted model metadata goes into the text; every value is a bound parameter.
    table = quote(model._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) {suffix}"  # noqa: S608


def column(model, name: str) -> str:
    """The quoted column of a field, for a suffix such as ON CONFLICT (...)."""
    return connection.ops.quote_name(model._meta.get_field(name).column)


def rows_insert(model, rows: Sequence[Mapping[str, Any]], *, suffix: str = "") -> None:
    """INSERT the rows (dicts with the same keys: field names or attnames) in one executemany.
    Values go to the database as given: convert them first where the backend needs it."""
    if not rows:
        return
    names = list(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ImproperlyConfigured(f"bulk insert into {model._meta.db_table}: rows differ")
    sql = insert_sql(model, names, suffix=suffix)
    params = [[row[name] for name in names] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
