"""Rule matching, one condition kind at a time, plus priority and validity dates."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.approvals.services.matching import condition_holds, rule_select
from erp.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("kind", "op", "expected", "actual", "holds"),
    [
        ("decimal", "ge", "5000", Decimal("5000.00"), True),
        ("decimal", "gt", "5000", Decimal("5000.00"), False),
        ("decimal", "gt", "5,000", Decimal("5000.01"), True),
        ("decimal", "le", "10", Decimal("10.5"), False),
        ("decimal", "lt", "10", Decimal("9.99"), True),
        ("decimal", "eq", "0.5", Decimal("0.50"), True),
        ("decimal", "ne", "1", Decimal("1.0"), False),
        ("decimal", "ge", "1", None, False),
        ("code", "eq", "OPS", "OPS", True),
        ("code", "eq", "OPS", "ops", False),
        ("code", "ne", "OPS", "FIN", True),
        ("code", "in", "C001, C002，C003", "C003", True),
        ("code", "in", "C001,C002", "C004", False),
        ("code", "eq", "OPS", "", False),
        ("bool", "eq", "true", True, True),
        ("bool", "eq", "是", False, False),
        ("bool", "ne", "yes", False, True),
    ],
)
def test_condition_holds(kind, op, expected, actual, holds):
    assert condition_holds(kind, op, expected, actual) is holds


def _fields(amount="0", **extra):
    return {"amount": Decimal(amount), **extra}


def test_each_field_can_decide_a_rule(make_rule):
    make_rule("discount", conditions=[("discount_pct", "gt", "10")])
    make_rule("dept", conditions=[("department", "eq", "OPS")])
    make_rule("cust", conditions=[("customer", "in", "C9,C8")])
    make_rule("credit", conditions=[("credit_limit_exceeded", "eq", "true")])
    kw = {"doc_type": "approvaldoc.claimdoc", "on_date": TODAY}
    assert rule_select(fields=_fields(discount_pct=Decimal("12")), **kw).name == "discount"
    assert rule_select(fields=_fields(discount_pct=Decimal("10")), **kw) is None
    assert rule_select(fields=_fields(department="OPS"), **kw).name == "dept"
    assert rule_select(fields=_fields(customer="C8"), **kw).name == "cust"
    assert rule_select(fields=_fields(credit_limit_exceeded=True), **kw).name == "credit"
    assert rule_select(fields=_fields(credit_limit_exceeded=False), **kw) is None


def test_conditions_are_anded_and_highest_priority_wins(make_rule):
    make_rule("big", priority=20, conditions=[("amount", "gt", "20000")])
    make_rule("mid", priority=10, conditions=[("amount", "gt", "5000")])
    make_rule(
        "ops-mid", priority=15, conditions=[("amount", "gt", "5000"), ("department", "eq", "OPS")]
    )
    kw = {"doc_type": "approvaldoc.claimdoc", "on_date": TODAY}
    assert rule_select(fields=_fields("25000", department="OPS"), **kw).name == "big"
    assert rule_select(fields=_fields("6000", department="OPS"), **kw).name == "ops-mid"
    assert rule_select(fields=_fields("6000", department="FIN"), **kw).name == "mid"
    assert rule_select(fields=_fields("5000"), **kw) is None
    assert rule_select(fields=_fields("25000"), doc_type="other.doc", on_date=TODAY) is None


def test_validity_dates_and_active_flag(make_rule):
    make_rule("march", valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 3, 31))
    make_rule("off", priority=99, is_active=False)
    kw = {"doc_type": "approvaldoc.claimdoc", "fields": _fields("1")}
    assert rule_select(on_date=dt.date(2026, 3, 31), **kw).name == "march"
    assert rule_select(on_date=dt.date(2026, 4, 1), **kw) is None
    assert rule_select(on_date=dt.date(2026, 2, 28), **kw) is None


@pytest.mark.parametrize(
    "condition",
    [
        ("amount", "ge", "abc"),
        ("department", "ge", "OPS"),
        ("nonsense", "eq", "1"),
        ("credit_limit_exceeded", "eq", "maybe"),
        ("customer", "in", " , "),
    ],
)
def test_bad_conditions_are_refused(make_rule, condition):
    with pytest.raises(ValidationFailed):
        make_rule("bad", conditions=[condition])


def test_demo_rules_follow_the_thresholds(people):
    from erp.approvals.demo import load_demo

    load_demo(actor=people["admin"])
    kw = {"doc_type": "accounting.expenseclaim", "on_date": TODAY}
    assert rule_select(fields=_fields("5000"), **kw) is None
    assert [s.role_code for s in rule_select(fields=_fields("5000.01"), **kw).steps.all()] == [
        "finance_manager"
    ]
    big = rule_select(fields=_fields("20000.01"), **kw)
    assert [s.role_code for s in big.steps.all()] == ["finance_manager", "general_manager"]
