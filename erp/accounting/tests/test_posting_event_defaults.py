"""A module's posting event brings its default rule: with the chart, and later by `erp setup`
(a module installed after go-live), never over a rule finance wrote."""

import pytest

from erp.accounting.models import PostingRule
from erp.accounting.services.chart import chart_seed, posting_rules_ensure_defaults
from erp.core.posting_events import posting_event_register, posting_event_unregister

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale_event():
    posting_event_register(
        "test_sale",
        "Test sale",
        defaults={"enterprise": ("1122", "6001"), "small": ("1122", "5001")},
    )
    posting_event_register("test_bad", "Bad", defaults={"enterprise": ("9999", "6001")})
    yield
    posting_event_unregister("test_sale")
    posting_event_unregister("test_bad")


def _rule(event):
    rule = PostingRule.objects.select_related("debit_account", "credit_account").get(event=event)
    return rule.debit_account.code, rule.credit_account.code


def test_chart_seed_writes_a_registered_event_default(manager, sale_event):
    chart_seed(actor=manager, standard="enterprise")
    assert _rule("test_sale") == ("1122", "6001")
    # an account the chart does not have: no rule rather than a broken one
    assert not PostingRule.objects.filter(event="test_bad").exists()


def test_small_business_chart_takes_its_own_pair(manager, sale_event):
    chart_seed(actor=manager, standard="small")
    assert _rule("test_sale") == ("1122", "5001")


def test_setup_adds_a_missing_default_and_keeps_an_edited_rule(manager, sale_event):
    posting_event_unregister("test_sale")
    chart_seed(actor=manager, standard="enterprise")
    assert not PostingRule.objects.filter(event="test_sale").exists()
    posting_event_register(
        "test_sale",
        "Test sale",
        defaults={"enterprise": ("1122", "6001"), "small": ("1122", "5001")},
    )
    assert posting_rules_ensure_defaults() == ["test_sale"]
    assert _rule("test_sale") == ("1122", "6001")
    # finance points it elsewhere; setup never puts it back
    from erp.accounting.models import Account

    PostingRule.objects.filter(event="test_sale").update(
        credit_account=Account.objects.get(code="6051")
    )
    assert posting_rules_ensure_defaults() == []
    assert _rule("test_sale") == ("1122", "6051")


def test_no_chart_no_rules(sale_event):
    assert posting_rules_ensure_defaults() == []
