"""Import template of supplier price lists (供应商价格表), read by the golive import engine.

One record per supplier × material × valid-from date, its quantity breaks as lines (the key
columns repeated on every break row). A new key makes a draft price list; the same key again
replaces the breaks of that draft. An active list is never changed by a file: the purchasing
manager activates the imported drafts (overlap and approved-supplier checks run then).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.golive.importing.spec import BOOL, DATE, DECIMAL, REFERENCE, Column, ImportSpec
from erp.masterdata.models import Material, Supplier
from erp.purchasing.models import SupplierPrice
from erp.purchasing.services import prices
from erp.purchasing.states import PriceState

ZERO = Decimal(0)


def _existing(data):
    return (
        SupplierPrice.objects.exclude(state=PriceState.CANCELLED)
        .filter(supplier=data.get("supplier"), material=data.get("material"), date=data.get("date"))
        .order_by("-pk")
        .first()
    )


def _upsert(*, actor, data, lines):
    header = {
        "supplier_id": data["supplier"].pk,
        "material_id": data["material"].pk,
        "date": data["date"],
        "valid_to": data.get("valid_to"),
        "price_includes_tax": data.get("price_includes_tax"),
    }
    current = _existing(data)
    if current is None:
        return prices.supplier_price_create(actor=actor, header=header, lines=lines), "created"
    return prices.supplier_price_import_update(actor=actor, doc=current, header=header, lines=lines)


SUPPLIER_PRICES = ImportSpec(
    key="purchasing.supplier_price",
    title=_("Supplier price lists"),
    sheet="供应商价格表",
    order=300,
    columns=[
        Column(_("Supplier code"), "supplier", REFERENCE, required=True, model=Supplier),
        Column(_("Material code"), "material", REFERENCE, required=True, model=Material),
        Column(
            _("Valid from"), "date", DATE, required=True, help=_("The match key with the codes.")
        ),
        Column(_("Valid to"), "valid_to", DATE, nullable=True, help=_("Empty: open end.")),
        Column(
            _("Price incl. tax"),
            "price_includes_tax",
            BOOL,
            help=_("否: the prices exclude VAT. Empty: they include it."),
        ),
        Column(
            _("From quantity"),
            "min_quantity",
            DECIMAL,
            line=True,
            minimum=ZERO,
            help=_("In the material's base unit; increasing from row to row."),
        ),
        Column(_("Unit price"), "price", DECIMAL, line=True, required=True, minimum=ZERO),
    ],
    key_fields=("supplier", "material", "date"),
    permissions=("purchasing.add_supplierprice", "purchasing.change_supplierprice"),
    upsert=_upsert,
    existing=_existing,
    line_objects=lambda doc: doc.lines.order_by("line_no"),
    queryset=lambda: (
        SupplierPrice.objects.exclude(state=PriceState.CANCELLED)
        .select_related("supplier", "material")
        .prefetch_related("lines")
        .order_by("supplier__code", "material__code", "date")
    ),
    example=("S001", "RM-1001", "2026-03-01", "2026-12-31", "否", 0, "21.00"),
    more_examples=(("S001", "RM-1001", "2026-03-01", "2026-12-31", "否", 1000, "20.40"),),
)

SPECS = [SUPPLIER_PRICES]
