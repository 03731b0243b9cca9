import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from erp.core.errors import Conflict, InvalidTransition, PermissionDenied
from erp.core.models import AuditEvent, NumberingRule
from erp.core.services.transitions import document_transition
from tests.docapp.models import SAMPLE_DOC_STATES, SampleDoc

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def rule(db):
    return NumberingRule.objects.create(
        doc_type="docapp.sampledoc", name="测试单", prefix="TD", date_part="YYYYMM", reset="monthly"
    )


def _confirm(actor, doc, **kw):
    return document_transition(
        actor=actor,
        doc=doc,
        machine=SAMPLE_DOC_STATES,
        name="confirm",
        number_doc_type="docapp.sampledoc",
        on_date=DAY,
        **kw,
    )


def test_confirm_numbers_and_audits(admin_user, rule):
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    done = _confirm(admin_user, doc)
    doc.refresh_from_db()
    assert (doc.state, doc.number, doc.version) == ("confirmed", "TD2026030001", 2)
    assert done.number == doc.number
    event = AuditEvent.objects.get(action="transition", object_id=str(doc.pk))
    assert event.object_type == "docapp.sampledoc"
    assert event.actor == admin_user
    assert event.note == "confirm"
    assert event.changes == {
        "state": ["draft", "confirmed"],
        "number": ["", "TD2026030001"],
        "version": [1, 2],
    }


def test_replay_is_409_and_changes_nothing(admin_user, rule):
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    _confirm(admin_user, doc)
    with pytest.raises(InvalidTransition) as err:
        _confirm(admin_user, doc)  # stale object still says "draft"
    assert err.value.status == 409
    assert err.value.code == "already_done"
    assert "TD2026030001" in str(err.value.message)
    doc.refresh_from_db()
    assert (doc.number, doc.version) == ("TD2026030001", 2)
    assert AuditEvent.objects.filter(action="transition").count() == 1


def test_cancel_keeps_number_and_illegal_transition_names_state(admin_user, rule):
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    _confirm(admin_user, doc)
    cancelled = document_transition(
        actor=admin_user, doc=doc, machine=SAMPLE_DOC_STATES, name="cancel"
    )
    assert (cancelled.state, cancelled.number) == ("cancelled", "TD2026030001")
    with pytest.raises(InvalidTransition) as err:
        _confirm(admin_user, cancelled)
    assert err.value.code == "invalid_transition"
    assert err.value.details["state"] == "cancelled"


def test_permission_is_checked_and_nothing_is_numbered(make_user, admin_user, rule):
    clerk = make_user("clerk", "sales")
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    with pytest.raises(PermissionDenied) as err:
        _confirm(clerk, doc)
    assert err.value.details["missing"] == ["docapp.confirm_sampledoc"]
    doc.refresh_from_db()
    assert (doc.state, doc.number) == ("draft", "")
    # The refused attempt did not consume a number.
    assert _confirm(admin_user, doc).number == "TD2026030001"


def test_expected_version_refuses_stale_edit(admin_user, rule):
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user, version=3)
    with pytest.raises(Conflict) as err:
        _confirm(admin_user, doc, expected_version=2)
    assert err.value.code == "version_conflict"
    assert _confirm(admin_user, doc, expected_version=3).version == 4


def test_failure_after_transition_rolls_everything_back(admin_user, rule):
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    with pytest.raises(RuntimeError), transaction.atomic():
        _confirm(admin_user, doc)
        raise RuntimeError("posting stock failed")
    doc.refresh_from_db()
    assert (doc.state, doc.number) == ("draft", "")
    assert not AuditEvent.objects.filter(action="transition").exists()
    assert _confirm(admin_user, doc).number == "TD2026030001"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_confirms_one_wins_pg(admin_user):
    NumberingRule.objects.create(doc_type="docapp.sampledoc", name="测试单", prefix="TD")
    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker():
        try:
            barrier.wait()
            results.append(_confirm(admin_user, SampleDoc.objects.get(pk=doc.pk)).number)
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [r for r in results if isinstance(r, str)]
    errors = [r for r in results if not isinstance(r, str)]
    assert numbers == ["TD2026030001"]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition), errors
    assert errors[0].status == 409
    doc.refresh_from_db()
    assert (doc.state, doc.number, doc.version) == ("confirmed", "TD2026030001", 2)
    assert AuditEvent.objects.filter(action="transition", object_id=str(doc.pk)).count() == 1
    with pytest.raises(InvalidTransition):
        _confirm(admin_user, doc)
