"""MRP runs: start one (only one at a time), execute it as a background job with progress, and
keep its results.

One at a time is the database's job, not the process's: `MrpRun.active` is True while a run is
queued or running and a partial unique index allows one such row, so two planners pressing
"run" together get one run and one clear refusal, on SQLite and PostgreSQL alike. The run reads
its facts in a few set-based queries, plans in memory (engine.py) and writes its results in
one transaction, so a run is either all there or not there at all.

A net-change run (the default once a finished run of the same plan date exists) hands the
engine that run's per-material fingerprints; the engine nets only the materials whose facts
changed, and the results of the others are copied from the base run with INSERT … SELECT,
their sequence numbers shifted to where the material's block now starts. Writing tens of
thousands of rows from Python is what made a re-run as slow as a full run.
"""

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.bulk_insert import column, rows_insert
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.services.audit import audit_record
from erp.mrp import selectors
from erp.mrp.models import (
    MrpRun,
    Pegging,
    PlanEntry,
    PlanException,
    PlannedKind,
    PlannedOrder,
    RunMaterial,
)
from erp.mrp.services import engine
from erp.mrp.states import RUN_MACHINE, PlannedState, RunState

Progress = Callable[[int, str], None]
STALE_AFTER = dt.timedelta(hours=2)  # a run this old without a finish died with its worker
MAX_HORIZON = 730


def mrp_run_start(
    *,
    actor,
    plan_date: dt.date | None = None,
    horizon_days: int = 120,
    mode: str | None = None,
    enqueue: bool = True,
) -> MrpRun:
    """Queue a run; refused while another one is queued or running. `mode` None: net change
    when there is a run to start from (see `mode_default`). `enqueue=False` leaves the
    execution to the caller (the demo runs it in its own process)."""
    require_perm(actor, "mrp.start_mrprun")
    plan_date = plan_date or timezone.localdate()
    mode = mode or selectors.mode_default(plan_date)
    if mode not in MrpRun.Mode.values:
        raise ValidationFailed(
            _("Choose a full or a net-change run."),
            code="mrp_mode",
            fields={"mode": [_("full or net change")]},
        )
    if not 1 <= int(horizon_days) <= MAX_HORIZON:
        raise ValidationFailed(
            _("Enter a horizon between 1 and %(max)s days.") % {"max": MAX_HORIZON},
            code="mrp_horizon",
            fields={"horizon_days": [_("between 1 and 730 days")]},
        )
    _stale_runs_fail()
    try:
        with transaction.atomic():
            run = MrpRun.objects.create(
                plan_date=plan_date,
                horizon_days=horizon_days,
                mode=mode,
                started_by=actor,
                state=RunState.QUEUED,
                active=True,
                step=gettext("Queued"),
            )
            run.number = f"MRP{run.plan_date:%Y%m%d}-{run.pk:04d}"
            run.save(update_fields=["number"])
            audit_record(actor=actor, action="create", obj=run, changes={"state": run.state})
    except IntegrityError:
        raise _already_running() from None
    if enqueue:
        from erp.mrp.tasks import mrp_run_task

        transaction.on_commit(lambda: mrp_run_task(run.pk))
    return run


def _already_running() -> BusinessRuleError:
    active = selectors.run_active()
    return BusinessRuleError(
        _("MRP run %(number)s is already queued or running. Wait for it to finish.")
        % {"number": str(active) if active else "-"},
        code="mrp_run_active",
    )


def _stale_runs_fail() -> None:
    """A run left active by a worker that died would block every later run for ever."""
    cutoff = timezone.now() - STALE_AFTER
    with transaction.atomic():
        RUN_MACHINE.transition_queryset(
            MrpRun.objects.filter(active=True, created_at__lt=cutoff),
            "fail",
            active=None,
            finished_at=timezone.now(),
            message=gettext("Abandoned: the worker stopped before the run finished."),
        )


