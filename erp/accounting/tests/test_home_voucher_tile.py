"""Issue #13 point 9: the home tile 未过账凭证 opens the voucher list filtered to the vouchers it
counts (drafts and reviewed ones), not the whole list."""

import datetime as dt

import pytest
from django.urls import reverse

from erp.accounting.models import Account, Voucher
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.vouchers import voucher_save

from .conftest import draft, rows

pytestmark = pytest.mark.django_db


def test_unposted_tile_counts_and_opens_the_unposted_vouchers(client, books, accountant):
    """One posted voucher (100.00) and one draft (50.00): the tile says 1 and its list shows
    the draft only."""
    posted = voucher_post(actor=books, draft=draft("100.00"))
    cash, bank = Account.objects.get(code="1001"), Account.objects.get(code="1002")
    entered = voucher_save(
        actor=accountant, date=dt.date(2026, 1, 20), lines=rows("50.00", cash.pk, bank.pk)
    )
    assert Voucher.objects.count() == 2
    client.force_login(accountant)
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    tile = f'href="{reverse("accounting:voucher_list")}?unposted=true"'
    assert tile in home
    listed = client.get(f"{reverse('accounting:voucher_list')}?unposted=true").text
    detail = reverse("accounting:voucher_detail", args=[entered.pk])
    assert f'href="{detail}"' in listed
    assert f'href="{reverse("accounting:voucher_detail", args=[posted.pk])}"' not in listed
