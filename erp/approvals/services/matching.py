"""Which rule applies to a document: pure comparisons plus one query for the candidate rules."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from erp.approvals.contract import rule_field_kinds
from erp.approvals.models import ApprovalRule
from erp.approvals.states import Operator
from erp.core.errors import ValidationFailed

TRUE_WORDS = {"true", "1", "yes", "y", "是", "真"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "假"}
# Operators that make sense per kind of field.
OPERATORS_FOR_KIND = {
    "decimal": {o.value for o in Operator},
    "code": {Operator.EQ, Operator.NE, Operator.IN},
    "bool": {Operator.EQ, Operator.NE},
}


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def value_parse(kind: str, text: str) -> Any:
    """The typed value of a condition's text; ValueError when it does not fit the kind."""
    text = text.strip()
    if kind == "decimal":
        try:
            return Decimal(text.replace(",", "").replace("¥", ""))
        except InvalidOperation:
            raise ValueError(text) from None
    if kind == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(text)
    return text


def condition_validate(*, field: str, operator: str, value: str, kinds: dict) -> None:
    if field not in kinds:
        raise ValidationFailed(
            _("Unknown field %(field)s in a condition. Choose a field from the list.")
            % {"field": field}
        )
    kind = kinds[field][0]
    if operator not in OPERATORS_FOR_KIND[kind]:
        raise ValidationFailed(
            _("The operator %(op)s cannot be used with %(field)s. Choose another operator.")
            % {"op": operator, "field": kinds[field][1]}
        )
    parts = _items(value) if operator == Operator.IN else [value]
    try:
        if not parts or not all(str(p).strip() for p in parts):
            raise ValueError(value)
        for part in parts:
            value_parse(kind, part)
    except ValueError:
        raise ValidationFailed(
            _('"%(value)s" is not a valid value for %(field)s. Enter a %(kind)s value.')
            % {"value": value, "field": kinds[field][1], "kind": _kind_label(kind)}
        ) from None


def _kind_label(kind: str) -> str:
    return str(
        {"decimal": pgettext("field kind", "number"), "bool": _("yes/no"), "code": _("code")}[kind]
    )


def condition_holds(kind: str, operator: str, expected: str, actual: Any) -> bool:
    """Does the document's value `actual` satisfy `operator expected`? A missing value never
    matches, so a rule cannot fire on data the document does not provide."""
    if actual is None or actual == "":
        return False
    if kind == "decimal":
        actual = Decimal(str(actual))
    elif kind == "bool":
        actual = bool(actual)
    else:
        actual = str(actual)
    if operator == Operator.IN:
        return actual in [value_parse(kind, p) for p in _items(expected)]
    wanted = value_parse(kind, expected)
    return {
        Operator.EQ: lambda: actual == wanted,
        Operator.NE: lambda: actual != wanted,
        Operator.GE: lambda: actual >= wanted,
        Operator.GT: lambda: actual > wanted,
        Operator.LE: lambda: actual <= wanted,
        Operator.LT: lambda: actual < wanted,
    }[Operator(operator)]()


def rule_matches(rule: ApprovalRule, fields: dict[str, Any]) -> bool:
    kinds = rule_field_kinds(rule.doc_type)
    return all(
        c.field in kinds
        and condition_holds(kinds[c.field][0], c.operator, c.value, fields.get(c.field))
        for c in rule.conditions.all()
    )


def rule_select(*, doc_type: str, fields: dict[str, Any], on_date: dt.date) -> ApprovalRule | None:
    """The highest-priority active rule valid on `on_date` whose conditions all hold."""
    candidates = (
        ApprovalRule.objects.filter(doc_type=doc_type, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on_date))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        .prefetch_related("conditions", "steps")
        .order_by("-priority", "id")
    )
    return next((rule for rule in candidates if rule_matches(rule, fields)), None)
