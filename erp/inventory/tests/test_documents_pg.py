"""Double-submit of a post on PostgreSQL: exactly one posting, the other gets 409."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.core.errors import DomainError
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services.documents import stock_document_create, stock_document_post

from .conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_threads_post_the_same_receipt_once(plant, keeper, ledger_clean):
    doc = stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk},
        lines=[{"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "5"}],
    )
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
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
    assert len(errors) == 1 and errors[0].status == 409
    assert StockMove.objects.count() == 1
    assert StockBalance.objects.get(material=plant["bag"]).on_hand == Decimal("5")
    ledger_clean()
