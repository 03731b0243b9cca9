"""Assign legal document numbers (编码规则).

`number_next` must run inside the transaction that confirms or posts the document: the rule
row is locked first (fixed lock order: period → sequence → balances), so numbers are unique,
and a rolled-back transaction gives its number back, so they are gap-free.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError
from erp.core.models import NumberingCounter, NumberingRule


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
    counter, _created = NumberingCounter.objects.select_for_update().get_or_create(
        rule=rule, period_key=key
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return format_number(rule, on_date, counter.last_value)
