"""Parse a workbook against a spec, then run its groups through the spec's service.

`parse` is pure reading (no database). `execute` resolves references and calls the service
group by group, each inside a savepoint, collecting every error instead of stopping at the
first; the caller decides whether the surrounding transaction commits (apply) or is rolled
back (dry run)."""

from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.errors import DomainError
from erp.golive.errors import ImportFileRejected

from .cells import CellInvalid, cell_convert, is_blank
from .reading import SheetCell, SheetScan, open_workbook, sheet_rows, sheet_scan
from .spec import BOOL, CHOICE, REFERENCE, TEXT, Column, Group, ImportSpec
from .workbook import INSTRUCTIONS_SHEET

OMIT = object()
REPORT_ROW_LIMIT = 2000
IN_CHUNK = 900  # values per `IN (...)`: below SQLite's oldest variable limit (999)


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str


@dataclass
class RowResult:
    """One record's outcome. `values` are the values that will be written (column, value as
    shown); `diff` lists an update's changes (column, old, new); `changes` their columns."""

    row: int
    key: str
    action: str  # created | updated | unchanged | error
    changes: list[str] = field(default_factory=list)
    values: list[dict[str, str]] = field(default_factory=list)
    diff: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Parsed:
    rows_total: int
    groups: list[Group]
    errors: list[RowError]
    # rows refused while reading, with the values that could be read: their references are
    # still checked, so one upload lists every problem of the file
    failed: list[tuple[int, dict[Column, Any]]] = field(default_factory=list)


@dataclass
class Outcome:
    results: list[RowResult]
    errors: list[RowError]

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    def report(self) -> dict[str, Any]:
        shown = [r for r in self.results if r.action != "unchanged"][:REPORT_ROW_LIMIT]
        # Built by hand: dataclasses.asdict deep-copies every value and was an eighth of a
        # large dry run. The fields are strings, numbers and lists of flat dicts.
        return {
            "rows": [_result_dict(r) for r in shown],
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in self.errors[:REPORT_ROW_LIMIT]
            ],
        }


def _result_dict(result: RowResult) -> dict[str, Any]:
    return {
        "row": result.row,
        "key": result.key,
        "action": result.action,
        "changes": list(result.changes),
        "values": [dict(v) for v in result.values],
        "diff": [dict(d) for d in result.diff],
    }


# --- parsing ---------------------------------------------------------------------------------


def parse(spec: ImportSpec, content: bytes, scan: SheetScan | None = None) -> Parsed:
    """Read the file's data sheet. A quick scan first checks its size (rows, empty cells)
    and merged cells, so an oversized sheet is refused before any row costs work."""
    book = open_workbook(content)
    try:
        sheet = data_sheet(spec, book.sheetnames)
        scan = sheet_scan(book, sheet, scan)
        if scan.merged:
            raise ImportFileRejected(
                _("Merged cells are not allowed (%(ranges)s). Unmerge them and fill every cell.")
                % {"ranges": ", ".join(scan.merged[:5])}
            )
        rows = sheet_rows(book, sheet, scan)
        header = next(rows, [])
        columns = _header_map(spec, header)
        return _parse_rows(spec, columns, rows)
    finally:
        book.close()


def data_sheet(spec: ImportSpec, names: list[str]) -> str:
    """The template's sheet; else the only sheet besides the instructions, whatever its name
    (a file saved from another program or renamed by hand)."""
    if spec.sheet in names:
        return spec.sheet
    candidates = [n for n in names if n != INSTRUCTIONS_SHEET]
    if len(candidates) == 1:
        return candidates[0]
    raise ImportFileRejected(
        _(
            "The workbook has several sheets and none is named “%(sheet)s” (it has: %(found)s). "
            "Name the data sheet “%(sheet)s” or upload a workbook with only that sheet."
        )
        % {"sheet": spec.sheet, "found": "、".join(names)[:200]}
    )


def _clean_header(value: Any) -> str:
    return str(value or "").strip().lstrip("*＊").strip()


