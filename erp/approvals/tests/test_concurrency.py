"""Approve racing an edit on PostgreSQL: exactly one wins, the other gets 409."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.approvals.services.requests import approval_decide, approval_submit
from erp.core.errors import DomainError
from tests.approvaldoc.services import claim_edit


def _race(approve, edit) -> dict[str, object]:
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, fn):
        try:
            barrier.wait()
            fn()
            outcomes[name] = "ok"
        except DomainError as exc:
            outcomes[name] = exc.status
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("approve", approve)),
        threading.Thread(target=run, args=("edit", edit)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _one_round(people, claim, req) -> None:
    outcomes = _race(
        lambda: approval_decide(actor=people["fm"], request_id=req.pk, action="approve"),
        lambda: claim_edit(
            actor=people["clerk"],
            claim_id=claim.pk,
            amount=Decimal("9000"),
            expected_version=claim.version,
        ),
    )
    assert sorted(map(str, outcomes.values())) == ["409", "ok"], outcomes
    req.refresh_from_db()
    claim.refresh_from_db()
    if outcomes["approve"] == "ok":
        assert req.state == "approved" and claim.amount == Decimal("8000")
    else:
        assert req.state == "superseded" and claim.amount == Decimal("9000")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_edit_one_winner(people, make_claim, make_rule):
    make_rule()
    for _round in range(5):
        claim = make_claim("8000")
        req = approval_submit(actor=people["clerk"], doc=claim)
        claim.refresh_from_db()
        _one_round(people, claim, req)
