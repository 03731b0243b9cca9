"""The lot trace page (pinned query count), its xlsx, the lot search, the recall pages and the
REST endpoints (lot traces, recall cases through the kit)."""

import io
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from erp.trace.models import RecallCase


def test_trace_page_shows_both_trees_customers_and_balance(client, w4, qm):
    client.force_login(qm)
    url = reverse("trace:lot_trace", args=[w4.lots["I-0"].pk])
    client.get(url)  # warm the per-process caches (document types, permissions)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    # Fixed whatever the trace's size: session/user, per direction walk + lots + materials +
    # moves, balances, links, locations, one per document type for numbers and for partners,
    # contacts, inspections; the links' sum once per registered link source (production's
    # lot links, inventory's lot splits).
    assert len(ctx.captured_queries) <= 26, "\n".join(q["sql"][:90] for q in ctx.captured_queries)
    text = page.text
    for number in ("RA-0", "RB-1", "F-0", "F-24", "SRA-0"):
        assert number in text
    assert w4.orders["I-0"].number in text and w4.receipts[0].number in text
    assert "苏州涂装" in text and w4.deliveries[0].number in text
    assert 'id="erp-trace-difference"' in text


def test_trace_page_query_count_does_not_grow_with_the_trace(client, w4, qm):
    client.force_login(qm)
    counts = []
    for lot in ("RA-0", "F-3"):
        url = reverse("trace:lot_trace", args=[w4.lots[lot].pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_recall_page_query_count_does_not_grow_with_its_lots(client, w4, qm):
    """A case of 10 affected lots (from RA-0) and one of 60 (every RA lot received today,
    10 + 25 + 25) cost the same queries: lots, balances and customers are read set-wise."""
    from erp.trace.services import recalls as svc

    client.force_login(qm)
    small = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    large = svc.recall_open(
        actor=qm,
        material_id=w4.lots["RA-0"].material_id,
        window_from=w4.on,
        window_to=w4.on,
        reason="原料召回",
    )
    assert (small.lines.count(), large.lines.count()) == (10, 60)
    counts = []
    for case in (small, large):
        url = reverse("trace:recallcase_detail", args=[case.pk])
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_trace_xlsx_has_every_row(client, w4, qm):
    client.force_login(qm)
    url = reverse("trace:lot_trace", args=[w4.lots["RA-0"].pk])
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    lots = {r[2] for r in rows[2:]}
    assert {"RA-0", "I-0", "F-24"} <= lots
    pdf = client.get(url, {"export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_search_by_supplier_lot_opens_the_trace(client, w4, qm):
    client.force_login(qm)
    found = client.get(reverse("trace:lot_search"), {"q": "SRB-4"})
    assert found.status_code == 302
    assert found.url == reverse("trace:lot_trace", args=[w4.lots["RB-4"].pk])


def test_warehouse_sees_no_trace_and_opens_no_recall(client, w4, keeper):
    client.force_login(keeper)
    assert client.get(reverse("trace:lot_trace", args=[w4.lots["RA-0"].pk])).status_code == 403
    assert client.get(reverse("trace:recallcase_create")).status_code == 403


def test_recall_pages_open_hold_and_print(client, w4, qm):
    client.force_login(qm)
    lot = w4.lots["RA-0"]
    form = client.get(reverse("trace:recallcase_create"), {"lot": lot.pk})
    assert form.status_code == 200
    made = client.post(
        reverse("trace:recallcase_create"),
        {"lot": lot.pk, "kind": "recall", "level": 1, "scope": "downstream", "reason": "投诉"},
    )
    case = RecallCase.objects.get()
    assert made.status_code == 302 and made.url == reverse(
        "trace:recallcase_detail", args=[case.pk]
    )
    detail = client.get(made.url)
    assert detail.status_code == 200 and "苏州涂装" in detail.text
    # Each affected lot is its number linking to its trace.
    trace_url = reverse("trace:lot_trace", args=[w4.lots["F-0"].pk])
    assert f'<a href="{trace_url}">F-0</a>' in detail.text
    held = client.post(
        reverse("trace:recallcase_action", args=[case.pk, "hold"]), {"version": case.version}
    )
    assert held.status_code == 302
    lot.refresh_from_db()
    assert lot.status == "blocked"
    customer = w4.customers[0]
    noted = client.post(
        reverse("trace:recall_notice", args=[case.pk]),
        {"customer": customer.pk, "channel": "phone", "contact": "王经理", "note": "已隔离"},
    )
    assert noted.status_code == 302 and case.notices.get().customer == customer
    assert "已隔离" in client.get(made.url).text
    pdf = client.get(reverse("trace:recallcase_print", args=[case.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_api_traces_and_recall(client, w4, qm, keeper):
    client.force_login(qm)
    back = client.get(f"/api/v1/lot-traces/{w4.lots['F-0'].pk}/backward")
    assert back.status_code == 200
    body = back.json()
    assert {lot["number"] for lot in body["lots"]} == {
        "F-0", "I-0", "I-1", "RA-0", "RB-1", "RA-1", "RB-4"
    }  # fmt: skip
    assert {d["partner"]["code"] for d in body["documents"]} == {"S1"}
    fwd = client.get(f"/api/v1/lot-traces/{w4.lots['RA-0'].pk}/forward").json()
    assert len([d for d in fwd["documents"] if d["move_type"] == "sales_delivery"]) == 12
    assert all(D(lot["mass_balance"]["difference"]) == 0 for lot in fwd["lots"])
    assert client.get("/api/v1/lot-traces/999999/forward").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/lot-traces/{lot_id}/backward" in schema["paths"]
    made = client.post(
        "/api/v1/recall-cases/",
        {"lot_id": w4.lots["RA-0"].pk, "reason": "投诉", "level": 1},
        content_type="application/json",
    )
    assert made.status_code in (200, 201), made.text
    case_id = made.json()["id"]
    held = client.post(f"/api/v1/recall-cases/{case_id}/hold")
    assert held.status_code == 200 and held.json()["state"] == "held"
    noticed = client.post(
        f"/api/v1/recall-cases/{case_id}/notices",
        {"customer_id": w4.customers[1].pk, "channel": "email"},
        content_type="application/json",
    )
    assert noticed.status_code == 201 and noticed.json()["channel"] == "email"
    client.force_login(keeper)
    assert client.post(f"/api/v1/recall-cases/{case_id}/release").status_code == 403
    assert client.get(f"/api/v1/lot-traces/{w4.lots['F-0'].pk}/backward").status_code == 403


def test_recall_list_filters_by_kind_and_home_figure(client, w4, qm):
    from erp.trace.selectors import recalls_in_progress_count
    from erp.trace.services.recalls import recall_open

    client.force_login(qm)
    recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="演练", kind="drill")
    listed = client.get(reverse("trace:recallcase_list"), {"kind": "drill"})
    assert listed.status_code == 200 and "演练" in listed.text and "投诉" not in listed.text
    assert recalls_in_progress_count() == 1


def test_delivery_note_opens_the_trace_of_what_it_shipped(client, w4, qm, make_user):
    """From a complaint quoting a delivery note: its page links to the search, which finds the
    lots the note shipped (from the ledger, so a lot picked FEFO at posting counts too)."""
    note = w4.deliveries[0]  # 4 of F-0
    detail = reverse("sales:deliverynote_detail", args=[note.pk])
    search = reverse("trace:lot_search")
    client.force_login(make_user("boss", "admin"))
    assert f'href="{search}?q={note.number}"' in client.get(detail).text
    client.force_login(make_user("seller", "sales"))  # sees the note, not the trace
    page = client.get(detail)
    assert page.status_code == 200 and search not in page.text
    client.force_login(qm)
    found = client.get(search, {"q": note.number.lower()})
    assert found.status_code == 302
    assert found.url == reverse("trace:lot_trace", args=[w4.lots["F-0"].pk])
    none = client.get(search, {"q": "DN-NONE"})
    assert none.status_code == 200 and "发货单" in none.text


def test_lot_page_of_the_warehouse_links_to_the_trace(client, w4, qm, make_user):
    """仓库 → 批次与有效期 → a lot: the 批次追溯 button for whoever may trace, none otherwise."""
    lot_page = reverse("inventory:lot_trace", args=[w4.lots["F-0"].pk])
    trace = reverse("trace:lot_trace", args=[w4.lots["F-0"].pk])
    client.force_login(make_user("boss", "admin"))
    assert f'href="{trace}"' in client.get(lot_page).text
    client.force_login(make_user("keeper2", "warehouse"))
    page = client.get(lot_page)
    assert page.status_code == 200 and f'href="{trace}"' not in page.text