def _header_map(spec: ImportSpec, header: list[SheetCell]) -> dict[int, Column]:
    names = {}
    for column in spec.columns:
        names[column.header_zh()] = column
        names[column.header_en()] = column
    found: dict[int, Column] = {}
    for cell in header:
        column = names.get(_clean_header(cell.value))
        if column is None:
            continue  # extra columns (notes) are ignored
        if column in found.values():
            raise ImportFileRejected(
                _("The column “%(header)s” appears twice. Keep only one.")
                % {"header": column.header_zh()}
            )
        found[cell.column] = column
    missing = [c.header_zh() for c in spec.columns if c.required and c not in found.values()]
    if missing:
        raise ImportFileRejected(
            _(
                "Required columns are missing: %(columns)s. The first row must hold the "
                "template's column headers."
            )
            % {"columns": "、".join(missing)}
        )
    return found


def _parse_rows(spec: ImportSpec, columns: dict[int, Column], rows) -> Parsed:
    groups: list[Group] = []
    errors: list[RowError] = []
    failed: list[tuple[int, dict[Column, Any]]] = []
    seen: dict[tuple, int] = {}
    total = 0
    for cells in rows:
        by_column = {c.column: c for c in cells}
        if all(is_blank(c.value) for c in cells if c.column in columns):
            continue
        total += 1
        row_number = cells[0].row
        values, row_errors = _row_values(columns, by_column, row_number)
        if row_errors:
            errors.extend(row_errors)
            failed.append((row_number, values))
            continue
        before = len(errors)
        _group_row(spec, groups, seen, errors, values, row_number)
        if len(errors) > before:
            failed.append((row_number, values))
    return Parsed(rows_total=total, groups=groups, errors=errors, failed=failed)


def _row_values(columns, by_column, row_number) -> tuple[dict[Column, Any], list[RowError]]:
    values: dict[Column, Any] = {}
    errors = []
    for index, column in columns.items():
        cell = by_column.get(index)
        raw = cell.value if cell else None
        if cell is not None and cell.formula:
            errors.append(
                RowError(
                    row_number,
                    column.header_zh(),
                    str(raw)[:60],
                    gettext("Cell %(cell)s holds a formula. Enter the value itself, not a formula.")
                    % {"cell": cell.coordinate},
                )
            )
            continue
        if is_blank(raw):
            values[column] = None
            continue
        try:
            values[column] = cell_convert(column, raw)
        except CellInvalid as exc:
            errors.append(RowError(row_number, column.header_zh(), str(raw)[:60], str(exc)))
    return values, errors


def _group_row(spec, groups, seen, errors, values, row_number) -> None:
    header = {c: v for c, v in values.items() if not c.line}
    lines = {c: v for c, v in values.items() if c.line}
    key = tuple(_value_of(header, f) for f in spec.key_fields)
    key_text = " / ".join(str(k) for k in key if k is not None)
    current = groups[-1] if groups else None
    continuing = spec.grouped and current is not None and current.key == key
    if not continuing:
        missing = [c.header_zh() for c, v in header.items() if c.required and v is None]
        missing += [c.header_zh() for c in spec.header_columns() if c.required and c not in header]
        if missing:
            errors.append(_required_error(row_number, missing))
            return
        if key in seen:
            errors.append(
                RowError(
                    row_number,
                    spec.columns[0].header_zh(),
                    key_text,
                    gettext(
                        "“%(key)s” already appears in row %(row)s. Each record may appear once."
                    )
                    % {"key": key_text, "row": seen[key]},
                )
            )
            return
        seen[key] = row_number
        groups.append(Group(key=key, first_row=row_number, data=_data(header)))
    else:
        conflict = _continuation_conflict(current, header)
        if conflict:
            errors.append(
                RowError(
                    row_number,
                    conflict,
                    "",
                    gettext(
                        "This value differs from the first row of the same record. Leave it "
                        "blank or repeat the first row's value."
                    ),
                )
            )
            return
    if spec.grouped and any(v is not None for v in lines.values()):
        _add_line(spec, groups[-1], errors, lines, row_number)


def _add_line(spec, group, errors, lines, row_number) -> None:
    missing = [c.header_zh() for c in spec.line_columns() if c.required and lines.get(c) is None]
    if missing:
        errors.append(_required_error(row_number, missing))
        return
    line = _data(lines)
    key = tuple(line.get(f) for f in spec.line_key_fields)
    if spec.line_key_fields and any(
        key == tuple(o.get(f) for f in spec.line_key_fields) for o in group.lines
    ):
        errors.append(
            RowError(
                row_number,
                spec.line_columns()[0].header_zh(),
                " / ".join(str(k) for k in key),
                gettext("This line appears twice in the same record. Keep it once."),
            )
        )
        return
    group.lines.append(line)
    group.line_rows.append(row_number)


