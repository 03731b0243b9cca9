"""Assign legal document numbers (编码规则) and maintain the rules.

`number_next` must run inside the transaction that confirms or posts the document: the rule
row is locked first (fixed lock order: period → sequence → balances), so numbers are unique,
and a rolled-back transaction gives its number back, so they are gap-free.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, ValidationFailed
from erp.core.models import NumberingCounter, NumberingRule
from erp.core.services.audit import audit_record, diff, snapshot

EDITABLE_FIELDS = ("name", "prefix", "date_part", "counter_width", "reset")
_PREFIX = re.compile(r"^[A-Za-z0-9_-]*$")
_DOC_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# How fine the date part must be for each reset period: without the month in the number,
# a monthly reset would hand out SO0001 again every month.
_DATE_PART_NEEDED = {
    NumberingRule.Reset.MONTHLY: {NumberingRule.DatePart.MONTH, NumberingRule.DatePart.DAY},
    NumberingRule.Reset.YEARLY: {
        NumberingRule.DatePart.YEAR,
        NumberingRule.DatePart.MONTH,
        NumberingRule.DatePart.DAY,
    },
}


@dataclass(frozen=True)
class NumberingDefault:
    """The rule a document type starts with: its prefix and Chinese name (docs/glossary.md)."""

    doc_type: str
    prefix: str
    name: str


# Filled at start-up by each app's AppConfig.ready() (fixed configuration, never changed by
# requests): inventory registers IR/OI/TR/SC/ST/LOT, accounting EX/CR/PM, and a new module
# its own — core names no app.
_DEFAULTS: dict[str, NumberingDefault] = {}


def numbering_rule_register(doc_type: str, prefix: str, name: str) -> None:
    """Declare the default numbering rule of a document type (call from AppConfig.ready()).
    Registering the same rule again is a no-op; a different rule for a registered type is a
    programming error (two apps claiming one document type)."""
    if not _DOC_TYPE.match(doc_type):
        raise ImproperlyConfigured(f"numbering rule {doc_type!r}: use app.model in lower case")
    rule = NumberingDefault(doc_type, prefix, name)
    known = _DEFAULTS.get(doc_type)
    if known is not None and known != rule:
        raise ImproperlyConfigured(f"numbering rule {doc_type!r} registered twice: {known}")
    _DEFAULTS[doc_type] = rule


def numbering_rule_unregister(doc_type: str) -> None:
    """Tests only: forget a rule a test registered."""
    _DEFAULTS.pop(doc_type, None)


def numbering_defaults() -> list[NumberingDefault]:
    """Every registered default rule, by document type."""
    return sorted(_DEFAULTS.values(), key=lambda r: r.doc_type)


def period_key(rule: NumberingRule, on_date: dt.date) -> str:
    if rule.reset == NumberingRule.Reset.YEARLY:
        return f"{on_date:%Y}"
    if rule.reset == NumberingRule.Reset.MONTHLY:
        return f"{on_date:%Y%m}"
    return ""


def format_number(rule: NumberingRule, on_date: dt.date, value: int) -> str:
    date_text = {
        NumberingRule.DatePart.YEAR: f"{on_date:%Y}",
        NumberingRule.DatePart.MONTH: f"{on_date:%Y%m}",
        NumberingRule.DatePart.DAY: f"{on_date:%Y%m%d}",
    }.get(rule.date_part, "")
    return f"{rule.prefix}{date_text}{value:0{rule.counter_width}d}"


def number_next(*, doc_type: str, on_date: dt.date) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next must run inside the posting transaction")
    try:
        rule = NumberingRule.objects.select_for_update().get(doc_type=doc_type)
    except NumberingRule.DoesNotExist:
        raise BusinessRuleError(
            _(
                "No numbering rule exists for document type %(doc_type)s. Add one under Settings → "
                "Numbering rules."
            )
            % {"doc_type": doc_type},
            code="numbering_rule_missing",
            doc_type=doc_type,
        ) from None
    key = period_key(rule, on_date)
    # The rule row is locked, so only one transaction at a time can create the counter row of a
    # new period: get_or_create cannot race here.
    counter, _created = NumberingCounter.objects.select_for_update().get_or_create(
        rule=rule, period_key=key
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return format_number(rule, on_date, counter.last_value)


def _field_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(str(message))

    if not str(values.get("name") or "").strip():
        add("name", _("Enter a name, for example 销售订单."))
    if not _PREFIX.match(str(values.get("prefix") or "")) or len(values.get("prefix") or "") > 20:
        add(
            "prefix",
            _("Use at most 20 letters, digits, hyphens (-) or underscores (_) in the prefix."),
        )
    width = values.get("counter_width")
    if not isinstance(width, int) or isinstance(width, bool) or not 1 <= width <= 12:
        add("counter_width", _("Enter a counter width between 1 and 12 digits."))
    if values.get("date_part") not in NumberingRule.DatePart.values:
        add("date_part", _("Choose a date part from the list."))
    reset = values.get("reset")
    if reset not in NumberingRule.Reset.values:
        add("reset", _("Choose a reset period from the list."))
    elif values.get("date_part") not in _DATE_PART_NEEDED.get(reset, NumberingRule.DatePart.values):
        add(
            "date_part",
            _(
                "A counter that restarts every month or year needs the month or year in the "
                "number, or numbers would repeat. Choose a date part that includes it."
            ),
        )
    return errors


def _validate(values: dict[str, Any]) -> None:
    errors = _field_errors(values)
    if errors:
        raise ValidationFailed(fields=errors)


def _rule_get_locked(rule_id: int) -> NumberingRule:
    try:
        return NumberingRule.objects.select_for_update().get(pk=rule_id)
    except (NumberingRule.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def numbering_rule_create(
    *,
    actor,
    doc_type: str,
    name: str,
    prefix: str = "",
    date_part: str = NumberingRule.DatePart.MONTH,
    counter_width: int = 4,
    reset: str = NumberingRule.Reset.MONTHLY,
) -> NumberingRule:
    require_perm(actor, "core.add_numberingrule")
    values = {
        "name": name.strip(),
        "prefix": prefix.strip(),
        "date_part": date_part,
        "counter_width": counter_width,
        "reset": reset,
    }
    errors = _field_errors(values)
    if not _DOC_TYPE.match(doc_type or ""):
        errors.setdefault("doc_type", []).append(
            str(_("Enter the document type as app.model in lower case, e.g. sales.salesorder."))
        )
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            rule = NumberingRule.objects.create(doc_type=doc_type, **values)
            audit_record(actor=actor, action="create", obj=rule, changes=diff({}, snapshot(rule)))
    except IntegrityError:
        raise ValidationFailed(
            fields={
                "doc_type": [
                    str(
                        _(
                            "A numbering rule for %(doc_type)s already exists. Edit that rule "
                            "instead."
                        )
                        % {"doc_type": doc_type}
                    )
                ]
            }
        ) from None
    return rule


@transaction.atomic
def numbering_rule_update(*, actor, rule_id: int, **fields: Any) -> NumberingRule:
    """Change how a rule's numbers look. Counters are kept, so a rule that already issued
    numbers continues from its last value; its reset period cannot change, because counters of
    a different period would hand out numbers that were already issued."""
    require_perm(actor, "core.change_numberingrule")
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={f: [str(_("This field cannot be changed."))] for f in unknown},
        )
    rule = _rule_get_locked(rule_id)
    before = snapshot(rule)
    for name, value in fields.items():
        setattr(rule, name, value.strip() if isinstance(value, str) else value)
    _validate({f: getattr(rule, f) for f in EDITABLE_FIELDS})
    if rule.reset != before["reset"] and rule.counters.filter(last_value__gt=0).exists():
        raise ValidationFailed(
            fields={
                "reset": [
                    str(
                        _(
                            "This rule has already issued numbers, so its reset period cannot "
                            "change. Keep the reset period; prefix, date part and width may "
                            "change."
                        )
                    )
                ]
            }
        )
    rule.save()
    changes = diff(before, snapshot(rule))
    if changes:
        audit_record(actor=actor, action="update", obj=rule, changes=changes)
    return rule


@transaction.atomic
def numbering_rules_ensure_defaults() -> list[NumberingRule]:
    """Create the rule of every registered document type that has none; existing rules
    (possibly edited by the customer) are left alone. Run by setup and demo commands; returns
    the rules it created."""
    existing = set(NumberingRule.objects.values_list("doc_type", flat=True))
    created = []
    for default in numbering_defaults():
        if default.doc_type in existing:
            continue
        rule = NumberingRule.objects.create(
            doc_type=default.doc_type,
            name=default.name,
            prefix=default.prefix,
            date_part=NumberingRule.DatePart.MONTH,
            counter_width=4,
            reset=NumberingRule.Reset.MONTHLY,
        )
        audit_record(actor=None, action="create", obj=rule)
        created.append(rule)
    return created