def mrp_run_execute(*, run_id: int, progress: Progress | None = None) -> MrpRun:
    """The job: facts → plan → results. A failure marks the run failed with its reason."""
    report = progress or (lambda _pct, _step: None)
    with transaction.atomic():
        RUN_MACHINE.transition_queryset(
            MrpRun.objects.filter(pk=run_id), "execute", expected=1, progress=1
        )
    run = MrpRun.objects.get(pk=run_id)
    try:
        report(5, gettext("Reading demand, stock and open orders"))
        facts = selectors.facts_gather(run.plan_date)
        base = _base_run(run)
        if base is not None:
            report(25, gettext("Reading the fingerprints of run %(run)s") % {"run": base})
            facts.previous = selectors.kept_of(base)
        report(35, gettext("Netting and exploding formulas by low-level code"))
        result = engine.run(facts)
        if base is None:
            report(60, gettext("Saving planned orders and pegging"))
        else:  # reported before the transaction, so that the page sees it
            report(
                60,
                gettext(
                    "Saving the results of %(new)s recomputed materials, copying those of "
                    "%(kept)s unchanged ones"
                )
                % {
                    "new": result.recomputed_count,
                    "kept": len(result.outcomes) - result.recomputed_count,
                },
            )
        with transaction.atomic():
            _outcomes_write(run, result)
            _results_write(run, result)
            if base is not None:
                _results_copy(run, base)
            RUN_MACHINE.transition_queryset(
                MrpRun.objects.filter(pk=run_id),
                "finish",
                expected=1,
                active=None,
                progress=100,
                finished_at=timezone.now(),
                step=gettext("Finished"),
                digest=result.digest,
                demand_count=len(facts.demands),
                planned_count=sum(o.planned_count for o in result.outcomes),
                exception_count=sum(o.exception_count for o in result.outcomes),
                mode=MrpRun.Mode.FULL if base is None else MrpRun.Mode.NET_CHANGE,
                based_on=base,
                recomputed_count=result.recomputed_count,
            )
            run.refresh_from_db()
            audit_record(
                actor=run.started_by,
                action="finish",
                obj=run,
                changes={"state": run.state, "planned_count": run.planned_count},
            )
    except engine.FormulaCycle as exc:
        codes = _codes(exc.path)
        _fail(
            run_id,
            gettext("Formulas form a cycle: %(path)s. Correct the formulas and run again.")
            % {"path": " → ".join(codes)},
        )
    except Exception as exc:
        detail = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
        _fail(
            run_id,
            gettext(
                "Unexpected error (%(error)s). Run MRP again; if it stops again, send this "
                "message to your administrator."
            )
            % {"error": detail},
        )
        raise
    run.refresh_from_db()
    return run


def _base_run(run: MrpRun) -> MrpRun | None:
    """The run a net-change run starts from: the latest finished one of the same plan date
    (dates are relative to it) that recorded its fingerprints. None: plan in full."""
    if run.mode != MrpRun.Mode.NET_CHANGE:
        return None
    return selectors.run_base(run.plan_date, before=run.pk)


