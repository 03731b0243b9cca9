"""Forecasts (销售预测): entered one by one or pasted from Excel (物料编码, 期间开始, 数量,
周/月), saved all-or-nothing. A week starts on its Monday, a month on its 1st; a quantity of
zero removes the forecast of that period."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.money import round_quantity
from erp.core.services.audit import audit_record
from erp.masterdata.models import Material
from erp.mrp.models import Forecast

MAX_LINES = 5000
PERIOD_WORDS = {
    "week": "week",
    "周": "week",
    "w": "week",
    "month": "month",
    "月": "month",
    "m": "month",
}


def _line_error(n: int, message) -> ValidationFailed:
    return ValidationFailed(
        _("Line %(n)s: %(problem)s") % {"n": n, "problem": message}, code="mrp_forecast_invalid"
    )


def period_start_of(period: str, day: dt.date) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _clean(n: int, row: dict, materials: dict) -> dict:
    material = materials.get(str(row.get("material_code") or "").strip())
    if material is None:
        raise _line_error(n, _("no active material with this code."))
    period = PERIOD_WORDS.get(str(row.get("period") or "month").strip().lower())
    if period is None:
        raise _line_error(n, _("the period is week (周) or month (月)."))
    try:
        day = dt.date.fromisoformat(str(row.get("period_start") or "").strip())
    except ValueError:
        raise _line_error(n, _("enter the period start as 2026-03-01.")) from None
    try:
        raw = row.get("quantity")
        qty = Decimal(str("" if raw is None else raw).replace(",", "").strip())
    except InvalidOperation:
        raise _line_error(n, _("enter the quantity as a number.")) from None
    if not qty.is_finite() or qty < 0 or qty >= Decimal("1e13"):
        raise _line_error(n, _("enter a quantity of zero or more."))
    return {
        "material": material,
        "period": period,
        "period_start": period_start_of(period, day),
        "quantity": round_quantity(qty),
        "note": str(row.get("note") or "")[:200],
    }


def forecasts_save(*, actor, rows: list[dict]) -> int:
    """Save forecast rows [{material_code, period_start, quantity, period, note}]: all or none."""
    require_perm(actor, "mrp.add_forecast", "mrp.change_forecast", "mrp.delete_forecast")
    if not rows or len(rows) > MAX_LINES:
        raise ValidationFailed(
            _("Enter between 1 and %(max)s forecast lines.") % {"max": MAX_LINES},
            code="mrp_forecast_lines",
        )
    codes = {str(r.get("material_code") or "").strip() for r in rows}
    materials = {m.code: m for m in Material.objects.filter(code__in=codes, active=True)}
    cleaned = [_clean(n, r, materials) for n, r in enumerate(rows, 1)]
    with transaction.atomic():
        for c in cleaned:
            _save_one(actor, c)
    return len(cleaned)


def _save_one(actor, c: dict) -> None:
    existing = (
        Forecast.objects.select_for_update()
        .filter(material=c["material"], period_start=c["period_start"])
        .first()
    )
    shown = f"{c['material'].code} {c['period_start']}"  # the audit names the material's code
    if c["quantity"] == 0:
        if existing is not None:
            audit_record(
                actor=actor,
                action="delete",
                obj=existing,
                object_repr=shown,
                changes={"quantity": [str(existing.quantity), "0"]},
            )
            existing.delete()
        return
    before = str(existing.quantity) if existing else None
    forecast = existing or Forecast(material=c["material"], period_start=c["period_start"])
    forecast.period, forecast.quantity, forecast.note = c["period"], c["quantity"], c["note"]
    forecast.updated_by = actor
    forecast.save()
    audit_record(
        actor=actor,
        action="update" if existing else "create",
        obj=forecast,
        object_repr=shown,
        changes={"quantity": [before, str(c["quantity"])]},
    )


def forecasts_parse(text: str) -> list[dict]:
    """Lines pasted from Excel: tab, comma or spaces between 物料编码, 期间开始, 数量[, 周/月]."""
    rows = []
    for line in text.splitlines():
        parts = [p for p in re.split(r"[\t,，;；]+|\s{2,}| ", line.strip()) if p]
        if not parts:
            continue
        rows.append(
            {
                "material_code": parts[0],
                "period_start": parts[1] if len(parts) > 1 else "",
                "quantity": parts[2] if len(parts) > 2 else "",
                "period": parts[3] if len(parts) > 3 else "month",
            }
        )
    return rows
