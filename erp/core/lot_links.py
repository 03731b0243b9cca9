"""Lot-to-lot links (批次谱系) that a module records, readable by any module without importing it.

Production writes which input lot went into which output lot; traceability (erp/trace) walks
those links with one recursive query. The owner of a link table registers it here from its
AppConfig.ready(): the model and the names of its parent-lot, child-lot, quantity and
document fields, plus the document type (单据联查) the document field points at. Reading
modules build SQL from the model's own column names, never from input.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model


@dataclass(frozen=True)
class LotLinkSource:
    model: type[Model]
    document_type: str  # "production.productionorder"
    parent_field: str = "parent"  # the input lot
    child_field: str = "child"  # the output lot
    quantity_field: str = "quantity"  # how much of the input lot went in
    document_field: str = "order"  # the document that made the link

    def column(self, field: str) -> str:
        return self.model._meta.get_field(getattr(self, f"{field}_field")).column


_SOURCES: dict[str, LotLinkSource] = {}


def lot_link_source_register(source: LotLinkSource) -> None:
    """Declare a table of lot links. Registering the same source twice is a no-op; another
    source under a taken model label raises ImproperlyConfigured."""
    key = source.model._meta.label_lower
    known = _SOURCES.get(key)
    if known is not None and known != source:
        raise ImproperlyConfigured(f"lot link source {key} is registered differently already")
    _SOURCES[key] = source


def lot_link_source_unregister(model: type[Model]) -> None:
    _SOURCES.pop(model._meta.label_lower, None)


def lot_link_sources() -> list[LotLinkSource]:
    return list(_SOURCES.values())