def _required_error(row_number, missing) -> RowError:
    return RowError(
        row_number,
        "、".join(missing),
        "",
        gettext("Required value missing. Fill in: %(columns)s.") % {"columns": "、".join(missing)},
    )


def _value_of(header: dict[Column, Any], field_name: str) -> Any:
    for column, value in header.items():
        if column.field == field_name:
            return value
    return None


def _continuation_conflict(group: Group, header: dict[Column, Any]) -> str:
    for column, value in header.items():
        if value is None or column.field in ("code",):
            continue
        if _blank_value(column) is not OMIT and value == _blank_value(column):
            continue
        if group.data.get(column.field, OMIT) != value:
            return column.header_zh()
    return ""


def _blank_value(column: Column) -> Any:
    if column.kind == TEXT and not column.nullable:
        return ""
    if column.kind == REFERENCE or column.nullable:
        return None
    return OMIT


def _data(values: dict[Column, Any]) -> dict[str, Any]:
    """Field → value; a blank cell keeps the current value or default where the field cannot
    be empty, clears it where it can."""
    data = {}
    for column, value in values.items():
        value = value if value is not None else _blank_value(column)
        if value is not OMIT:
            data[column.field] = value
    return data


# --- execution -------------------------------------------------------------------------------


class _References:
    """Codes → records. Every code a file names is read up front, one query per referenced
    model and lookup (not one per row); a code not found then is looked up again when its row
    is applied, so a record created by an earlier row of the same file is found. Only hits
    are cached."""

    def __init__(self) -> None:
        self.cache: dict[tuple, Any] = {}

    def prefetch(self, spec: ImportSpec, groups: list[Group]) -> None:
        wanted: dict[tuple, set] = {}
        for data, columns in _targets(spec, groups):
            for column in columns:
                code = data.get(column.field)
                if column.kind == REFERENCE and code is not None and not hasattr(code, "_meta"):
                    wanted.setdefault((column.model, column.lookup), set()).add(code)
        for (model, lookup), codes in wanted.items():
            value_of = attrgetter(lookup.replace("__", "."))
            for chunk in _chunks(sorted(codes)):
                for found in model._default_manager.filter(**{f"{lookup}__in": chunk}):
                    self.cache.setdefault((model, lookup, value_of(found)), found)

    def resolve(self, column: Column, code: str) -> Any:
        key = (column.model, column.lookup, code)
        if key not in self.cache:
            found = column.model._default_manager.filter(**{column.lookup: code}).first()
            if found is None:
                return None
            self.cache[key] = found
        return self.cache[key]


def _targets(spec: ImportSpec, groups: list[Group]):
    for group in groups:
        yield group.data, spec.header_columns()
        for line in group.lines:
            yield line, spec.line_columns()


