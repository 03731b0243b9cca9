"""Demo MRP: planning parameters for the two paints with formulas and their raw materials, two
customer orders for them (one customer wants 180 days of shelf life left), next month's
forecast of the alkyd paint, and one finished
run by the demo planner (黄磊), so the workbench opens on real proposals: the alkyd paint in
1,000 kg vessels, its quarantined output lot reported as not usable, resins and pigments to buy.
Everything goes through the services, as users would."""

from datetime import timedelta
from decimal import Decimal as D

from django.conf import settings
from django.utils import timezone, translation

from erp.iam.models import User
from erp.masterdata.models import Customer, Material
from erp.mrp.models import MrpRun

# code: lead time, QC release days, min lot, multiple, yield %
PARAMETERS = {
    "FG-1005": (3, 2, "1000", "1000", "97.5"),
    "FG-1001": (2, 2, "500", "500", "98"),
    "RM-1003": (10, 2, "500", "250", "100"),
    "RM-1001": (12, 2, "400", "200", "100"),
    "RM-2003": (7, 1, "200", "25", "100"),
    "RM-2007": (14, 2, "1000", "500", "100"),
    "RM-3001": (5, 0, "200", "200", "100"),
    "RM-3007": (5, 0, "200", "200", "100"),
}
# customer, material, quantity, price, days from today, minimum remaining shelf life
ORDERS = [
    ("C004", "FG-1005", "3000", "16.80", 18, 180),
    ("C006", "FG-1001", "1200", "45.00", 25, None),
]


def load_demo(*, actor) -> dict[str, int]:
    if MrpRun.objects.exists():
        return {"runs": 0}
    planner = User.objects.filter(username="planner").first()
    seller = User.objects.filter(username="sales").first()
    materials = {m.code: m for m in Material.objects.filter(code__in=PARAMETERS)}
    if planner is None or len(materials) < len(PARAMETERS):
        return {"runs": 0}  # master data or users not loaded
    with translation.override(settings.LANGUAGE_CODE):
        _parameters(planner, materials)
        if seller is not None:
            _orders(seller)
        _forecasts(planner)
        _run(planner)
    return {"runs": 1}


def _parameters(planner, materials) -> None:
    from erp.mrp.services.parameters import planning_parameter_save

    for code, (lead, qc, minimum, multiple, yield_pct) in PARAMETERS.items():
        planning_parameter_save(
            actor=planner,
            material_id=materials[code].pk,
            data={
                "lead_time_days": lead,
                "qc_release_days": qc,
                "min_lot": minimum,
                "lot_multiple": multiple,
                "yield_pct": yield_pct,
                "planner_id": planner.pk,
            },
        )


def _orders(seller) -> None:
    from erp.sales.services import orders

    today = timezone.localdate()
    for customer_code, code, qty, price, days, min_days in ORDERS:
        customer = Customer.objects.filter(code=customer_code).first()
        material = Material.objects.filter(code=code).first()
        if customer is None or material is None:
            continue
        order = orders.sales_order_create(
            actor=seller,
            header={"customer_id": customer.pk, "date": today},
            lines=[
                {
                    "material_id": material.pk,
                    "quantity": D(qty),
                    "unit_price": D(price),
                    "discount_pct": D(0),
                    "requested_date": today + timedelta(days=days),
                    "min_remaining_days": min_days,
                }
            ],
        )
        orders.sales_order_submit(actor=seller, doc_id=order.pk)


def _forecasts(planner) -> None:
    """Next month's forecast of the alkyd paint: MRP plans it on top of the orders."""
    from erp.mrp.services.forecasts import forecasts_save

    today = timezone.localdate()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    forecasts_save(
        actor=planner,
        rows=[
            {
                "material_code": "FG-1005",
                "period_start": next_month.isoformat(),
                "quantity": "2000",
                "period": "month",
                "note": "年初备货",
            }
        ],
    )


def _run(planner) -> None:
    from erp.mrp.services.runs import mrp_run_execute, mrp_run_start

    run = mrp_run_start(actor=planner, enqueue=False)
    mrp_run_execute(run_id=run.pk)
