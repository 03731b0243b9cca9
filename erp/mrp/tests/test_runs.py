"""A run over the database: netting, explosion, pegging, determinism, firming, permissions,
pages and API. Expected quantities worked out by hand (see conftest's plant):

SO 600 kg FG-PAINT due day 20. Usable: FG-OK 100 only (FG-QA quarantine, FG-OLD expires day 5,
FG-REJ rejected) → short 500 → vessel multiple 400 → planned 800, start day 18 (lead 2).
800 × 60 % = 480 SEMI-BASE and 800 × 40 % = 320 RM-SOLVENT on day 18. SEMI-BASE (lead 1) starts
day 17 → 480 RM-RESIN on day 17, bought 10 days earlier (day 7)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.core.errors import BusinessRuleError, Conflict, PermissionDenied
from erp.mrp.models import MrpRun, PlannedOrder, PlanningParameter
from erp.mrp.services.firming import planned_orders_firm
from erp.mrp.services.parameters import planning_parameter_save
from erp.mrp.services.runs import mrp_run_execute, mrp_run_start


def _by_code(run):
    return {
        o.material.code: o
        for o in PlannedOrder.objects.filter(run=run).select_related("material").order_by("seq")
    }


def test_run_nets_only_usable_stock_and_explodes(world, done_run):
    run, today = done_run, world["today"]
    assert run.state == "done" and run.active is None and run.progress == 100
    plan = _by_code(run)
    assert set(plan) == {"FG-PAINT", "SEMI-BASE", "RM-SOLVENT", "RM-RESIN"}
    fg = plan["FG-PAINT"]
    assert (fg.quantity, fg.kind) == (D(800), "make")
    assert fg.start_date == today + dt.timedelta(days=18)
    assert plan["SEMI-BASE"].quantity == D(480)
    assert plan["RM-SOLVENT"].quantity == D(320)
    resin = plan["RM-RESIN"]
    assert (resin.quantity, resin.kind) == (D(480), "buy")
    assert resin.start_date == today + dt.timedelta(days=7)
    reasons = {(x.reference, x.reason) for x in run.exceptions.filter(kind="stock_skipped")}
    assert reasons == {("FG-QA", "quarantine"), ("FG-OLD", "expired"), ("FG-REJ", "rejected")}


def test_time_phased_projection(world, done_run):
    """Usable today 400 (FG-OK 100 + FG-OLD 300); FG-OLD expires unused on day 5 (−300);
    demand 600, planned 800 → projected on hand at the end 400 − 300 − 600 + 800 = 300."""
    from erp.mrp.selectors import time_phased

    phased = time_phased(done_run, world["fg"].pk)
    assert sum(phased["stock"]) == D(400) and sum(phased["expiring"]) == D(300)
    assert sum(phased["demand"]) == D(600) and sum(phased["planned"]) == D(800)
    assert phased["projected"][-1] == D(300)


def test_pegging_reaches_the_sales_order(world, done_run):
    plan = _by_code(done_run)
    (peg,) = plan["FG-PAINT"].pegs.all()
    assert (peg.source_type, peg.source_id, peg.quantity) == (
        "sales.salesorder",
        world["so"].pk,
        D(500),
    )
    (resin_peg,) = plan["RM-RESIN"].pegs.all()
    assert resin_peg.parent_seq == plan["SEMI-BASE"].seq


def test_second_run_is_identical(world, planner, done_run):
    again = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert again.digest == done_run.digest and again.planned_count == done_run.planned_count


def test_only_one_active_run(world, planner):
    first = mrp_run_start(actor=planner)
    with pytest.raises(BusinessRuleError) as exc:
        mrp_run_start(actor=planner)
    assert exc.value.code == "mrp_run_active"
    mrp_run_execute(run_id=first.pk)
    mrp_run_start(actor=planner)  # free again once finished


def test_formula_cycle_fails_the_run_with_a_reason(world, planner):
    from erp.production.models import Formula, FormulaLine

    f = Formula.objects.get(product=world["semi"])
    FormulaLine.objects.create(document=f, line_no=2, material=world["fg"], percentage=D(1))
    run = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert run.state == "failed" and run.active is None
    assert "FG-PAINT" in run.message and "SEMI-BASE" in run.message


def test_unexpected_error_fails_the_run_and_says_what_to_do(world, planner, monkeypatch):
    from erp.mrp.services import engine

    def broken(facts):
        raise KeyError(42)

    monkeypatch.setattr(engine, "run", broken)
    from django.utils import translation

    run = mrp_run_start(actor=planner)
    with translation.override("zh-hans"), pytest.raises(KeyError):  # as the job runs it
        mrp_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "failed" and run.active is None
    assert run.message == (
        "意外错误（KeyError: 42）。请重新运行 MRP；如果再次停止，请把这条消息发给管理员。"
    )


def test_firm_makes_documents_once(world, planner, done_run):
    from erp.production.models import ProductionOrder
    from erp.purchasing.models import PurchaseRequisition

    plan = _by_code(done_run)
    ids = [o.pk for o in plan.values()]
    docs = planned_orders_firm(actor=planner, run_id=done_run.pk, planned_ids=ids)
    req = PurchaseRequisition.objects.get()
    assert sorted((ln.material.code, ln.quantity) for ln in req.lines.all()) == [
        ("RM-RESIN", D(480)),
        ("RM-SOLVENT", D(320)),
    ]
    orders = ProductionOrder.objects.order_by("product__code")
    assert [(o.product.code, o.quantity) for o in orders] == [
        ("FG-PAINT", D(800)),
        ("SEMI-BASE", D(480)),
    ]
    assert docs[0] == req and len(docs) == 3
    firmed = PlannedOrder.objects.get(pk=plan["RM-RESIN"].pk)
    assert (firmed.state, firmed.firmed_type, firmed.firmed_id) == (
        "firmed",
        "purchasing.purchaserequisition",
        req.pk,
    )
    with pytest.raises(Conflict):
        planned_orders_firm(actor=planner, run_id=done_run.pk, planned_ids=ids[:1])
    assert PurchaseRequisition.objects.count() == 1
    from erp.core.models import AuditEvent

    # The audit trail names the run by its number, not its id.
    event = AuditEvent.objects.get(object_type="mrp.plannedorder", object_id=str(firmed.pk))
    assert event.object_repr == f"{done_run.number}/{firmed.seq} RM-RESIN"


def test_rerun_after_firming_proposes_nothing_new(world, planner, done_run):
    """The requisition and production orders just made are supply (and the FG order's
    components demand): the next run proposes no more of any material."""
    ids = list(PlannedOrder.objects.filter(run=done_run).values_list("pk", flat=True))
    planned_orders_firm(actor=planner, run_id=done_run.pk, planned_ids=ids)
    again = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert again.planned_count == 0


def test_older_run_cannot_be_firmed(world, planner, done_run):
    mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    ids = list(PlannedOrder.objects.filter(run=done_run).values_list("pk", flat=True))
    with pytest.raises(BusinessRuleError) as exc:
        planned_orders_firm(actor=planner, run_id=done_run.pk, planned_ids=ids)
    assert exc.value.code == "mrp_run_outdated"


def test_permissions(world, make_user, done_run):
    keeper = make_user("cangku", "warehouse")
    with pytest.raises(PermissionDenied):
        mrp_run_start(actor=keeper)
    with pytest.raises(PermissionDenied):
        planned_orders_firm(actor=keeper, run_id=done_run.pk, planned_ids=[1])
    with pytest.raises(PermissionDenied):
        planning_parameter_save(actor=keeper, material_id=world["fg"].pk, data={})


def test_parameters_save_and_refuse_bad_input(world, planner):
    from erp.core.errors import ValidationFailed

    p = planning_parameter_save(
        actor=planner,
        material_id=world["resin"].pk,
        data={"lead_time_days": "7", "min_lot": "200", "lot_multiple": "25", "yield_pct": "98"},
    )
    assert (p.lead_time_days, p.min_lot, p.lot_multiple, p.yield_pct) == (7, 200, 25, D(98))
    with pytest.raises(ValidationFailed):
        planning_parameter_save(
            actor=planner, material_id=world["resin"].pk, data={"yield_pct": "0"}
        )
    with pytest.raises(ValidationFailed):
        planning_parameter_save(
            actor=planner, material_id=world["resin"].pk, data={"min_lot": "-1"}
        )
    assert PlanningParameter.objects.get(material=world["resin"]).min_lot == D(200)


def test_pages(client, world, planner, done_run, django_assert_max_num_queries):
    client.force_login(planner)
    with django_assert_max_num_queries(30):
        page = client.get("/mrp/")
    assert page.status_code == 200 and "FG-PAINT" in page.text
    other = client.get(f"/mrp/?category={world['fg'].category_id + 1}&kind=make")
    assert other.status_code == 200 and "FG-PAINT" not in other.text
    detail = client.get(f"/mrp/runs/{done_run.pk}/materials/{world['fg'].pk}/")
    assert detail.status_code == 200 and "SO-TEST-1" in detail.text and "FG-QA" in detail.text
    from erp.inventory.models import Lot

    # A lot passed over is a link to the lot, like the documents.
    assert f'href="/inventory/lots/{Lot.objects.get(number="FG-QA").pk}/">FG-QA</a>' in detail.text
    assert client.get(f"/mrp/exceptions/?run={done_run.pk}").status_code == 200
    xlsx = client.get(f"/mrp/?run={done_run.pk}&kind=buy&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    codes = sorted(r[0] for r in sheet.iter_rows(min_row=3, values_only=True))
    assert codes == ["RM-RESIN", "RM-SOLVENT"]
    assert client.get("/mrp/parameters/").status_code == 200
    assert client.get(f"/mrp/parameters/{world['fg'].pk}/").status_code == 200
    saved = client.post(
        f"/mrp/parameters/{world['fg'].pk}/",
        {"lead_time_days": "2", "lot_multiple": "400", "planner_id": str(planner.pk)},
    )
    assert saved.status_code == 302
    assert PlanningParameter.objects.get(material=world["fg"]).planner_id == planner.pk
    mine = client.get(f"/mrp/?run={done_run.pk}&mine=1")
    assert "FG-PAINT" in mine.text and "RM-RESIN</a>" not in mine.text
    ids = [str(o.pk) for o in PlannedOrder.objects.filter(run=done_run)]
    resp = client.post("/mrp/firm/", {"run": done_run.pk, "planned": ids})
    assert resp.status_code == 302 and resp.url == f"/mrp/?run={done_run.pk}"
    assert not PlannedOrder.objects.filter(run=done_run, state="proposed").exists()


def test_workbench_queries_do_not_grow(client, world, planner, done_run):
    client.force_login(planner)
    client.get("/mrp/")
    with CaptureQueriesContext(connection) as few:
        client.get("/mrp/")
    for n in range(30):  # 30 more sales orders → 30 more planned orders of the paint
        _more_demand(world, n)
    run = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert run.planned_count > 4
    with CaptureQueriesContext(connection) as many:
        client.get("/mrp/")
    assert len(many) <= len(few) + 2


def _more_demand(world, n):
    from erp.sales.models import SalesOrder, SalesOrderLine

    so = SalesOrder.objects.create(
        number=f"SO-MORE-{n}",
        state="approved",
        date=world["today"],
        customer=world["so"].customer,
        created_by=world["maker"],
    )
    SalesOrderLine.objects.create(
        document=so,
        line_no=1,
        material=world["fg"],
        quantity=D(400),
        unit_price=D(1),
        vat_rate="13",
        requested_date=world["today"] + dt.timedelta(days=30 + n),
    )


def test_api(client, world, planner):
    client.force_login(planner)
    started = client.post("/api/v1/mrp-runs/", {}, content_type="application/json")
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    refused = client.post("/api/v1/mrp-runs/", {}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "mrp_run_active"
    mrp_run_execute(run_id=run_id)
    status = client.get(f"/api/v1/mrp-runs/{run_id}").json()
    assert status["state"] == "done" and status["progress"] == 100
    listed = client.get(f"/api/v1/mrp-runs/{run_id}/planned-orders/?kind=buy").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert {i["material_code"] for i in items} == {"RM-RESIN", "RM-SOLVENT"}
    assert items[0]["pegs"]
    firm = client.post(
        f"/api/v1/mrp-runs/{run_id}/planned-orders/firm",
        {"planned_ids": [i["id"] for i in items]},
        content_type="application/json",
    )
    assert firm.status_code == 200 and firm.json()[0]["type"] == "purchasing.purchaserequisition"
    again = client.post(
        f"/api/v1/mrp-runs/{run_id}/planned-orders/firm",
        {"planned_ids": [items[0]["id"]]},
        content_type="application/json",
    )
    assert again.status_code == 409
    saved = client.put(
        f"/api/v1/planning-parameters/{world['resin'].pk}",
        {"lead_time_days": 3, "lot_multiple": "25"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["lot_multiple"] in ("25.0000", 25, "25")


def test_start_queues_the_job_after_commit(world, planner, django_capture_on_commit_callbacks):
    """Huey runs immediately in tests: the on-commit hook runs the whole job."""
    with django_capture_on_commit_callbacks(execute=True):
        run = mrp_run_start(actor=planner)
    run = MrpRun.objects.get(pk=run.pk)
    assert run.state == "done" and run.planned_count == 4


def test_forecasts_import_consume_and_plan(client, world, planner):
    """Forecast 1,000 FG-PAINT for the month of the order: the 600 ordered consume it → 400
    more demand, due from the plan date when the month is under way (else its first day).
    Forecast first (today): FG-OK 100 + FG-OLD 300 (still good today) cover it; the order on
    day 20 finds nothing usable left → 600 → 800 in vessels of 400."""
    from erp.core.errors import ValidationFailed
    from erp.mrp.models import Forecast
    from erp.mrp.services.forecasts import forecasts_parse, forecasts_save

    due = world["so"].lines.get().requested_date
    with pytest.raises(ValidationFailed) as bad:
        forecasts_save(actor=planner, rows=forecasts_parse(f"NOPE\t{due}\t5\nFG-PAINT\tx\t1"))
    assert "Line 1" in str(bad.value.message) and not Forecast.objects.exists()
    client.force_login(planner)
    resp = client.post("/mrp/forecasts/", {"lines": f"FG-PAINT\t{due}\t1000\t月"})
    assert resp.status_code == 302 and Forecast.objects.get().period_start == due.replace(day=1)
    run = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    fg = list(run.planned_orders.filter(material=world["fg"]).order_by("seq"))
    assert [o.quantity for o in fg] == [D(800)]
    assert run.entries.get(kind="forecast").quantity == D(400)
    assert not run.exceptions.filter(reference="FG-OLD").exists()  # used, not skipped
    assert client.get("/mrp/forecasts/").status_code == 200
    # The shared list: sortable and exported; a refused paste keeps the pasted text.
    from io import BytesIO

    from openpyxl import load_workbook

    xlsx = client.get("/mrp/forecasts/?sort=-period_start&export=xlsx")
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in rows] == [("FG-PAINT", D(1000))]
    refused = client.post("/mrp/forecasts/", {"lines": "NOPE\t2027-01-01\t5"})
    assert refused.status_code == 200 and "NOPE\t2027-01-01\t5</textarea>" in refused.text
    api = client.post(
        "/api/v1/forecasts/",
        {"lines": [{"material_code": "FG-PAINT", "period_start": str(due), "quantity": "0"}]},
        content_type="application/json",
    )
    assert api.status_code == 200, api.text
    assert not Forecast.objects.exists()
    from erp.core.models import AuditEvent

    # Every audit row of the forecast names the material by its code, the removal too.
    reprs = set(
        AuditEvent.objects.filter(object_type="mrp.forecast").values_list("object_repr", flat=True)
    )
    assert reprs == {f"FG-PAINT {due.replace(day=1)}"}


def test_status_card_polls_while_running_and_stale_runs_are_freed(client, world, planner):
    from django.utils import timezone

    client.force_login(planner)
    run = mrp_run_start(actor=planner, enqueue=False)
    card = client.get("/mrp/status/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in card.text and run.number in card.text
    MrpRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    fresh = mrp_run_start(actor=planner, enqueue=False)  # the dead one no longer blocks
    assert MrpRun.objects.get(pk=run.pk).state == "failed"
    mrp_run_execute(run_id=fresh.pk)
    done = client.get("/mrp/status/?was=1", HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Redirect") == "/mrp/"


def test_export_words_pegs_like_the_page(client, world, planner, done_run):
    """The export's "covers" column says what a dependent demand is for, as the page does, not
    the bare parent code: RM-SOLVENT's 320 (800 × 40 %) is for FG-PAINT's planned order."""
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(planner)
    parent = PlannedOrder.objects.get(run=done_run, material=world["fg"])
    day = parent.start_date.isoformat()
    xlsx = client.get(f"/mrp/?run={done_run.pk}&material=RM-SOLVENT&export=xlsx")
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True))
    assert [r[8] for r in rows] == [f"用于 FG-PAINT（计划 #{parent.seq}） 320 @{day}"]


def test_workbench_links_keep_every_filter(client, world, planner, done_run, monkeypatch):
    """Paging and export keep the filters, "my materials" included (paging used to drop it)."""
    from erp.mrp import views

    # The planner plans both raw materials (RM-RESIN, RM-SOLVENT): two pages of one.
    PlanningParameter.objects.filter(material__code__startswith="RM-").update(planner=planner)
    for material in (world["resin"], world["solvent"]):
        PlanningParameter.objects.get_or_create(material=material, defaults={"planner": planner})
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(planner)
    page = client.get("/mrp/?kind=buy&mine=1&material=RM").text
    assert f"?kind=buy&amp;mine=1&amp;material=RM&amp;run={done_run.pk}&amp;page=2" in page
    assert f"?kind=buy&amp;mine=1&amp;material=RM&amp;run={done_run.pk}&amp;export=xlsx" in page


def test_routing_of_the_formula_sets_the_lead_time(world, planner):
    """FG-PAINT's formula (batch 1,000 kg) gets a released routing: 4 h setup + 8 h per batch
    at a centre of 8 h a day. Planned 800 kg → 4 + 6.4 = 10.4 h → 2 days. A newer released
    routing with 20 h per batch replaces it: 4 + 16 = 20 h → 3 days (not the parameter's 2)."""
    from erp.masterdata.models import WorkCenter
    from erp.production.models import Formula, Routing, RoutingOperation

    formula = Formula.objects.get(product=world["fg"])
    centre = WorkCenter.objects.create(code="MIX", name="配料", capacity_hours_per_day=D(8))
    for n, hours in enumerate((8, 20), 1):
        routing = Routing.objects.create(
            number=f"RT-{n}", state="released", date=world["today"] - dt.timedelta(days=10 - n),
            formula=formula, created_by=world["maker"],
        )  # fmt: skip
        RoutingOperation.objects.create(
            document=routing, line_no=1, name="mix", work_center=centre,
            setup_hours=D(4), run_hours=D(hours),
        )  # fmt: skip
        run = mrp_run_execute(run_id=mrp_run_start(actor=planner, mode="net_change").pk)
        fg = _by_code(run)["FG-PAINT"]
        assert (fg.due_date - fg.start_date).days == {1: 2, 2: 3}[n]
        assert run.recomputed_count > 0  # the formula's routing is in FG-PAINT's fingerprint


def test_quarantine_lot_under_inspection_counts_from_its_expected_release(world, planner):
    """FG-QA (500 kg, quarantine) gets an open final inspection dated today; FG-PAINT's QC
    release time is 3 days → expected release day 3, before the order's day 20: FG-OK 100 +
    FG-QA 500 cover the 600 kg, nothing is planned and FG-QA is no longer listed unusable.
    An inspection dated day 18 (release day 21) comes too late: planned again."""
    from erp.inventory.models import Lot
    from erp.quality.models import InspectionLot

    PlanningParameter.objects.filter(material=world["fg"]).update(qc_release_days=3)
    lot = Lot.objects.get(number="FG-QA")
    inspection = InspectionLot.objects.create(
        state="open", date=world["today"], inspection_type="final", lot=lot,
        material=world["fg"], quantity=D(500), created_by=world["maker"],
    )  # fmt: skip
    run = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert "FG-PAINT" not in _by_code(run)
    skipped = {x.reference for x in run.exceptions.filter(kind="stock_skipped")}
    assert "FG-QA" not in skipped
    InspectionLot.objects.filter(pk=inspection.pk).update(
        date=world["today"] + dt.timedelta(days=18)
    )
    run = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert "FG-PAINT" in _by_code(run) and run.mode == "net_change"
