"""MRP runs: start one (only one at a time), execute it as a background job with progress, and
keep its results.

One at a time is the database's job, not the process's: `MrpRun.active` is True while a run is
queued or running and a partial unique index allows one such row, so two planners pressing
"run" together get one run and one clear refusal, on SQLite and PostgreSQL alike. The run reads
its facts in a few set-based queries, plans in memory (engine.py) and writes its results in
one transaction, so a run is either all there or not there at all.
"""

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.bulk_insert import rows_insert
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
)
from erp.mrp.services import engine
from erp.mrp.states import RUN_MACHINE, PlannedState, RunState

Progress = Callable[[int, str], None]
STALE_AFTER = dt.timedelta(hours=2)  # a run this old without a finish died with its worker
MAX_HORIZON = 730


def mrp_run_start(
    *, actor, plan_date: dt.date | None = None, horizon_days: int = 120, enqueue: bool = True
) -> MrpRun:
    """Queue a run; refused while another one is queued or running. `enqueue=False` leaves
    the execution to the caller (the demo runs it in its own process)."""
    require_perm(actor, "mrp.start_mrprun")
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
                plan_date=plan_date or timezone.localdate(),
                horizon_days=horizon_days,
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
        report(35, gettext("Netting and exploding formulas by low-level code"))
        result = engine.run(facts)
        report(70, gettext("Saving planned orders and pegging"))
        with transaction.atomic():
            _results_write(run, result)
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
                planned_count=len(result.planned),
                exception_count=len(result.exceptions),
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
