"""Build a traceable chain (receipt → production → delivery) through the real stock gate.

Used by the tests and the W4 benchmarks (the demo traces production's own demo batch). The
stock moves go through inventory's services with the move types purchasing, production and
sales registered, so the ledger is what those modules would write; the documents they point
at (goods receipt, production order, delivery note) are created as plain rows, and the lot
links as production writes them.
Nothing here is reachable from a page: it is set-up code.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from erp.inventory.models import Lot
from erp.inventory.services import IssueLine, ReceiptLine, StockSource, stock_issue, stock_receive
from erp.masterdata.models import Customer, Location, Material, Supplier, Warehouse


@dataclass
class Chain:
    actor: object
    on: date
    warehouse: Warehouse
    location: Location
    lots: dict[str, Lot] = field(default_factory=dict)
    orders: dict[str, object] = field(default_factory=dict)
    deliveries: list = field(default_factory=list)
    receipts: list = field(default_factory=list)

    def receive(self, material: Material, supplier: Supplier, lots: dict[str, tuple[str, str]]):
        """One goods receipt of `lots` {number: (quantity, supplier lot)} from `supplier`."""
        from erp.purchasing.models import GoodsReceipt

        receipt = GoodsReceipt.objects.create(
            date=self.on,
            state="posted",
            supplier=supplier,
            warehouse=self.warehouse,
            created_by=self.actor,
            number=f"GR-T{GoodsReceipt.objects.count() + 1:04d}",
        )
        moves = stock_receive(
            actor=self.actor,
            lines=[
                ReceiptLine(
                    material_id=material.pk,
                    location_id=self.location.pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal("10"),
                    lot_number=number,
                    supplier_lot=supplier_lot,
                )
                for number, (qty, supplier_lot) in lots.items()
            ],
            posting_date=self.on,
            source=StockSource("purchasing.goodsreceipt", receipt.pk, receipt.number),
            move_type="purchase_receipt",
        )
        for m in moves:
            self.lots[m.lot.number] = m.lot
        self.receipts.append(receipt)
        return receipt

    def produce(self, product: Material, output: str, qty: str, inputs: dict[str, str]):
        """A closed production order: issue `inputs` {lot number: quantity}, output lot
        `output` of `qty`, and the lot links production writes."""
        from erp.production.models import LotLink, ProductionOrder

        order = ProductionOrder.objects.create(
            date=self.on,
            state="closed",
            product=product,
            formula=self._formula(product),
            quantity=Decimal(qty),
            issue_warehouse=self.warehouse,
            output_location=self.location,
            output_quantity=Decimal(qty),
            created_by=self.actor,
            number=f"MO-T{ProductionOrder.objects.count() + 1:04d}",
        )
        source = StockSource("production.productionorder", order.pk, order.number)
        stock_issue(
            actor=self.actor,
            lines=[
                IssueLine(
                    material_id=self.lots[n].material_id,
                    location_id=self.location.pk,
                    quantity=Decimal(q),
                    lot_id=self.lots[n].pk,
                )
                for n, q in inputs.items()
            ],
            posting_date=self.on,
            source=source,
            move_type="production_issue",
        )
        (out,) = stock_receive(
            actor=self.actor,
            lines=[
                ReceiptLine(
                    material_id=product.pk,
                    location_id=self.location.pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal("10"),
                    lot_number=output,
                )
            ],
            posting_date=self.on,
            source=source,
            move_type="production_output",
        )
        self.lots[output] = out.lot
        order.output_lot = out.lot
        order.save(update_fields=["output_lot"])
        LotLink.objects.bulk_create(
            LotLink(parent=self.lots[n], child=out.lot, quantity=Decimal(q), order=order)
            for n, q in inputs.items()
        )
        self.orders[output] = order
        return order

    def deliver(self, customer: Customer, lot: str, qty: str):
        """A posted delivery note of `qty` of lot `lot` to `customer`."""
        from erp.sales.models import DeliveryNote, SalesOrder

        order = SalesOrder.objects.create(
            date=self.on, state="closed", customer=customer, created_by=self.actor
        )
        note = DeliveryNote.objects.create(
            date=self.on,
            state="posted",
            customer=customer,
            order=order,
            warehouse=self.warehouse,
            created_by=self.actor,
            number=f"DN-T{DeliveryNote.objects.count() + 1:04d}",
        )
        found = self.lots[lot]
        stock_issue(
            actor=self.actor,
            lines=[
                IssueLine(
                    material_id=found.material_id,
                    location_id=self.location.pk,
                    quantity=Decimal(qty),
                    lot_id=found.pk,
                )
            ],
            posting_date=self.on,
            source=StockSource("sales.deliverynote", note.pk, note.number),
            move_type="sales_delivery",
        )
        self.deliveries.append(note)
        return note

    def _formula(self, product: Material):
        from erp.production.models import Formula

        formula = Formula.objects.filter(product=product).first()
        if formula is None:
            formula = Formula.objects.create(
                product=product,
                state="released",
                date=self.on,
                batch_size=Decimal("10"),
                created_by=self.actor,
                number=f"PF-T{product.pk}",
            )
        return formula


def w4_build(chain: Chain, materials: dict[str, Material], supplier, customers) -> None:
    """Workload W4 of ../shared/benchmarks/WORKLOADS.md: 10 lots each of RA and RB, 25
    level-1 orders (4 of RA-(k mod 10) + 4 of RB-((3k+1) mod 10) → I-k, 10), 25 level-2
    orders (5 of I-k + 5 of I-((k+1) mod 25) → F-k, 10), each F-k delivered as 4 + 6."""
    with transaction.atomic():
        for raw in ("RA", "RB"):
            chain.receive(
                materials[raw],
                supplier,
                {f"{raw}-{i}": ("100", f"S{raw}-{i}") for i in range(10)},
            )
        for k in range(25):
            chain.produce(
                materials["INT"],
                f"I-{k}",
                "10",
                {f"RA-{k % 10}": "4", f"RB-{(3 * k + 1) % 10}": "4"},
            )
        for k in range(25):
            chain.produce(
                materials["FIN"], f"F-{k}", "10", {f"I-{k}": "5", f"I-{(k + 1) % 25}": "5"}
            )
        for k in range(25):
            chain.deliver(customers[k % len(customers)], f"F-{k}", "4")
            chain.deliver(customers[(k + 1) % len(customers)], f"F-{k}", "6")
