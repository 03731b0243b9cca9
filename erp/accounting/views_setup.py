"""Set-up pages of accounting (new with issue #12): the posting rules (document event ×
material category × warehouse → debit/credit accounts), each with a preview voucher of
¥1,000.00 so finance sees what a document will post before it does."""

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render

from erp.accounting.models import PostingRule
from erp.core.access import require_perm

PREVIEW_AMOUNT = Decimal("1000.00")


@dataclass
class RuleRow:
    rule: PostingRule
    lines: list[tuple[str, str, Decimal, Decimal]]  # (code, name, debit, credit)


def posting_rules(request):
    require_perm(request.user, "accounting.view_postingrule")
    event = request.GET.get("event", "")
    rules = PostingRule.objects.select_related("debit_account", "credit_account").order_by(
        "event", "category_code", "warehouse_code"
    )
    if event:
        rules = rules.filter(event=event)
    rows = [
        RuleRow(
            rule,
            [
                (rule.debit_account.code, rule.debit_account.name, PREVIEW_AMOUNT, Decimal("0")),
                (rule.credit_account.code, rule.credit_account.name, Decimal("0"), PREVIEW_AMOUNT),
            ],
        )
        for rule in rules
    ]
    events = sorted(
        {(r.event, r.get_event_display()) for r in PostingRule.objects.all()}, key=lambda e: e[0]
    )
    context = {"rows": rows, "events": events, "event": event, "amount": PREVIEW_AMOUNT}
    return render(request, "accounting/setup/posting_rules.html", context)
