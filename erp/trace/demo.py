"""Demo traceability: the demo company's alkyd primer batch (生产订单 from production's demo)
is partly delivered to a customer, so its lot traces from the purchased resin to the customer;
a mock-recall drill on the resin lot is done (its report prints), and a recall case on it is
open, ready for "hold all". Everything through the services, as users would."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from erp.core.demo import demo_today
from erp.core.lot_links import lot_link_sources
from erp.iam.models import User
from erp.inventory.models import Lot, StockBalance
from erp.inventory.services import lot_status_change
from erp.inventory.states import LotStatus
from erp.masterdata.models import Customer
from erp.trace.models import RecallCase
from erp.trace.services import recalls


def _user(username: str, fallback):
    return User.objects.filter(username=username, is_active=True).first() or fallback


def load_demo(*, actor) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _load(actor)


def _made_lot() -> Lot | None:
    """A lot some registered genealogy made (the alkyd batch), with stock left."""
    for src in lot_link_sources():
        if src.document_type == "inventory.lotsplit":
            continue  # a lot split (部分放行) makes no batch
        child = src.model._default_manager.values_list(f"{src.child_field}_id", flat=True)
        lot_ids = StockBalance.objects.filter(lot_id__in=child, on_hand__gt=0).values("lot_id")
        lot = Lot.objects.filter(pk__in=lot_ids).select_related("material").first()
        if lot is not None:
            return lot
    return None


def _load(actor) -> None:
    if RecallCase.objects.exists():
        return
    made = _made_lot()
    customer = Customer.objects.filter(code="C004").first() or Customer.objects.first()
    if made is None or customer is None:
        return  # production or master data demo not loaded
    quality = _user("quality_manager", actor)
    if made.status != LotStatus.RELEASED:
        lot_status_change(
            actor=actor, lot_id=made.pk, status=LotStatus.RELEASED, reason="出厂检验合格"
        )
    _deliver(actor, customer, made)
    resin = _raw_lot(made)
    start = resin or made
    drill = recalls.recall_open(
        actor=quality,
        lot_id=start.pk,
        kind="drill",
        level=2,
        scope="downstream",
        reason="季度模拟召回演练：醇酸树脂批次",
    )
    # The demo drill "took" 1 h 25 min: a real one is timed from opening to closing.
    RecallCase.objects.filter(pk=drill.pk).update(started_at=timezone.now() - timedelta(minutes=85))
    recalls.recall_close(actor=quality, doc_id=drill.pk, conclusion="全部批次和客户已识别")
    recalls.recall_open(
        actor=quality,
        lot_id=start.pk,
        level=2,
        reason="客户投诉 KS-2026-031：桶内结块，怀疑树脂批次",
    )


def _raw_lot(made: Lot) -> Lot | None:
    from erp.trace.selectors import BACKWARD, links_walk

    parents = [ln.parent for ln in links_walk([made.pk], BACKWARD)]
    return (
        Lot.objects.filter(pk__in=parents, material__code="RM-1003").first()
        or Lot.objects.filter(pk__in=parents).order_by("pk").first()
    )


def _deliver(actor, customer, lot: Lot) -> None:
    """A sales order of 100 of the batch to the customer, delivered from that lot."""
    from erp.masterdata.models import Warehouse
    from erp.sales.services import deliveries, orders

    seller, keeper = _user("sales", actor), _user("warehouse", actor)
    balance = StockBalance.objects.filter(lot=lot, on_hand__gt=0).select_related("location")
    location = balance.first().location
    today = demo_today()
    order = orders.sales_order_create(
        actor=seller,
        header={"customer_id": customer.pk, "date": today, "note": "醇酸防锈漆 试用订单"},
        lines=[
            {
                "material_id": lot.material_id,
                "quantity": Decimal("100"),
                "unit_price": Decimal("32.00"),
                "discount_pct": Decimal("0"),
            }
        ],
    )
    order = orders.sales_order_submit(actor=seller, doc_id=order.pk)
    warehouse = Warehouse.objects.get(pk=location.warehouse_id)
    line = order.lines.get()
    note = deliveries.delivery_note_create(
        actor=seller,
        header={"order_id": order.pk, "warehouse_id": warehouse.pk, "date": today},
        lines=[{"order_line_id": line.pk, "quantity": Decimal("100"), "lot_id": lot.pk}],
    )
    deliveries.delivery_note_post(actor=keeper, doc_id=note.pk)
