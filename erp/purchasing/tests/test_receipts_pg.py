"""PostgreSQL, real threads: two receipts against the last open quantity of one order line at
once — one posts, the other is refused; the line is never received beyond its tolerance."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.core.errors import DomainError
from erp.purchasing.models import GoodsReceipt
from erp.purchasing.services import receipts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_receipts_for_the_last_open_quantity(books, approved_order, keeper, plant):
    line = approved_order.lines.get(material=plant["resin"])  # 100 ordered, +5% = 105

    def draft(qty):
        return receipts.goods_receipt_create(
            actor=keeper,
            header={"supplier_id": plant["supplier"].pk, "warehouse_id": plant["wh"].pk},
            lines=[{"order_line_id": line.pk, "quantity": Decimal(qty), "supplier_lot": "T"}],
        )

    docs = [draft("80"), draft("80")]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = receipts.goods_receipt_post(actor=keeper, doc_id=docs[i].pk)
        except DomainError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].details["fields"].keys() == {"quantity"}
    line.refresh_from_db()
    assert line.received_quantity == Decimal("80")
    assert GoodsReceipt.objects.filter(state="posted").count() == 1
