"""Reads of the quality app (home figures)."""

from erp.quality.models import InspectionLot, InspectionLotState


def inspections_waiting_results_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.OPEN).count()


def inspections_waiting_decision_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.SUBMITTED).count()


def limits_shown(r) -> str:
    """A characteristic's limits as read: "98 ~ 100", "≥ 93", "≤ 21"; "" for pass/fail."""
    if r.kind == "pass_fail":
        return ""
    lower = "" if r.lower_limit is None else f"{r.lower_limit.normalize():f}"
    upper = "" if r.upper_limit is None else f"{r.upper_limit.normalize():f}"
    if lower and upper:
        return f"{lower} ~ {upper}"
    return f"≥ {lower}" if lower else (f"≤ {upper}" if upper else "")


def quality_yield(*, date_from, date_to) -> list[dict]:
    """Per material, the inspections decided in the period (by inspection date): how many
    were released as they were (first-pass yield), released on concession, rejected; the
    mean days from inspection to decision; the NCRs raised on them."""
    from collections import defaultdict
    from decimal import Decimal

    from django.utils import timezone

    rows = defaultdict(lambda: {"decided": 0, "released": 0, "conditional": 0, "rejected": 0})
    days = defaultdict(list)
    names = {}
    decided = InspectionLot.objects.filter(
        date__gte=date_from,
        date__lte=date_to,
        state__in=(
            InspectionLotState.RELEASED,
            InspectionLotState.CONDITIONAL,
            InspectionLotState.REJECTED,
        ),
    ).select_related("material")
    for i in decided:
        row = rows[i.material_id]
        names[i.material_id] = str(i.material)
        row["decided"] += 1
        row[i.state] += 1
        if i.decided_at is not None:
            # The inspection date is a local (Asia/Shanghai) date; so is the decision's day.
            decided_on = timezone.localdate(i.decided_at)
            days[i.material_id].append((decided_on - i.date).days)
    ncrs = _ncr_counts(date_from, date_to)
    hundred = Decimal(100)
    result = []
    for material_id, row in sorted(rows.items(), key=lambda kv: names[kv[0]]):
        n = row["decided"]
        lead = days[material_id]
        result.append(
            {
                "material": names[material_id],
                **row,
                "first_pass_pct": (hundred * row["released"] / n).quantize(Decimal("0.1")),
                "rejected_pct": (hundred * row["rejected"] / n).quantize(Decimal("0.1")),
                "lead_days": (Decimal(sum(lead)) / len(lead)).quantize(Decimal("0.1"))
                if lead
                else None,
                "ncrs": ncrs.get(material_id, 0),
            }
        )
    return result


def _ncr_counts(date_from, date_to) -> dict[int, int]:
    from django.db.models import Count

    from erp.quality.models import NcrState, NonconformanceReport

    return dict(
        NonconformanceReport.objects.filter(date__gte=date_from, date__lte=date_to)
        .exclude(state=NcrState.CANCELLED)
        .values_list("inspection_lot__material_id")
        .annotate(n=Count("id"))
        .values_list("inspection_lot__material_id", "n")
    )


def retests_due(*, today, within_days: int = 30) -> list:
    """Lots with stock whose retest date falls before today + within_days (overdue first),
    each with `pending` (the inspection already waiting, if any) and `overdue`."""
    from datetime import timedelta

    from erp.inventory.models import StockBalance
    from erp.inventory.states import LotStatus
    from erp.quality.models import LotRetest

    stocked = StockBalance.objects.filter(on_hand__gt=0).values("lot_id")
    rows = list(
        LotRetest.objects.filter(
            retest_on__lte=today + timedelta(days=within_days), lot_id__in=stocked
        )
        .exclude(lot__status=LotStatus.REJECTED)
        .select_related("lot", "lot__material")
        .order_by("retest_on", "lot__number")
    )
    pending = dict(
        InspectionLot.objects.filter(
            lot_id__in=[r.lot_id for r in rows],
            state__in=(
                InspectionLotState.OPEN,
                InspectionLotState.SUBMITTED,
                InspectionLotState.CONCESSION,
            ),
        ).values_list("lot_id", "pk")
    )
    for r in rows:
        r.pending_id = pending.get(r.lot_id)
        r.overdue = r.retest_on <= today
    return rows


def retain_samples_due(*, today) -> list:
    """Retain samples kept past their date and not discarded yet: to dispose of."""
    from erp.quality.models import RetainSample

    return list(
        RetainSample.objects.filter(discarded_at__isnull=True, keep_until__lte=today)
        .select_related("lot", "lot__material")
        .order_by("keep_until", "pk")
    )


def retain_samples_kept(*, lot_id=None, limit: int = 50) -> list:
    """Retain samples still kept (the due page's register; one lot's on its inspection)."""
    from erp.quality.models import RetainSample

    found = RetainSample.objects.filter(discarded_at__isnull=True)
    if lot_id is not None:
        found = found.filter(lot_id=lot_id)
    return list(found.select_related("lot", "lot__material").order_by("-pk")[:limit])
