"""Net change, in the engine: after random changes to random facts, a run that keeps the
previous run's result for every material whose facts fingerprint is unchanged gives exactly
the plan (digest) of a full regenerative run, and recomputes less."""

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.mrp.services import engine
from erp.mrp.services.engine import Demand, Facts, FormulaVersion, LotStock, Params, Receipt

TODAY = date(2026, 3, 2)
# Two products, two semi-finished, four raw materials; FG-2 and SEMI-2 share raw materials.
FG1, FG2, S1, S2, R1, R2, R3, R4 = range(1, 9)
MAKE = {FG1, FG2, S1, S2}
STATUSES = ["released", "released", "quarantine", "rejected", "blocked"]


def _params(rng: random.Random) -> dict[int, Params]:
    return {
        m: Params(
            m, f"M{m}", m in MAKE, lead_time_days=rng.randint(0, 12),
            qc_release_days=rng.choice([0, 0, 2]), quarantine_counts=rng.random() < 0.3,
            safety_stock=D(rng.choice([0, 0, 0, 40])), min_lot=D(rng.choice([0, 0, 100])),
            lot_multiple=D(rng.choice([0, 25, 50])), yield_pct=D(rng.choice([100, 97.5])),
        )
        for m in range(1, 9)
    }  # fmt: skip


def _formulas(pct: int = 40, run_hours: int = 0) -> list[FormulaVersion]:
    """FG-1 has a routing (lead time from its hours) when run_hours is given."""
    start = TODAY - timedelta(days=60)
    ops = ((D(2), D(run_hours), D(8)),) if run_hours else ()
    return [
        FormulaVersion(1, FG1, 1, start, None, ((S1, D(60)), (R1, D(40))), D(500), ops),
        FormulaVersion(2, FG2, 1, start, None, ((S1, D(30)), (S2, D(30)), (R2, D(pct)))),
        FormulaVersion(3, S1, 1, start, None, ((R3, D(50)), (R4, D(50)))),
        FormulaVersion(4, S2, 1, start, None, ((R2, D(20)), (R4, D(80)))),
    ]


def _scenario(rng: random.Random) -> Facts:
    demands = [
        Demand(
            rng.choice([FG1, FG2, FG1, S2, R1]), TODAY + timedelta(days=rng.randint(-3, 60)),
            D(rng.randint(1, 800)), engine.SALES, "sales.salesorder", i, f"SO{i}",
            rng.choice([None, None, 180]),
        )
        for i in range(1, rng.randint(2, 14))
    ]  # fmt: skip
    lots = [
        LotStock(
            rng.randint(1, 8), i, f"L{i}", D(rng.randint(1, 400)), rng.choice(STATUSES),
            rng.choice([None, TODAY + timedelta(days=rng.randint(-5, 400))]),
        )
        for i in range(1, rng.randint(1, 12))
    ]  # fmt: skip
    receipts = [
        Receipt(
            rng.choice([R1, R2, R3, R4, S1]), TODAY + timedelta(days=rng.randint(0, 40)),
            D(rng.randint(10, 300)), "po", "purchasing.purchaseorder", i, f"PO{i}",
        )
        for i in range(1, rng.randint(1, 5))
    ]  # fmt: skip
    return Facts(TODAY, _params(rng), _formulas(), demands, lots, receipts)


def _change(facts: Facts, rng: random.Random) -> tuple[Facts, str]:
    """One of the changes a planner's day brings (each leaves the other facts alone)."""
    kind = rng.choice(["order_qty", "order_date", "lot_status", "forecast", "parameter",
                       "new_order", "receipt", "formula", "routing", "inspection",
                       "nothing"])  # fmt: skip
    demands, lots = list(facts.demands), list(facts.lots)
    params, formulas, receipts = dict(facts.params), facts.formulas, list(facts.receipts)
    if kind == "order_qty" and demands:
        i = rng.randrange(len(demands))
        demands[i] = dataclasses.replace(demands[i], quantity=D(rng.randint(1, 900)))
    elif kind == "order_date" and demands:
        i = rng.randrange(len(demands))
        demands[i] = dataclasses.replace(
            demands[i], date=demands[i].date + timedelta(days=rng.randint(-10, 10))
        )
    elif kind == "lot_status" and lots:
        i = rng.randrange(len(lots))
        lots[i] = dataclasses.replace(lots[i], status=rng.choice(STATUSES))
    elif kind == "forecast":
        demands.append(
            Demand(rng.choice([FG1, FG2]), TODAY + timedelta(days=rng.randint(0, 30)),
                   D(rng.randint(50, 500)), engine.FORECAST, "", None, "2026-03-01")
        )  # fmt: skip
    elif kind == "parameter":
        m = rng.randint(1, 8)
        params[m] = dataclasses.replace(
            params[m], lead_time_days=rng.randint(0, 15), min_lot=D(rng.choice([0, 200])),
            yield_pct=D(rng.choice([100, 90])),
        )  # fmt: skip
    elif kind == "new_order":
        demands.append(
            Demand(rng.choice([FG1, S1, R4]), TODAY + timedelta(days=rng.randint(0, 50)),
                   D(rng.randint(1, 300)), engine.SALES, "sales.salesorder", 99, "SO99")
        )  # fmt: skip
    elif kind == "receipt":
        receipts.append(
            Receipt(R3, TODAY + timedelta(days=5), D(75), "pr", "purchasing.purchaserequisition",
                    77, "PR77")
        )  # fmt: skip
    elif kind == "formula":
        formulas = _formulas(pct=rng.choice([40, 55]))
    elif kind == "inspection" and lots:  # an inspection under way: released on a date
        i = rng.randrange(len(lots))
        release = TODAY + timedelta(days=rng.randint(0, 30))
        lots[i] = dataclasses.replace(lots[i], status="quarantine", release_date=release)
    elif kind == "routing":
        formulas = _formulas(run_hours=rng.choice([0, 6, 30]))
    return Facts(TODAY, params, formulas, demands, lots, receipts), kind


