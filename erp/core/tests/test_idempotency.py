import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.models import IdempotencyRecord
from erp.core.services.idempotency import idempotent
from tests.docapp.models import SampleDoc


def _creator(user, calls: list, delay: float = 0.0):
    def create():
        calls.append(1)
        if delay:
            time.sleep(delay)
        doc = SampleDoc.objects.create(state="draft", created_by=user, title="x")
        return 201, {"id": doc.pk, "total": Decimal("12345.60")}

    return create


def test_retry_with_same_key_returns_first_answer(admin_user):
    calls: list = []
    first = idempotent(
        user=admin_user, key="k-1", endpoint="docs.create", create=_creator(admin_user, calls)
    )
    again = idempotent(
        user=admin_user, key="k-1", endpoint="docs.create", create=_creator(admin_user, calls)
    )
    assert first == again == (201, {"id": first[1]["id"], "total": "12345.60"})
    assert len(calls) == 1
    assert SampleDoc.objects.count() == 1


def test_key_is_scoped_to_user_and_endpoint(admin_user, make_user):
    other = make_user("other")
    calls: list = []
    a = idempotent(
        user=admin_user, key="k", endpoint="docs.create", create=_creator(admin_user, calls)
    )
    b = idempotent(user=other, key="k", endpoint="docs.create", create=_creator(other, calls))
    c = idempotent(
        user=admin_user, key="k", endpoint="other.create", create=_creator(admin_user, calls)
    )
    assert len({a[1]["id"], b[1]["id"], c[1]["id"]}) == 3


def test_no_key_runs_every_time(admin_user):
    calls: list = []
    idempotent(user=admin_user, key="", endpoint="docs.create", create=_creator(admin_user, calls))
    idempotent(user=admin_user, key="", endpoint="docs.create", create=_creator(admin_user, calls))
    assert len(calls) == 2 and not IdempotencyRecord.objects.exists()


def test_failed_create_leaves_no_record_so_retry_runs(admin_user):
    def failing():
        SampleDoc.objects.create(state="draft", created_by=admin_user)
        raise BusinessRuleError("no stock", code="insufficient_stock")

    with pytest.raises(BusinessRuleError):
        idempotent(user=admin_user, key="k-2", endpoint="docs.create", create=failing)
    assert not IdempotencyRecord.objects.exists() and not SampleDoc.objects.exists()
    calls: list = []
    status, _body = idempotent(
        user=admin_user, key="k-2", endpoint="docs.create", create=_creator(admin_user, calls)
    )
    assert status == 201 and len(calls) == 1


@pytest.mark.parametrize("key", ["x" * 129, "has space", "中文"])
def test_invalid_key_is_refused(admin_user, key):
    with pytest.raises(ValidationFailed) as err:
        idempotent(user=admin_user, key=key, endpoint="e", create=lambda: (201, {}))
    assert err.value.code == "idempotency_key_invalid"


def _concurrent_same_key(user, threads: int = 2):
    barrier = threading.Barrier(threads)
    calls: list = []
    results: list = []

    def worker():
        try:
            barrier.wait()
            results.append(
                idempotent(
                    user=user, key="same", endpoint="docs.create", create=_creator(user, calls, 0.3)
                )
            )
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return calls, results


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_waits_and_reuses_first_sqlite_or_pg(admin_user):
    calls, results = _concurrent_same_key(admin_user)
    assert len(calls) == 1, results
    assert results[0] == results[1] and results[0][0] == 201
    assert SampleDoc.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_concurrent_duplicates_one_record_pg(admin_user):
    calls, results = _concurrent_same_key(admin_user, threads=5)
    assert len(calls) == 1, results
    assert len({r[1]["id"] for r in results}) == 1
    assert SampleDoc.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
