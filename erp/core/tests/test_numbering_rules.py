import datetime as dt

import pytest
from django.db import transaction

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent, NumberingRule
from erp.core.selectors import numbering_preview
from erp.core.services.numbering import (
    number_next,
    numbering_defaults,
    numbering_rule_create,
    numbering_rule_update,
    numbering_rules_ensure_defaults,
)

NOV = dt.date(2026, 11, 5)


def _create(actor, **kw):
    values = {"doc_type": "sales.salesorder", "name": "销售订单", "prefix": "SO"}
    return numbering_rule_create(actor=actor, **{**values, **kw})


def _take(doc_type="sales.salesorder", on_date=NOV):
    with transaction.atomic():
        return number_next(doc_type=doc_type, on_date=on_date)


def test_create_is_audited_and_preview_does_not_consume(admin_user):
    rule = _create(admin_user)
    event = AuditEvent.objects.get(object_type="core.numberingrule", object_id=str(rule.pk))
    assert event.action == "create" and event.changes["prefix"] == [None, "SO"]
    assert numbering_preview(rule, NOV) == "SO2026110001"
    assert numbering_preview(rule, NOV) == "SO2026110001"
    assert _take() == "SO2026110001"
    assert numbering_preview(rule, NOV) == "SO2026110002"


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("prefix", {"prefix": "S O"}),
        ("prefix", {"prefix": "SO/"}),
        ("prefix", {"prefix": "销售"}),
        ("counter_width", {"counter_width": 0}),
        ("counter_width", {"counter_width": 13}),
        ("date_part", {"date_part": "", "reset": "monthly"}),
        ("date_part", {"date_part": "YYYY", "reset": "monthly"}),
        ("doc_type", {"doc_type": "SalesOrder"}),
        ("name", {"name": "  "}),
    ],
)
def test_create_refuses_bad_values_with_field_errors(admin_user, field, kw):
    with pytest.raises(ValidationFailed) as err:
        _create(admin_user, **kw)
    assert field in err.value.details["fields"]
    assert not NumberingRule.objects.exists()


def test_create_accepts_allowed_prefix_chars_and_refuses_duplicates(admin_user):
    _create(admin_user, prefix="So-2_x", date_part="", reset="never", counter_width=12)
    with pytest.raises(ValidationFailed) as err:
        _create(admin_user)
    assert "sales.salesorder" in err.value.details["fields"]["doc_type"][0]


def test_permissions_are_required(make_user, admin_user):
    clerk = make_user("clerk", "sales")
    with pytest.raises(PermissionDenied):
        _create(clerk)
    rule = _create(admin_user)
    with pytest.raises(PermissionDenied):
        numbering_rule_update(actor=clerk, rule_id=rule.pk, prefix="X")


def test_format_change_keeps_the_counter(admin_user):
    rule = _create(admin_user)
    assert [_take(), _take()] == ["SO2026110001", "SO2026110002"]
    numbering_rule_update(
        actor=admin_user, rule_id=rule.pk, prefix="XS", date_part="YYYYMMDD", counter_width=5
    )
    assert _take() == "XS2026110500003"
    event = AuditEvent.objects.filter(action="update").get()
    assert event.changes["prefix"] == ["SO", "XS"]
    assert event.changes["counter_width"] == [4, 5]


def test_reset_cannot_change_once_numbers_were_issued(admin_user):
    rule = _create(admin_user, date_part="YYYYMM", reset="monthly")
    numbering_rule_update(actor=admin_user, rule_id=rule.pk, reset="yearly")  # none issued yet
    _take()
    with pytest.raises(ValidationFailed) as err:
        numbering_rule_update(actor=admin_user, rule_id=rule.pk, reset="never")
    assert "reset" in err.value.details["fields"]
    rule.refresh_from_db()
    assert rule.reset == "yearly"


def test_update_refuses_unknown_fields_and_unchanged_save_is_not_audited(admin_user):
    rule = _create(admin_user)
    with pytest.raises(ValidationFailed):
        numbering_rule_update(actor=admin_user, rule_id=rule.pk, doc_type="x.y")
    numbering_rule_update(actor=admin_user, rule_id=rule.pk, prefix="SO")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_defaults_are_created_once_and_edits_survive(admin_user):
    """The rules come from the apps' registrations (inventory, accounting); rules of apps that
    are not installed yet (sales, purchasing, ...) are not created by core."""
    created = numbering_rules_ensure_defaults()
    assert len(created) == len(numbering_defaults()) == NumberingRule.objects.count()
    prefixes = dict(NumberingRule.objects.values_list("doc_type", "prefix"))
    assert prefixes["inventory.otherreceipt"] == "IR"
    assert prefixes["inventory.stockcount"] == "ST"
    assert prefixes["inventory.scrap"] == "SC"
    assert prefixes["accounting.expenseclaim"] == "EX"
    assert "crm.lead" not in prefixes and "maintenance.workorder" not in prefixes
    assert len(set(prefixes.values())) == len(prefixes)
    assert NumberingRule.objects.get(doc_type="inventory.transfer").name == "调拨单"
    rule = NumberingRule.objects.get(doc_type="inventory.otherreceipt")
    numbering_rule_update(actor=admin_user, rule_id=rule.pk, prefix="QT")
    assert numbering_rules_ensure_defaults() == []
    rule.refresh_from_db()
    assert rule.prefix == "QT"