def _codes(ids: list[int]) -> list[str]:
    from erp.masterdata.models import Material

    names = dict(Material.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [names.get(i, str(i)) for i in ids]


def _fail(run_id: int, message: str) -> None:
    with transaction.atomic():
        RUN_MACHINE.transition_queryset(
            MrpRun.objects.filter(pk=run_id),
            "fail",
            expected=1,
            active=None,
            finished_at=timezone.now(),
            message=message[:2000],
            step=gettext("Failed"),
        )
        run = MrpRun.objects.get(pk=run_id)
        audit_record(actor=run.started_by, action="fail", obj=run, changes={"state": run.state})


def progress_to(run_id: int) -> Progress:
    """A progress callback that writes the run row (its own statement, outside the result
    transaction, so the page sees it while the run works)."""

    def report(percent: int, step: str) -> None:
        MrpRun.objects.filter(pk=run_id).update(progress=percent, step=step[:200])

    return report


def _db(value):
    """SQLite takes Decimals and dates as text (its decimal columns have REAL affinity; text
    keeps the value exact until it converts); PostgreSQL takes them as they are."""
    if value is None or connection.vendor != "sqlite":
        return value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _results_write(run: MrpRun, result: engine.Result) -> None:
    """Four executemany INSERTs: a run writes tens of thousands of rows, and building model
    instances for bulk_create cost more than the inserts (as the voucher gate found)."""
    rows_insert(
        PlannedOrder,
        [
            {
                "run_id": run.pk,
                "seq": p.seq,
                "material_id": p.material_id,
                "kind": PlannedKind.MAKE if p.make else PlannedKind.BUY,
                "low_level_code": p.low_level_code,
                "quantity": _db(p.quantity),
                "start_date": _db(p.start_date),
                "due_date": _db(p.due_date),
                "late": p.late,
                "explanation": p.explanation,
                "state": PlannedState.PROPOSED,
                "firmed_type": "",
                "firmed_number": "",
            }
            for p in result.planned
        ],
    )
    ids = dict(PlannedOrder.objects.filter(run=run).values_list("seq", "pk"))
    rows_insert(
        Pegging,
        [
            {
                "planned_order_id": ids[p.seq],
                "demand_kind": g.kind,
                "source_type": g.source_type,
                "source_id": g.source_id,
                "source_number": g.source_number,
                "need_date": _db(g.need_date),
                "quantity": _db(g.quantity),
                "parent_seq": g.parent_seq,
            }
            for p in result.planned
            for g in p.pegs
        ],
    )
    rows_insert(
        PlanEntry,
        [
            {
                "run_id": run.pk,
                "material_id": e.material_id,
                "kind": e.kind,
                "date": _db(e.date),
                "quantity": _db(e.quantity),
                "source_type": e.source_type,
                "source_id": e.source_id,
                "source_number": e.source_number,
            }
            for e in result.entries
        ],
    )
    rows_insert(
        PlanException,
        [
            {
                "run_id": run.pk,
                "material_id": x.material_id,
                "kind": x.kind,
                "reason": x.reason,
                "date": _db(x.date),
                "quantity": _db(x.quantity),
                "reference": x.reference,
                "source_type": x.source_type,
                "source_id": x.source_id,
                "planned_seq": x.planned_seq,
            }
            for x in result.exceptions
        ],
    )


def _outcomes_write(run: MrpRun, result: engine.Result) -> None:
    rows_insert(
        RunMaterial,
        [
            {
                "run_id": run.pk,
                "material_id": o.material_id,
                "low_level_code": o.low_level_code,
                "seq_from": o.seq_from,
                "planned_count": o.planned_count,
                "exception_count": o.exception_count,
                "facts_digest": o.facts_digest,
                "result_digest": o.result_digest,
                "recomputed": o.recomputed,
            }
            for o in result.outcomes
        ],
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_select(model, values: dict[str, str], rest: str, params: list) -> None:
    """INSERT INTO model (fields) SELECT expressions …: columns from the model's own fields
    (as in bulk_insert), the expressions and joins below name the copied tables' columns."""
    columns = ", ".join(column(model, name) for name in values)
    select = ", ".join(values.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(model)} ({columns}) SELECT {select} {rest}",
            params,
        )


def _results_copy(run: MrpRun, base: MrpRun) -> None:
    """The kept materials' results of the base run, into this run, set-based. A material's
    planned orders are a contiguous block of the run's sequence: the block moves from the base
    run's `seq_from` to this run's, and so do the exceptions' planned orders and the pegs'
    parent orders (by the parent material's own move)."""
    po, rm = _table(PlannedOrder), _table(RunMaterial)
    kept = (
        f"JOIN {rm} o ON o.run_id = %s AND o.material_id = x.material_id "
        f"JOIN {rm} n ON n.run_id = %s AND n.material_id = x.material_id AND n.recomputed = %s"
    )
    moved = "x.seq - o.seq_from + n.seq_from"
    _insert_select(
        PlannedOrder,
        {
            "run": "%s", "seq": moved, "material": "x.material_id", "kind": "x.kind",
            "low_level_code": "x.low_level_code", "quantity": "x.quantity",
            "start_date": "x.start_date", "due_date": "x.due_date", "late": "x.late",
            "explanation": "x.explanation", "state": "%s", "firmed_type": "''",
            "firmed_number": "''",
        },
        f"FROM {po} x {kept} WHERE x.run_id = %s ORDER BY x.seq",
        [run.pk, PlannedState.PROPOSED, base.pk, run.pk, False, base.pk],
    )  # fmt: skip
    _insert_select(
        Pegging,
        {
            "planned_order": "np.id", "demand_kind": "g.demand_kind",
            "source_type": "g.source_type", "source_id": "g.source_id",
            "source_number": "g.source_number", "need_date": "g.need_date",
            "quantity": "g.quantity",
            "parent_seq": "g.parent_seq - ro.seq_from + rn.seq_from",
        },
        f"FROM {_table(Pegging)} g JOIN {po} x ON x.id = g.planned_order_id {kept} "
        f"JOIN {po} np ON np.run_id = %s AND np.seq = {moved} "
        f"LEFT JOIN {po} pp ON pp.run_id = %s AND pp.seq = g.parent_seq "
        f"LEFT JOIN {rm} ro ON ro.run_id = %s AND ro.material_id = pp.material_id "
        f"LEFT JOIN {rm} rn ON rn.run_id = %s AND rn.material_id = pp.material_id "
        "WHERE x.run_id = %s ORDER BY g.id",
        [base.pk, run.pk, False, run.pk, base.pk, base.pk, run.pk, base.pk],
    )  # fmt: skip
    _insert_select(
        PlanEntry,
        {
            "run": "%s", "material": "x.material_id", "kind": "x.kind", "date": "x.date",
            "quantity": "x.quantity", "source_type": "x.source_type",
            "source_id": "x.source_id", "source_number": "x.source_number",
        },
        f"FROM {_table(PlanEntry)} x {kept} WHERE x.run_id = %s ORDER BY x.id",
        [run.pk, base.pk, run.pk, False, base.pk],
    )  # fmt: skip
    _insert_select(
        PlanException,
        {
            "run": "%s", "material": "x.material_id", "kind": "x.kind", "reason": "x.reason",
            "date": "x.date", "quantity": "x.quantity", "reference": "x.reference",
            "source_type": "x.source_type", "source_id": "x.source_id",
            "planned_seq": "x.planned_seq - o.seq_from + n.seq_from",
        },
        f"FROM {_table(PlanException)} x {kept} WHERE x.run_id = %s ORDER BY x.id",
        [run.pk, base.pk, run.pk, False, base.pk],
    )  # fmt: skip