@given(seed=st.integers(min_value=0, max_value=2**32), steps=st.integers(min_value=1, max_value=3))
@settings(max_examples=150, deadline=None)
def test_net_change_equals_full_run_after_random_changes(seed, steps):
    rng = random.Random(seed)
    facts = _scenario(rng)
    previous = engine.run(facts)
    for _ in range(steps):  # net change on net change: the kept results chain
        facts, _kind = _change(facts, rng)
        full = engine.run(facts)
        net = engine.run(dataclasses.replace(facts, previous=engine.kept_from(previous)))
        assert net.digest == full.digest
        assert [o.result_digest for o in net.outcomes] == [o.result_digest for o in full.outcomes]
        assert [(o.seq_from, o.planned_count) for o in net.outcomes] == [
            (o.seq_from, o.planned_count) for o in full.outcomes
        ]
        recomputed = {o.material_id for o in net.outcomes if o.recomputed}
        assert {p.material_id for p in net.planned} <= recomputed
        # What it recomputed it planned like the full run, sequence numbers and all.
        assert [(p.seq, p.quantity, p.due_date) for p in net.planned] == [
            (p.seq, p.quantity, p.due_date) for p in full.planned if p.material_id in recomputed
        ]
        previous = full  # what the database holds after the net run (equal digests)


def test_nothing_changed_recomputes_nothing():
    facts = _scenario(random.Random(7))
    first = engine.run(facts)
    again = engine.run(dataclasses.replace(facts, previous=engine.kept_from(first)))
    assert again.recomputed_count == 0 and again.planned == [] and again.digest == first.digest


def test_a_changed_order_recomputes_its_material_and_only_what_it_reaches():
    """FG-1's order grows: FG-1, then S1 and R1 (its components) and R3/R4 (below S1) may
    change; FG-2, S2 and R2 are untouched (R4 also serves S2 but its demand from S1 changed)."""
    p = {m: Params(m, f"M{m}", m in MAKE) for m in range(1, 9)}
    sale = Demand(FG1, TODAY + timedelta(days=20), D(100), engine.SALES, "s", 1, "SO1")
    other = Demand(FG2, TODAY + timedelta(days=20), D(100), engine.SALES, "s", 2, "SO2")
    facts = Facts(TODAY, p, _formulas(), [sale, other], [], [])
    first = engine.run(facts)
    bigger = dataclasses.replace(sale, quantity=D(150))
    net = engine.run(
        Facts(TODAY, p, _formulas(), [bigger, other], [], [], previous=engine.kept_from(first))
    )
    recomputed = {o.material_id for o in net.outcomes if o.recomputed}
    assert recomputed == {FG1, S1, R1, R3, R4}
    assert net.digest == engine.run(Facts(TODAY, p, _formulas(), [bigger, other], [], [])).digest


# --- over the database: the copied results are the full run's, row for row ------------------

DB_CHANGES = ["order_qty", "order_date", "lot_status", "forecast", "parameter", "new_order"]


def _rows(run):
    from erp.mrp.models import Pegging, PlanEntry, PlanException, PlannedOrder

    planned = sorted(
        PlannedOrder.objects.filter(run=run).values_list(
            "seq", "material_id", "kind", "low_level_code", "quantity", "start_date",
            "due_date", "late", "explanation", "state",
        )
    )  # fmt: skip
    pegs = sorted(
        Pegging.objects.filter(planned_order__run=run).values_list(
            "planned_order__seq", "demand_kind", "source_type", "source_id", "source_number",
            "need_date", "quantity", "parent_seq",
        )
    )  # fmt: skip
    entries = sorted(
        PlanEntry.objects.filter(run=run).values_list(
            "material_id", "kind", "date", "quantity", "source_type", "source_id", "source_number"
        ),
        key=repr,
    )
    exceptions = sorted(
        PlanException.objects.filter(run=run).values_list(
            "material_id", "kind", "reason", "date", "quantity", "reference", "source_type",
            "source_id", "planned_seq",
        ),
        key=repr,
    )  # fmt: skip
    return planned, pegs, entries, exceptions


