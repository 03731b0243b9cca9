"""Issue #13 point 9: the warehouse tiles of the home page count what their list shows and open
that list filtered. "30 天内到期" counts lots that expire from today to today + 30 days; lots
whose expiry date has passed are a tile of their own (已过期在库批次)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)

pytestmark = pytest.mark.django_db

_TILE = re.compile(
    r'<a class="erp-figure" href="(?P<url>[^"]*)">\s*'
    r'<div class="erp-figure-label">(?P<label>[^<]*)</div>\s*'
    r'<div class="erp-figure-value[^"]*">(?P<value>[^<]*)</div>'
)


def _tiles(client) -> dict[str, tuple[str, str]]:
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    return {
        m["label"].strip(): (m["value"].strip(), unescape(m["url"]))
        for m in _TILE.finditer(page.text)
    }


def _lot_numbers(client, url) -> set[str]:
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    return {n for n in ("SOON", "EDGE", "GONE", "FAR", "QCLOT") if f">{n}<" in page.text}


def test_expiring_tile_leaves_out_expired_lots_and_each_tile_opens_its_rows(
    plant, receive, client, make_user
):
    """Resin lots in stock: SOON expires in 10 days, EDGE today, FAR in 90 days, GONE expired 2
    days ago. Pigment needs QC, so its lot QCLOT waits in quarantine (expiry in 180 days).
    30 天内到期 = SOON + EDGE = 2 (old code: 3, GONE counted); 已过期 = GONE = 1; 待检 = 1."""
    receive(plant["resin"], plant["b"], "5", lot="SOON", expiry_date=TODAY + 10 * DAY)
    receive(plant["resin"], plant["b"], "5", lot="EDGE", expiry_date=TODAY)
    receive(plant["resin"], plant["b"], "5", lot="FAR", expiry_date=TODAY + 90 * DAY)
    receive(
        plant["resin"],
        plant["b"],
        "5",
        lot="GONE",
        expiry_date=TODAY - 2 * DAY,
        date=TODAY - 3 * DAY,
    )
    receive(plant["pigment"], plant["q"], "5", lot="QCLOT")
    client.force_login(make_user("admin", "admin"))

    tiles = _tiles(client)
    expiring_value, expiring_url = tiles["30 天内到期的批次"]
    expired_value, expired_url = tiles["已过期在库批次"]
    quarantine_value, quarantine_url = tiles["待检批次"]
    assert (expiring_value, expired_value, quarantine_value) == ("2", "1", "1")

    assert _lot_numbers(client, expiring_url) == {"SOON", "EDGE"}
    assert _lot_numbers(client, expired_url) == {"GONE"}
    assert _lot_numbers(client, quarantine_url) == {"QCLOT"}
