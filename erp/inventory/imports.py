"""Opening stock import (期初库存) for the go-live import engine (erp/golive/importing).

One file = one opening posting: every row repeats the go-live date (the record key) and is one
line (location, material, lot, expiry, quantity, unit cost). All lines are posted together as
ONE receipt of move type "opening", dated the day before go-live, with the source
"golive.openingstock:<go-live date>". A second import is refused while opening stock exists
(reverse the first one to import again), so re-running a file cannot double the stock.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, ValidationFailed
from erp.golive.importing.spec import DATE, DECIMAL, REFERENCE, TEXT, Column, ImportSpec
from erp.golive.services.cutover import opening_import_check
from erp.inventory.models import StockMove
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.inventory.states import MoveType
from erp.masterdata.models import Location, Material, Warehouse

OPENING_SOURCE = "golive.openingstock"
ZERO = Decimal(0)


def opening_stock_posted() -> StockMove | None:
    """The first live (not reversed) opening move imported, if any."""
    return (
        StockMove.objects.filter(
            source_type=OPENING_SOURCE, reverses__isnull=True, reversed_by__isnull=True
        )
        .order_by("pk")
        .first()
    )


def _location(line: dict, row: int) -> Location:
    location = Location.objects.filter(
        warehouse=line["warehouse"], code=line["location_code"]
    ).first()
    if location is None:
        raise ValidationFailed(
            _(
                "Line %(row)s: location %(location)s does not exist in warehouse %(warehouse)s. "
                "Create it first or correct the code."
            )
            % {"row": row, "location": line["location_code"], "warehouse": line["warehouse"].code},
            code="opening_location_unknown",
        )
    return location


def opening_stock_upsert(*, actor, data: dict, lines: list[dict]) -> tuple[list, str]:
    """Post the whole file as one opening receipt dated the day before go-live."""
    go_live = data["go_live_date"]
    # Finance only, before the cut-over lock, dated the day before the go-live date.
    opening_import_check(actor=actor, kind="stock", go_live=go_live)
    existing = opening_stock_posted()
    if existing is not None:
        raise Conflict(
            _(
                "Opening stock was already imported (go-live %(date)s). To import again, reverse "
                "the existing opening stock first."
            )
            % {"date": existing.source_id},
            code="opening_stock_exists",
        )
    if not lines:
        raise ValidationFailed(
            _("The file has no stock lines. Fill at least one row."), code="opening_no_lines"
        )
    receipt = [
        ReceiptLine(
            material_id=line["material"].pk,
            location_id=_location(line, n).pk,
            quantity=line["quantity"],
            unit_cost=line.get("unit_cost") or ZERO,
            lot_number=(line.get("lot_number") or "").strip(),
            supplier_lot=line.get("supplier_lot") or "",
            production_date=line.get("production_date"),
            expiry_date=line.get("expiry_date"),
            source_line_id=str(n),
        )
        for n, line in enumerate(lines, start=1)
    ]
    moves = stock_receive(
        actor=actor,
        lines=receipt,
        posting_date=go_live - timedelta(days=1),
        source=StockSource(OPENING_SOURCE, go_live.isoformat(), go_live.isoformat()),
        reason=str(_("Opening stock")),
        move_type=MoveType.OPENING,
    )
    # The 期初 voucher (inventory against the opening_stock rule's offset) is posted by the
    # gate in the same transaction.
    return moves, "created"


OPENING_STOCK = ImportSpec(
    key="inventory.opening_stock",
    title=_("Opening stock"),
    sheet="期初库存",
    order=200,
    columns=[
        Column(
            _("Go-live date"),
            "go_live_date",
            DATE,
            required=True,
            help=_("Same date on every row; stock is posted the day before."),
        ),
        Column(
            _("Warehouse code"), "warehouse", REFERENCE, model=Warehouse, line=True, required=True
        ),
        Column(_("Location code"), "location_code", TEXT, line=True, required=True),
        Column(_("Material code"), "material", REFERENCE, model=Material, line=True, required=True),
        Column(
            _("Lot number"),
            "lot_number",
            TEXT,
            line=True,
            help=_("Required for batch-managed materials; leave empty for the others."),
        ),
        Column(_("Supplier lot"), "supplier_lot", TEXT, line=True),
        Column(_("Production date"), "production_date", DATE, line=True),
        Column(
            _("Expiry date"),
            "expiry_date",
            DATE,
            line=True,
            help=_("Empty: production date + the material's shelf life."),
        ),
        Column(
            _("Quantity (base unit)"),
            "quantity",
            DECIMAL,
            line=True,
            required=True,
            places=4,
            minimum=Decimal("0.0001"),
        ),
        Column(_("Unit cost"), "unit_cost", DECIMAL, line=True, places=6, minimum=ZERO),
    ],
    key_fields=("go_live_date",),
    line_key_fields=("warehouse", "location_code", "material", "lot_number"),
    permissions=("golive.import_opening_stock", "inventory.post_receipt"),
    upsert=opening_stock_upsert,
    existing=lambda data: None,  # an import never updates: a second one is refused
    queryset=lambda: StockMove.objects.none(),
    example=(
        "2026-03-01",
        "WH-RM",
        "A-01",
        "RM-1001",
        "RM-240301",
        "S-8812",
        "2026-01-15",
        "",
        500,
        12.5,
    ),
    notes=(
        _("One file is one opening posting: all rows are posted together or not at all."),
        _("New lots take the status their material sets (待检 when incoming QC is required)."),
    ),
)

SPECS = [OPENING_STOCK]
