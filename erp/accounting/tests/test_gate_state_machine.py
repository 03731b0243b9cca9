"""The gate changes a voucher's state only along VOUCHER_STATES: the batch path flips its drafts
with one UPDATE per chunk through `transition_queryset("post_generated")`, which refuses the
whole chunk when a row is not a draft (the old `.update(state=POSTED)` flipped anything)."""

import pytest
from django.db import transaction

from erp.accounting.models import Voucher
from erp.accounting.services.gate import _vouchers_mark_posted, voucher_post, vouchers_post_batch
from erp.accounting.states import VOUCHER_STATES
from erp.core.errors import InvalidTransition

from .conftest import draft

pytestmark = pytest.mark.django_db


def test_batch_flip_refuses_a_voucher_that_is_not_a_draft(books):
    """A posted voucher (100.00 Dr 1002 / Cr 4001) handed to the batch flip again: refused,
    and its state stays as it was."""
    posted = voucher_post(actor=books, draft=draft("100.00"))
    with pytest.raises(InvalidTransition) as exc, transaction.atomic():
        _vouchers_mark_posted([posted])
    assert exc.value.details["changed"] == 0 and exc.value.details["expected"] == 1
    assert Voucher.objects.get(pk=posted.pk).state == "posted"


def test_transition_queryset_changes_all_or_refuses(books):
    """Two posted vouchers asked to "unreview" (reviewed → draft): none is reviewed, so the
    call is refused and no row changes; "post_generated" is not offered as a button."""
    a = voucher_post(actor=books, draft=draft("10.00"))
    b = voucher_post(actor=books, draft=draft("20.00"))
    qs = Voucher.objects.filter(pk__in=[a.pk, b.pk])
    with pytest.raises(InvalidTransition), transaction.atomic():
        VOUCHER_STATES.transition_queryset(qs, "unreview")
    assert set(qs.values_list("state", flat=True)) == {"posted"}
    with pytest.raises(InvalidTransition):
        VOUCHER_STATES.transition_queryset(qs, "no_such_transition")
    assert VOUCHER_STATES.transitions["post_generated"].permission == ""


def test_batch_posting_still_one_update_per_chunk(books, django_assert_max_num_queries):
    """Posting three drafts at once flips them in one UPDATE (no query per voucher): the whole
    batch stays within the queries of posting one."""
    with django_assert_max_num_queries(30) as one:
        voucher_post(actor=books, draft=draft("1.00"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        vouchers_post_batch(actor=books, drafts=[draft("1.00"), draft("2.00"), draft("3.00")])
