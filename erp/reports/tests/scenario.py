"""A small, hand-computed business month for the reports tests (built once per test class in
setUpTestData).

Stock received today: FG-PAINT 100 kg @ 10.00 (category 产成品), FG-VARNISH 50 kg @ 20.00
(category 清漆).
- SO1 华东涂装 (salesperson 王销售): 10 PAINT @ 113.00 incl. 13 % → net 1,000.00. Delivered
  (cost 10 × 10 = 100.00) and invoiced (INV1, revenue 1,000.00). 2 kg come back (return, cost
  2 × 10 = 20.00, into a quarantine lot).
- SO2 华南化工 (no salesperson), ordered 4 days ago: 5 VARNISH @ 109.00 incl. 9 % → net 500.00.
  Delivered today (cost 5 × 20 = 100.00) and invoiced (INV2, revenue 500.00).
- SO3 华东涂装: 4 PAINT delivered (cost 40.00), not invoiced.

Month: revenue 1,000 + 500 = 1,500.00; cost of sales 100 + 100 + 40 − 20 = 220.00; margin
1,500 − 220 = 1,280.00, margin % 1,280 ÷ 1,500 = 85.333… → 85.33 %.
华东涂装: revenue 1,000.00, cost 100 + 40 − 20 = 120.00, margin 880.00 (880 ÷ 1,000 = 88.00 %);
华南化工: revenue 500.00, cost 100.00.
On time: the three deliveries are today, each order line requested today → 3 of 3 = 100.00 %.
Stock value: PAINT 1,000 − 140 + 20 = 880.00, VARNISH 1,000 − 100 = 900.00 → 1,780.00.
Order to delivery: 0, 4 and 0 days → 4 ÷ 3 = 1.3 days on average.
An opening receivable of 300.00 of 华南化工 fell due 10 days ago (overdue 300.00).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

TODAY = timezone.localdate()


def _user(username, *roles, **extra):
    from erp.iam.models import Role, User

    user = User.objects.create_user(username=username, password="pw-Secret-123", **extra)
    user.groups.set([r.group for r in Role.objects.filter(code__in=roles)])
    return User.objects.get(pk=user.pk)


def build() -> dict:
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year
    from erp.core.ledger import ledger
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.services.roles import roles_sync
    from erp.inventory.services import ReceiptLine, StockSource, stock_receive
    from erp.masterdata.models import (
        Customer,
        Location,
        Material,
        MaterialCategory,
        Unit,
        Warehouse,
    )
    from erp.sales.services import deliveries, invoices, returns
    from erp.sales.services.orders import sales_order_create, sales_order_submit

    roles_sync()
    u = {
        "gm": _user("zongjingli", "general_manager", full_name="周总"),
        "seller": _user("xiaowang", "sales", full_name="王销售"),
        "sm": _user("jingli", "sales_manager", full_name="李经理"),
        "keeper": _user("cangguan", "warehouse", full_name="赵仓管"),
        "acc": _user("kuaiji", "accountant", full_name="孙会计"),
        "fm": _user("caijing", "finance_manager", full_name="马财经"),
    }
    chart_seed(actor=u["fm"], standard="enterprise")
    for year in range(TODAY.year - 1, TODAY.year + 2):
        periods_create_year(actor=u["fm"], year=year)
    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    fg = MaterialCategory.objects.create(code="FG", name="产成品")
    varnish_cat = MaterialCategory.objects.create(code="VN", name="清漆")
    wh = Warehouse.objects.create(code="FG1", name="成品仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")
    Location.objects.create(
        warehouse=wh, code="QC-01", name="待检区", type=Location.Type.QUARANTINE
    )

    def mat(code, cat, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="finished",
            procurement="make",
            base_unit=kg,
            batch_managed=True,
            shelf_life_days=365,
            **kw,
        )

    paint, varnish = mat("FG-PAINT", fg), mat("FG-VARNISH", varnish_cat, vat_rate="9")
    east = Customer.objects.create(
        code="C001",
        name="华东涂装",
        uscc="91310000MA1FL0001X",
        invoice_title="华东涂装",
        salesperson=u["seller"],
    )
    south = Customer.objects.create(
        code="C002", name="华南化工", uscc="91440000MA1FL0002X", invoice_title="华南化工"
    )
    for i, (m, qty, cost) in enumerate(((paint, "100", "10"), (varnish, "50", "20")), start=1):
        stock_receive(
            actor=u["keeper"],
            lines=[
                ReceiptLine(
                    material_id=m.pk,
                    location_id=loc.pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal(cost),
                    lot_number=f"L-{i}",
                    production_date=TODAY - dt.timedelta(days=5),
                    expiry_date=TODAY + dt.timedelta(days=300),
                )
            ],
            posting_date=TODAY,
            source=StockSource("test.receipt", i),
        )

    def order(customer, material, qty, price, days_ago=0):
        o = sales_order_create(
            actor=u["seller"],
            header={
                "customer_id": customer.pk,
                "date": TODAY - dt.timedelta(days=days_ago),
                "price_includes_tax": True,
            },
            lines=[
                {
                    "material_id": material.pk,
                    "quantity": qty,
                    "unit_price": price,
                    "requested_date": TODAY,
                }
            ],
        )
        return sales_order_submit(actor=u["seller"], doc_id=o.pk)

    def deliver(o):
        note = deliveries.delivery_note_create(
            actor=u["seller"],
            header={"order_id": o.pk, "warehouse_id": wh.pk, "date": TODAY},
            lines=[],
        )
        return deliveries.delivery_note_post(actor=u["keeper"], doc_id=note.pk)

    def invoice(note):
        inv = invoices.sales_invoice_create(
            actor=u["acc"], header={"delivery_id": note.pk, "date": TODAY}, lines=[]
        )
        return invoices.sales_invoice_post(actor=u["acc"], doc_id=inv.pk)

    dn1 = deliver(order(east, paint, "10", "113.00"))
    inv1 = invoice(dn1)
    dn2 = deliver(order(south, varnish, "5", "109.00", days_ago=4))
    inv2 = invoice(dn2)
    dn3 = deliver(order(east, paint, "4", "113.00"))
    ret = returns.sales_return_create(
        actor=u["sm"],
        header={"delivery_id": dn1.pk, "date": TODAY, "reason": "破损"},
        lines=[{"delivery_line_id": dn1.lines.get().pk, "quantity": "2"}],
    )
    ret = returns.sales_return_post(actor=u["sm"], doc_id=ret.pk)
    ledger().open_item_create(
        actor=u["fm"],
        kind="receivable",
        partner_id=south.pk,
        account_code="1122",
        amount=Decimal("300.00"),
        doc_date=TODAY - dt.timedelta(days=40),
        due=TODAY - dt.timedelta(days=10),
        source_type="test.opening",
        source_id="1",
        source_number="QC-1",
    )
    return {
        **u,
        "paint": paint,
        "varnish": varnish,
        "fg": fg,
        "varnish_cat": varnish_cat,
        "east": east,
        "south": south,
        "dn1": dn1,
        "dn2": dn2,
        "dn3": dn3,
        "inv1": inv1,
        "inv2": inv2,
        "ret": ret,
    }
