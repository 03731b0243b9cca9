import datetime as dt

import pytest
from django.db import transaction

from erp.core.errors import BusinessRuleError
from erp.core.models import NumberingRule
from erp.core.services.numbering import number_next


@pytest.mark.django_db
def test_numbers_follow_rule_and_reset_monthly():
    NumberingRule.objects.create(
        doc_type="test.doc", name="Test", prefix="SO", date_part="YYYYMM", counter_width=4
    )
    with transaction.atomic():
        a = number_next(doc_type="test.doc", on_date=dt.date(2026, 3, 31))
        b = number_next(doc_type="test.doc", on_date=dt.date(2026, 3, 31))
        c = number_next(doc_type="test.doc", on_date=dt.date(2026, 4, 1))
    assert (a, b, c) == ("SO2026030001", "SO2026030002", "SO2026040001")


@pytest.mark.django_db
def test_rolled_back_number_is_given_back():
    NumberingRule.objects.create(doc_type="t", name="T", prefix="X", date_part="", reset="never")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert number_next(doc_type="t", on_date=dt.date(2026, 1, 1)) == "X0001"
        raise RuntimeError("posting failed after taking the number")
    with transaction.atomic():
        assert number_next(doc_type="t", on_date=dt.date(2026, 1, 1)) == "X0001"


@pytest.mark.django_db
def test_missing_rule_is_a_clear_error():
    with pytest.raises(BusinessRuleError) as err, transaction.atomic():
        number_next(doc_type="nope", on_date=dt.date(2026, 1, 1))
    assert err.value.code == "numbering_rule_missing"
