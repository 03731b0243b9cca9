import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from erp.core.models import AuditEvent, NumberingRule
from erp.core.selectors import AuditFilter, audit_events_for, audit_events_search, audit_rows
from erp.core.services.audit import audit_record


@pytest.fixture
def event(admin_user):
    return audit_record(actor=admin_user, action="create", object_type="x.y", object_id="1")


def _refused(run) -> None:
    with pytest.raises(DatabaseError) as err, transaction.atomic():
        run()
    assert "append-only" in str(err.value) or "append" in str(err.value).lower()


def test_queryset_update_and_delete_are_refused_by_the_database(event):
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(note="rewritten"))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: AuditEvent.objects.all().delete())
    event.refresh_from_db()
    assert event.note == ""


def test_raw_sql_update_and_delete_are_refused(event):
    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])

        return run

    _refused(raw("UPDATE core_auditevent SET actor_id = NULL WHERE id = %s"))
    _refused(raw("DELETE FROM core_auditevent WHERE id = %s"))
    assert AuditEvent.objects.filter(pk=event.pk, actor__isnull=False).exists()


def test_model_save_and_delete_are_refused(event):
    event.note = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_control_characters_are_escaped(admin_user):
    e = audit_record(
        actor=admin_user,
        action="update",
        object_type="x.y",
        object_id="2",
        object_repr="evil\r\nFAKE LINE\x1b[31m",
        changes={"name": ["a\x00b", "c\x07d"]},
        note="tab\tand\x7f",
    )
    e.refresh_from_db()
    assert e.object_repr == "evil\\x0d\\x0aFAKE LINE\\x1b[31m"
    assert e.changes == {"name": ["a\\x00b", "c\\x07d"]}
    assert e.note == "tab\tand\\x7f"


def test_trail_of_an_object_is_oldest_first_with_field_labels(admin_user):
    rule = NumberingRule.objects.create(doc_type="a.b", name="甲", prefix="A")
    audit_record(actor=admin_user, action="create", obj=rule)
    audit_record(actor=admin_user, action="update", obj=rule, changes={"prefix": ["A", "B"]})
    audit_record(actor=admin_user, action="update", object_type="a.b", object_id=str(rule.pk))
    events = audit_events_for(rule)
    assert [e.action for e in events] == ["create", "update"]
    rows = audit_rows(events)
    assert rows[1].changes[0].label == str(NumberingRule._meta.get_field("prefix").verbose_name)
    assert (rows[1].changes[0].before, rows[1].changes[0].after) == ("A", "B")


def test_trail_include_shows_local_time_user_and_change(admin_user):
    rule = NumberingRule.objects.create(doc_type="a.b", name="甲", prefix="A")
    audit_record(actor=admin_user, action="update", obj=rule, changes={"prefix": ["A", "<b>B"]})
    html = render_to_string(
        "core/_audit_trail.html", {"audit_rows": audit_rows(audit_events_for(rule))}
    )
    local = timezone.localtime(
        AuditEvent.objects.get().at, timezone=dt.timezone(dt.timedelta(hours=8))
    )
    assert local.strftime("%Y-%m-%d %H:%M") in html
    assert "系统管理员" in html
    assert "&lt;b&gt;B" in html and "<b>B" not in html


def test_search_filters_by_user_type_and_local_dates(admin_user, make_user):
    other = make_user("other")
    audit_record(actor=admin_user, action="create", object_type="a.b", object_id="1")
    audit_record(actor=other, action="create", object_type="c.d", object_id="2")
    assert audit_events_search(AuditFilter(actor_id=other.pk)).get().object_type == "c.d"
    assert audit_events_search(AuditFilter(object_type="a.b")).get().actor == admin_user
    today = timezone.localdate()
    assert audit_events_search(AuditFilter(date_from=today, date_to=today)).count() == 2
    tomorrow = today + dt.timedelta(days=1)
    assert not audit_events_search(AuditFilter(date_from=tomorrow)).exists()
    assert not audit_events_search(AuditFilter(date_to=today - dt.timedelta(days=1))).exists()
