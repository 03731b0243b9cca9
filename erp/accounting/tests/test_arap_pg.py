"""Concurrency on PostgreSQL: two receipts allocating the same open item at once."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.accounting.models import CustomerReceipt, OpenItem, Voucher
from erp.accounting.services import arap as svc
from erp.core.errors import BusinessRuleError

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_receipts_on_one_item_never_over_allocate(books, accountant):
    """Both lock the item (sorted by id) before allocating: the second waits, re-reads the
    open amount and is refused; exactly one receipt and one voucher are posted."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.masterdata.models import Customer

    numbering_rules_ensure_defaults()
    customer = Customer.objects.create(code="C-001", name="华东化工")
    svc.opening_arap_post(
        actor=books,
        kind="receivable",
        go_live=dt.date(2026, 2, 1),
        items=[svc.OpeningItem(customer.pk, "INV-1", dt.date(2026, 1, 5), D("1000.00"))],
    )
    item = OpenItem.objects.get()
    drafts = [
        svc.customer_receipt_save(
            actor=accountant,
            customer_id=customer.pk,
            date=dt.date(2026, 2, 10),
            amount=D("700.00"),
            bank_account_code="1002",
            lines=[{"open_item_id": item.pk, "amount": "700.00"}],
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcome: list[object] = []

    def post(receipt_id):
        barrier.wait()
        try:
            outcome.append(svc.customer_receipt_post(actor=accountant, receipt_id=receipt_id))
        except BusinessRuleError as exc:
            outcome.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(d.pk,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [o for o in outcome if isinstance(o, BusinessRuleError)]
    assert len(outcome) == 2 and len(errors) == 1 and errors[0].code == "over_allocation"
    item.refresh_from_db()
    assert item.allocated == D("700.00")
    assert CustomerReceipt.objects.filter(state="posted").count() == 1
    assert Voucher.objects.filter(source_type="accounting.customerreceipt").count() == 1
