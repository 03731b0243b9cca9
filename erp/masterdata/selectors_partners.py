"""Reads of customers, suppliers, payment terms, warehouses, locations, work centres and
production lines: detail fetches (one query plus prefetches), pickers, home figures."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from erp.masterdata.models import (
    Customer,
    CustomerContact,
    Location,
    PaymentTerm,
    ProductionLine,
    Supplier,
    SupplierContact,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.selectors import search


def _primary_contact(model, parent: str) -> Subquery:
    rows = model.objects.filter(**{parent: OuterRef("pk")}).order_by("-is_primary", "id")
    return Subquery(rows.values("name")[:1])


def customers_for_list(user, qs: QuerySet) -> QuerySet:
    """The list shows each customer's primary contact, computed in the same query."""
    return qs.annotate(primary_contact=_primary_contact(CustomerContact, "customer"))


def suppliers_for_list(user, qs: QuerySet) -> QuerySet:
    return qs.annotate(primary_contact=_primary_contact(SupplierContact, "supplier"))


def customer_detail(customer_id) -> Customer | None:
    return (
        Customer.objects.select_related("payment_term", "salesperson")
        .prefetch_related("contacts", "addresses")
        .filter(pk=customer_id)
        .first()
    )


def supplier_detail(supplier_id) -> Supplier | None:
    return (
        Supplier.objects.select_related("payment_term")
        .prefetch_related("contacts", "materials__material__base_unit")
        .filter(pk=supplier_id)
        .first()
    )


def payment_term_detail(term_id) -> PaymentTerm | None:
    return PaymentTerm.objects.filter(pk=term_id).first()


def warehouse_detail(warehouse_id) -> Warehouse | None:
    return (
        Warehouse.objects.select_related("manager")
        .prefetch_related("locations")
        .filter(pk=warehouse_id)
        .first()
    )


def location_detail(location_id) -> Location | None:
    return Location.objects.select_related("warehouse").filter(pk=location_id).first()


def work_center_detail(work_center_id) -> WorkCenter | None:
    return WorkCenter.objects.filter(pk=work_center_id).first()


def production_line_detail(line_id) -> ProductionLine | None:
    return ProductionLine.objects.prefetch_related("steps__work_center").filter(pk=line_id).first()


def _active_or(model, current=None) -> QuerySet:
    """Pickers offer active records, plus the one already chosen (it stays readable)."""
    condition = Q(active=True)
    if current is not None and getattr(current, "pk", None):
        condition |= Q(pk=current.pk)
    return model.objects.filter(condition).order_by("code")


def payment_terms_for_picker(current=None) -> QuerySet:
    return _active_or(PaymentTerm, current)


def warehouses_for_picker(current=None) -> QuerySet:
    return _active_or(Warehouse, current)


def work_centers_for_picker(current=None) -> QuerySet:
    return _active_or(WorkCenter, current)


def customer_count_active() -> int:
    return Customer.objects.filter(active=True).count()


def supplier_count_approved() -> int:
    return Supplier.objects.filter(active=True, approval_status=Supplier.Approval.APPROVED).count()


def warehouse_count_active() -> int:
    return Warehouse.objects.filter(active=True).count()


def customer_search_scope() -> QuerySet:
    return Customer.objects.filter(active=True)


def supplier_search_scope() -> QuerySet:
    return Supplier.objects.filter(active=True)


# --- API lists (q, active, exact filters, allowlisted ordering; see selectors.search) -------

PARTNER_ORDERINGS = ("code", "name", "created_at", "updated_at")


def customer_list(*, payment_term_code: str = "", **query) -> QuerySet:
    qs = Customer.objects.select_related("payment_term", "salesperson")
    qs = qs.prefetch_related("contacts", "addresses")
    return search(qs, allowed=PARTNER_ORDERINGS, payment_term__code=payment_term_code, **query)


def supplier_list(*, approval_status: str = "", **query) -> QuerySet:
    qs = Supplier.objects.select_related("payment_term")
    qs = qs.prefetch_related("contacts", "materials__material")
    return search(qs, allowed=PARTNER_ORDERINGS, approval_status=approval_status, **query)


def payment_term_list(**query) -> QuerySet:
    return search(PaymentTerm.objects.all(), allowed=PARTNER_ORDERINGS, **query)


def warehouse_list(**query) -> QuerySet:
    qs = Warehouse.objects.select_related("manager").prefetch_related("locations")
    return search(qs, allowed=PARTNER_ORDERINGS, **query)


def location_list(*, warehouse_code: str = "", type: str = "", **query) -> QuerySet:
    qs = Location.objects.select_related("warehouse")
    lookups = {"warehouse__code": warehouse_code, "type": type}
    return search(qs, allowed=PARTNER_ORDERINGS, **lookups, **query)


def work_center_list(**query) -> QuerySet:
    return search(WorkCenter.objects.all(), allowed=PARTNER_ORDERINGS, **query)


def production_line_list(**query) -> QuerySet:
    qs = ProductionLine.objects.prefetch_related("steps__work_center")
    return search(qs, allowed=PARTNER_ORDERINGS, **query)