def _db_change(world, rng: random.Random, kind: str) -> None:
    from erp.inventory.models import Lot
    from erp.mrp.models import Forecast, PlanningParameter
    from erp.sales.models import SalesOrderLine

    today = world["today"]
    lines = list(SalesOrderLine.objects.filter(document=world["so"]).order_by("pk"))
    line = rng.choice(lines)
    if kind == "order_qty":
        SalesOrderLine.objects.filter(pk=line.pk).update(quantity=D(rng.randint(50, 2000)))
    elif kind == "order_date":
        day = today + timedelta(days=rng.randint(1, 60))
        SalesOrderLine.objects.filter(pk=line.pk).update(requested_date=day)
    elif kind == "lot_status":
        lot = Lot.objects.order_by("pk")[rng.randrange(Lot.objects.count())]
        Lot.objects.filter(pk=lot.pk).update(
            status=rng.choice(["released", "quarantine", "rejected", "blocked"])
        )
    elif kind == "forecast":
        Forecast.objects.update_or_create(
            material=world["fg"], period_start=today.replace(day=1) + timedelta(days=40),
            defaults={"period": "week", "quantity": D(rng.randint(100, 900)),
                      "updated_by": world["maker"]},
        )  # fmt: skip
    elif kind == "parameter":
        material = rng.choice([world["fg"], world["semi"], world["resin"], world["solvent"]])
        PlanningParameter.objects.update_or_create(
            material=material,
            defaults={"lead_time_days": rng.randint(0, 12), "lot_multiple": D(rng.choice([0, 50]))},
        )
    else:
        SalesOrderLine.objects.create(
            document=world["so"], line_no=len(lines) + 1,
            material=rng.choice([world["fg"], world["solvent"], world["early"], world["early"]]),
            quantity=D(rng.randint(1, 500)), unit_price=D(10), vat_rate="13",
            requested_date=today + timedelta(days=rng.randint(1, 50)),
        )  # fmt: skip


def _early_product(world) -> None:
    """A bought product planned before FG-PAINT (its code sorts first): a new order of it adds
    a planned order and moves the sequence block of every material after it, kept or not."""
    from erp.masterdata.models import Material

    fg = world["fg"]
    world["early"] = Material.objects.create(
        code="FG-A", name="FG-A", category=fg.category, inventory_type="finished",
        procurement="buy", base_unit=fg.base_unit, default_warehouse=world["wh"],
        default_location=world["loc"],
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_net_change_run_equals_full_run_in_the_database(world, planner, seed):
    """Random changes, each followed by a net-change run and a full run on the same facts:
    same digest, same counts, and the same rows (planned orders, pegs with their parent
    orders, entries, exceptions), whether netted again or copied from the base run."""
    from erp.mrp.models import MrpRun
    from erp.mrp.services.runs import mrp_run_execute, mrp_run_start

    rng = random.Random(seed)
    _early_product(world)
    first = mrp_run_execute(run_id=mrp_run_start(actor=planner, mode="net_change").pk)
    assert first.mode == MrpRun.Mode.FULL and first.based_on is None  # nothing to start from
    for _ in range(5):
        _db_change(world, rng, rng.choice(DB_CHANGES))
        net = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
        full = mrp_run_execute(run_id=mrp_run_start(actor=planner, mode="full").pk)
        assert net.mode == MrpRun.Mode.NET_CHANGE and net.based_on_id is not None
        assert net.state == full.state == "done"
        assert net.digest == full.digest
        assert (net.planned_count, net.exception_count) == (
            full.planned_count,
            full.exception_count,
        )
        assert _rows(net) == _rows(full)


def test_unchanged_rerun_copies_everything(world, planner):
    from erp.mrp.services.runs import mrp_run_execute, mrp_run_start

    first = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    again = mrp_run_execute(run_id=mrp_run_start(actor=planner).pk)
    assert again.based_on_id == first.pk and again.recomputed_count == 0
    assert again.digest == first.digest and _rows(again) == _rows(first)


def test_workbench_offers_net_change_once_a_run_exists(client, world, planner):
    """No run yet: the mode defaults to full; after one: net change, and the status card says
    how many materials the net-change run recomputed. Posting the mode starts that mode."""
    from erp.mrp.models import MrpRun
    from erp.mrp.services.runs import mrp_run_execute

    client.force_login(planner)
    page = client.get("/mrp/").content.decode()
    assert '<option value="full" selected>' in page
    client.post("/mrp/run/", {"mode": "full"})
    first = MrpRun.objects.get()
    assert first.mode == "full"
    mrp_run_execute(run_id=first.pk)
    page = client.get("/mrp/").content.decode()
    assert '<option value="net_change" selected>' in page
    client.post("/mrp/run/", {"mode": "net_change"})
    second = mrp_run_execute(run_id=MrpRun.objects.latest("pk").pk)
    assert (second.mode, second.based_on_id, second.recomputed_count) == ("net_change", first.pk, 0)
    status = client.get(f"/mrp/status/?run={second.pk}").content.decode()
    assert 'data-run-mode="net_change"' in status and "重算了 0 个物料" in status  # 黄磊 reads 中文
