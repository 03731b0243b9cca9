"""Genealogy across receipt → production → delivery, both directions, on the W4 chain."""

from decimal import Decimal as D

from erp.trace.selectors import BACKWARD, FORWARD, genealogy


def numbers(gen) -> set[str]:
    return {lot.number for lot in gen.lots.values()}


def test_backward_from_finished_lot_reaches_received_lots(w4):
    gen = genealogy(w4.lots["F-0"].pk, BACKWARD)
    assert numbers(gen) == {"F-0", "I-0", "I-1", "RA-0", "RB-1", "RA-1", "RB-4"}
    receipts = {m.source_id for m in gen.moves if m.move_type == "purchase_receipt"}
    assert receipts == {str(r.pk) for r in w4.receipts}
    depth = {(gen.lots[ln.parent].number, ln.depth) for ln in gen.links}
    assert ("I-0", 1) in depth and ("RA-0", 2) in depth


def test_forward_from_raw_lot_reaches_every_delivery(w4):
    gen = genealogy(w4.lots["RA-0"].pk, FORWARD)
    assert numbers(gen) == {
        "RA-0", "I-0", "I-10", "I-20", "F-0", "F-24", "F-9", "F-10", "F-19", "F-20"
    }  # fmt: skip
    # RA-0 went into I-0, I-10, I-20 (k mod 10 = 0); I-k went into F-k and F-(k-1), so six F
    # lots, each delivered as 4 + 6: 6 × 2 = 12 deliveries of 6 × 10 = 60.
    deliveries = [m for m in gen.moves if m.move_type == "sales_delivery"]
    assert len(deliveries) == 12
    assert sum(m.quantity for m in deliveries) == D("60")


def test_trace_shows_each_lots_inspections(w4):
    """进货查验 / 出厂检验 records of quality appear on the lots of the trace."""
    from erp.quality.models import InspectionLot
    from erp.trace.report import lot_trace

    ra0 = w4.lots["RA-0"]
    InspectionLot.objects.create(
        number="IL-T1",
        state="released",
        date=w4.on,
        inspection_type="incoming",
        lot=ra0,
        material_id=ra0.material_id,
        quantity=D("100"),
        created_by=w4.actor,
    )
    trace = lot_trace(w4.lots["F-0"].pk)
    row = next(r for r in trace.backward.rows if r.lot.number == "RA-0")
    assert [(i.number, i.kind) for i in row.inspections] == [("IL-T1", "Incoming inspection")]


def test_cycle_and_depth_guard(w4):
    """A loop in bad data (F-0 said to go back into RA-0) ends the walk instead of running
    forever; the depth limit cuts a walk at the level asked."""
    from erp.production.models import LotLink

    LotLink.objects.create(
        parent=w4.lots["F-0"], child=w4.lots["RA-0"], quantity=D("1"), order=w4.orders["F-0"]
    )
    gen = genealogy(w4.lots["RA-0"].pk, FORWARD)
    assert "RA-0" in numbers(gen) and "F-0" in numbers(gen)
    assert max(ln.depth for ln in gen.links) <= 50
    shallow = genealogy(w4.lots["RA-0"].pk, FORWARD, max_depth=1)
    assert numbers(shallow) == {"RA-0", "I-0", "I-10", "I-20"}


def test_lot_link_registry_refuses_a_different_source_under_a_taken_model():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from erp.core.lot_links import LotLinkSource, lot_link_source_register, lot_link_sources
    from erp.production.models import LotLink

    production = next(s for s in lot_link_sources() if s.model is LotLink)
    lot_link_source_register(production)  # the same again: a no-op
    with pytest.raises(ImproperlyConfigured):
        lot_link_source_register(LotLinkSource(LotLink, "other.document"))
    assert lot_link_sources().count(production) == 1


def test_mass_balance_flags_what_the_ledger_or_links_do_not_explain(client, w4, qm, make_user):
    """RA-0 issued to production without a lot link (1), and its balance row edited behind
    the ledger (−2): both show per lot, in the API and in red on the trace screen."""
    from django.urls import reverse

    from erp.inventory.models import StockBalance
    from erp.inventory.services import IssueLine, StockSource, stock_issue
    from erp.trace.selectors import lot_balances

    ra0 = w4.lots["RA-0"]
    stock_issue(
        actor=make_user("boss", "admin"),
        lines=[IssueLine(ra0.material_id, w4.location.pk, D("1"), lot_id=ra0.pk)],
        posting_date=w4.on,
        source=StockSource("test.unlinked", 1),
        move_type="production_issue",
    )
    bal = lot_balances([ra0.pk, w4.lots["RB-0"].pk])
    assert bal[ra0.pk].genealogy_gap == D("1") and bal[ra0.pk].difference == 0
    assert not bal[ra0.pk].ok and bal[w4.lots["RB-0"].pk].ok
    StockBalance.objects.filter(lot=ra0).update(on_hand=D("85"))  # ledger says 87
    assert lot_balances([ra0.pk])[ra0.pk].difference == D("2")
    client.force_login(qm)
    page = client.get(reverse("trace:lot_trace", args=[ra0.pk])).text
    assert "text-danger fw-bold" in page
    api = client.get(f"/api/v1/lot-traces/{ra0.pk}/forward").json()
    (row,) = [lot for lot in api["lots"] if lot["number"] == "RA-0"]
    assert D(row["mass_balance"]["difference"]) == D("2")


def test_graph_runs_supplier_to_lots_to_customers_with_status(w4):
    """The ECharts graph of I-0: its supplier left of the received lots, the lot in column 0,
    the lots made from it right of it, the customers last; each lot labelled with its status."""
    from django.utils import translation

    from erp.trace.report import graph_option, lot_trace

    with translation.override("zh-hans"):
        option = graph_option(lot_trace(w4.lots["I-0"].pk))
    nodes = {n["id"]: n for n in option["series"][0]["data"]}
    ra0, i0, f0 = (f"lot{w4.lots[n].pk}" for n in ("RA-0", "I-0", "F-0"))
    supplier = next(n for k, n in nodes.items() if k.startswith("s"))
    customer = next(n for k, n in nodes.items() if k.startswith("c"))
    xs = [supplier["x"], nodes[ra0]["x"], nodes[i0]["x"], nodes[f0]["x"], customer["x"]]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert nodes[i0]["name"] == "I-0\n合格"
    links = {(e["source"], e["target"]) for e in option["series"][0]["links"]}
    assert (ra0, i0) in links and (i0, f0) in links