def _chunks(values: list, size: int = IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Existing:
    """The current record of each group: read for the whole file at once when the spec can
    (`existing_in`), else per group. Keys are unique within a file (duplicates are refused
    while parsing), so a record read up front is the one the group will update."""

    def __init__(self, spec: ImportSpec, groups: list[Group]) -> None:
        self.spec = spec
        self.found: dict[tuple, Any] | None = None
        if spec.existing_in is not None:
            self.found = {}
            keys = [g.key for g in groups]
            for chunk in _chunks(keys):
                self.found.update(spec.existing_in(chunk))

    def get(self, group: Group) -> Any:
        if self.found is None:
            return self.spec.existing(group.data)
        return self.found.get(group.key)


def execute(spec: ImportSpec, actor, parsed: Parsed, *, check_only: bool = False) -> Outcome:
    """Every row through the service; all errors of the file (reading, references, the
    service's rules) in one list, sorted by row. `check_only` (the dry run) uses the spec's
    `check_batch` where it has one, so nothing is written at all."""
    outcome = Outcome(results=[], errors=list(parsed.errors))
    file_errors = _file_errors(spec, parsed.groups)  # on the data as it was before the file
    references = _References()
    references.prefetch(spec, parsed.groups)
    existing = _Existing(spec, parsed.groups)
    if spec.apply_batch is not None and not spec.grouped:
        apply = spec.check_batch if check_only and spec.check_batch else spec.apply_batch
        _execute_batch(apply, spec, actor, parsed.groups, references, existing, outcome)
    else:
        for group in parsed.groups:
            _execute_group(spec, actor, group, references, existing, outcome)
    outcome.errors += _failed_row_references(parsed.failed, references)
    _mark_failed(outcome, file_errors)
    outcome.errors += file_errors
    outcome.errors = _sorted_errors(outcome.errors)
    return outcome


def _failed_row_references(failed, references: _References) -> list[RowError]:
    """Unknown codes in rows already refused while reading (not written either way)."""
    errors = []
    for row, values in failed:
        for column, code in values.items():
            if column.kind != REFERENCE or code is None or hasattr(code, "_meta"):
                continue
            if references.resolve(column, code) is None:
                errors.append(_unknown_code(row, column, code))
    return errors


def _file_errors(spec: ImportSpec, groups: list[Group]) -> list[RowError]:
    """The spec's own whole-file checks (e.g. a tax number used by another record)."""
    if spec.check_file is None:
        return []
    headers = {c.field: c.header_zh() for c in spec.columns}
    return [
        RowError(row, headers.get(name, name), str(value)[:60], str(message))
        for row, name, value, message in spec.check_file(groups)
    ]


def _mark_failed(outcome: Outcome, errors: list[RowError]) -> None:
    rows = {e.row for e in errors}
    for result in outcome.results:
        if result.row in rows:
            result.action = "error"
            result.values, result.diff, result.changes = [], [], []


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    """By row (file-level errors without a row first), each error once."""
    unique = {(e.row, e.column, e.value, e.message): e for e in errors}
    return sorted(unique.values(), key=lambda e: e.row or 0)


def _key_text(group: Group) -> str:
    return " / ".join(str(k) for k in group.key if k is not None)


def _execute_batch(apply, spec, actor, groups, references, existing, outcome) -> None:
    """All groups through `spec.apply_batch` at once; results and errors as the per-group
    path reports them, in row order."""
    results: dict[int, tuple[RowResult, list[RowError]]] = {}
    ready: list[tuple[Group, list[str]]] = []
    for group in groups:
        errors = _resolve(spec, group, references)
        if errors:
            results[group.first_row] = (
                RowResult(group.first_row, _key_text(group), "error"),
                errors,
            )
            continue
        ready.append((group, _preview(spec, existing.get(group), group)))
    try:
        with transaction.atomic():
            rows = apply(actor=actor, rows=[group.data for group, _c in ready])
    except DomainError as exc:
        # The batch's write itself failed (a concurrent insert): no row of it is written.
        first = ready[0][0]
        outcome.errors.append(RowError(first.first_row, "", _key_text(first), str(exc.message)))
        rows = [None] * len(ready)
    for (group, preview), row in zip(ready, rows, strict=True):
        failed = row is None or row.error is not None
        errors = _service_errors(spec, group, row.error) if row is not None and failed else []
        status = "error" if failed else row.status
        result = _result(group, status, preview)
        results[group.first_row] = (result, errors)
    for number in sorted(results):
        outcome.results.append(results[number][0])
        outcome.errors.extend(results[number][1])


def _execute_group(spec, actor, group, references, existing, outcome) -> None:
    key_text = " / ".join(str(k) for k in group.key if k is not None)
    errors = _resolve(spec, group, references)
    if errors:
        outcome.errors.extend(errors)
        outcome.results.append(RowResult(group.first_row, key_text, "error"))
        return
    preview = _preview(spec, existing.get(group), group)
    try:
        with transaction.atomic():
            _obj, status = spec.upsert(actor=actor, data=group.data, lines=group.lines)
    except DomainError as exc:
        outcome.errors.extend(_service_errors(spec, group, exc))
        outcome.results.append(RowResult(group.first_row, key_text, "error"))
        return
    except IntegrityError:
        outcome.errors.append(
            RowError(
                group.first_row,
                "",
                key_text,
                gettext("This row conflicts with existing data (a duplicate code?). Correct it."),
            )
        )
        outcome.results.append(RowResult(group.first_row, key_text, "error"))
        return
    outcome.results.append(_result(group, status, preview))


def _resolve(spec: ImportSpec, group: Group, references: _References) -> list[RowError]:
    errors = []
    targets = [(group.data, group.first_row, spec.header_columns())]
    targets += [
        (line, row, spec.line_columns())
        for line, row in zip(group.lines, group.line_rows, strict=True)
    ]
    for data, row, columns in targets:
        for column in columns:
            code = data.get(column.field)
            if column.kind != REFERENCE or code is None:
                continue
            found = references.resolve(column, code)
            if found is None:
                errors.append(_unknown_code(row, column, code))
            data[column.field] = found
    return errors


def _unknown_code(row: int, column: Column, code: str) -> RowError:
    return RowError(
        row,
        column.header_zh(),
        code,
        gettext("“%(code)s” does not exist. Create it first or correct the code.") % {"code": code},
    )


def _preview(spec: ImportSpec, existing: Any, group: Group) -> tuple[list, list]:
    """(values to write, changes old → new) of a group whose references are resolved."""
    values = [
        {"column": c.header_zh(), "value": shown(c, group.data[c.field])}
        for c in spec.header_columns()
        if c.field in group.data and group.data[c.field] not in (None, "")
    ]
    if group.lines:
        values.append({"column": gettext("lines"), "value": str(len(group.lines))})
    if existing is None:
        return values, []
    diff = []
    for column in spec.header_columns():
        if column.field not in group.data:
            continue
        if _current(existing, column) != _comparable(group.data[column.field]):
            diff.append(
                {
                    "column": column.header_zh(),
                    "old": shown(column, getattr(existing, column.field)),
                    "new": shown(column, group.data[column.field]),
                }
            )
    if spec.line_objects is not None and _lines_differ(spec, existing, group.lines):
        old = len(list(spec.line_objects(existing)))
        diff.append({"column": gettext("lines"), "old": str(old), "new": str(len(group.lines))})
    return values, diff


def _result(group: Group, status: str, preview: tuple[list, list]) -> RowResult:
    values, diff = preview
    updated = status == "updated"
    return RowResult(
        group.first_row,
        _key_text(group),
        status,
        changes=[d["column"] for d in diff] if updated else [],
        values=values if status in ("created", "updated") else [],
        diff=diff if updated else [],
    )


def shown(column: Column, value: Any) -> str:
    """A value as the preview shows it: codes for references, labels for choices, 是/否."""
    if value is None:
        return ""
    if hasattr(value, "_meta"):
        return str(attrgetter(column.lookup.replace("__", "."))(value))
    if column.kind == BOOL:
        return "是" if value else "否"
    if column.kind == CHOICE:
        labels = dict(zip([v for v, _l in column.choices], column.choice_labels(), strict=True))
        return labels.get(value, str(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _lines_differ(spec: ImportSpec, existing: Any, lines: list[dict]) -> bool:
    current = list(spec.line_objects(existing))
    if len(current) != len(lines):
        return True
    for obj, line in zip(current, lines, strict=True):
        for column in spec.line_columns():
            if column.field in line and _current(obj, column) != _comparable(line[column.field]):
                return True
    return False


def export_rows(spec: ImportSpec):
    """The records in template layout: one row per record, or per line (header repeated)."""
    for obj in spec.queryset().iterator(chunk_size=2000):
        header = [getattr(obj, c.field) for c in spec.header_columns()]
        lines = list(spec.line_objects(obj)) if spec.line_objects is not None else []
        for line in lines or [None]:
            values = dict(zip(spec.header_columns(), header, strict=True))
            for column in spec.line_columns():
                values[column] = getattr(line, column.field) if line is not None else None
            yield [values[c] for c in spec.columns]


def _current(obj: Any, column: Column) -> Any:
    field = obj._meta.get_field(column.field)
    return getattr(obj, field.attname)


def _comparable(value: Any) -> Any:
    return value.pk if hasattr(value, "_meta") else value


def _joined(messages: Any) -> str:
    return "；".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)


def _service_errors(spec: ImportSpec, group: Group, exc: DomainError) -> list[RowError]:
    """One error per field the service names (mapped to its column header), else one."""
    headers = {c.field: c.header_zh() for c in spec.columns}
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    key_text = " / ".join(str(k) for k in group.key if k is not None)
    if isinstance(fields, dict) and fields:
        return [
            RowError(
                group.first_row,
                headers.get(name, name),
                str(group.data.get(name, ""))[:60] if name in group.data else key_text,
                "；".join(str(m) for m in messages)
                if isinstance(messages, list)
                else str(messages),
            )
            for name, messages in fields.items()
        ]
    return [RowError(group.first_row, "", key_text, str(exc.message))]
