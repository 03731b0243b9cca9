"""单据联查: a reference to any document is shown as its type name, its number and a link.

Ledgers, vouchers, lots and the audit trail point at their source document by
`(source_type, source_id)` — "inventory.otherreceipt", "12" — without a foreign key, so that
any app can post. This module turns such pairs into `DocumentRef`s (类型名 + 单号 + link) in
one query per document type, for pages, prints and exports alike.

Every concrete subclass of `erp.core.models.Document` is known automatically: its type is the
model label ("inventory.otherreceipt"), its name the model's verbose name, its number the
`number` field, and its page the URL named "<app>:<model>_detail" when it exists. A module
whose page is named otherwise, or whose postings use a source type that is not a model (e.g.
opening stock "golive.openingstock"), registers it from its AppConfig.ready() with
`document_type_register`. The global search finds every known document by its number.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from erp.core.models.document import draft_name


@dataclass(frozen=True)
class DocumentType:
    """How references of one source type are shown. `model` is None for source types that
    are not a model (the reference then shows `label` and the source id)."""

    type: str
    label: object  # lazy translated string
    model: type[Model] | None = None
    url: Callable[[int | str], str] | None = None
    permission: str = ""
    # A source that is a line of a document (a voucher line opening an AR item) shows and
    # links its document: number_field "voucher__number", link_field "voucher_id".
    number_field: str = "number"
    link_field: str = "pk"


@dataclass(frozen=True)
class DocumentRef:
    type: str
    id: str
    label: str
    number: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.label} {self.number}".strip()

    def __html__(self) -> str:
        if self.url:
            return format_html('{} <a href="{}">{}</a>', self.label, self.url, self.number)
        return format_html("{} {}", self.label, self.number)

    def as_json(self) -> dict:
        """The reference in API answers: {"type", "id", "label", "number", "url"}."""
        return {
            "type": self.type,
            "id": self.id,
            "label": self.label,
            "number": self.number,
            "url": self.url,
        }

    @property
    def link(self) -> str:
        """For templates (`{{ ref.link }}`): Django renders variables through str(), which
        would drop the link."""
        return self.__html__()


@dataclass(frozen=True)
class DocumentLink:
    """A document already in hand shown as its number and a link, where the column's label
    names its type (a delivery note's 销售订单 SO2026110001). Costs no query."""

    number: str
    url: str

    def __str__(self) -> str:
        return self.number

    def __html__(self) -> str:
        if self.url:
            return format_html('<a href="{}">{}</a>', self.url, self.number)
        return format_html("{}", self.number)

    @property
    def link(self) -> str:
        return self.__html__()


def document_link(doc) -> DocumentLink | None:
    if doc is None:
        return None
    known = document_types().get(doc._meta.label_lower)
    url = known.url(doc.pk) if known and known.url else ""
    return DocumentLink(str(doc.reference), url)


_REGISTERED: dict[str, DocumentType] = {}


def document_type_register(
    type: str,
    label,
    *,
    model: type[Model] | None = None,
    url: Callable[[int | str], str] | None = None,
    permission: str = "",
    number_field: str = "number",
    link_field: str = "pk",
) -> None:
    """Declare (or override) how one source type is shown and linked."""
    _REGISTERED[type] = DocumentType(
        type, label, model, url, permission, number_field=number_field, link_field=link_field
    )
    document_types.cache_clear()


def _url_by_convention(model: type[Model]) -> Callable[[int | str], str] | None:
    meta = model._meta
    name = f"{meta.app_label}:{meta.model_name}_detail"

    def build(pk) -> str:
        try:
            return reverse(name, args=[int(pk)])
        except (NoReverseMatch, ValueError, TypeError):
            return ""

    return build


def _document_models() -> list[type[Model]]:
    from erp.core.models.document import Document

    return [
        m
        for m in apps.get_models()
        if issubclass(m, Document) and not m._meta.abstract and not m._meta.proxy
    ]


@cache
def document_types() -> dict[str, DocumentType]:
    """Every known document type: the Document models, then the registrations (which win)."""
    known: dict[str, DocumentType] = {}
    for model in _document_models():
        meta = model._meta
        known[meta.label_lower] = DocumentType(
            type=meta.label_lower,
            label=meta.verbose_name,
            model=model,
            url=_url_by_convention(model),
            permission=f"{meta.app_label}.view_{meta.model_name}",
        )
    for type_, registered in _REGISTERED.items():
        base = known.get(type_)
        known[type_] = DocumentType(
            type=type_,
            label=registered.label,
            model=registered.model or (base.model if base else None),
            url=registered.url or (base.url if base else None),
            permission=registered.permission or (base.permission if base else ""),
            number_field=registered.number_field,
            link_field=registered.link_field,
        )
    return known


def document_type_label(type_: str) -> str:
    known = document_types().get(type_)
    return str(known.label) if known else type_


def document_refs(pairs: Iterable[tuple[str, object]]) -> dict[tuple[str, str], DocumentRef]:
    """{(type, id): DocumentRef} for these (source_type, source_id) pairs, one query per type.
    A document that no longer resolves keeps its type name and id, without a link."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for type_, id_ in pairs:
        if type_:
            wanted[type_].add(str(id_))
    known = document_types()
    refs: dict[tuple[str, str], DocumentRef] = {}
    for type_, ids in wanted.items():
        doc_type = known.get(type_)
        numbers = _numbers(doc_type, ids) if doc_type else {}
        for id_ in ids:
            label = str(doc_type.label) if doc_type else type_
            number, link_id = numbers.get(id_, (None, id_))
            url = doc_type.url(link_id) if doc_type and doc_type.url and number is not None else ""
            if number is None and doc_type and doc_type.model is None and doc_type.url:
                url = doc_type.url(id_)
            refs[(type_, id_)] = DocumentRef(type_, id_, label, number or id_, url)
    return refs


def _numbers(doc_type: DocumentType, ids: set[str]) -> dict[str, tuple[str, object]]:
    """{id: (number, id of the record the link opens)}."""
    model = doc_type.model
    if model is None:
        return {}
    pks = [int(i) for i in ids if i.isdigit()]
    if not pks:
        return {}
    rows = model._default_manager.filter(pk__in=pks).values_list(
        "pk", doc_type.number_field, doc_type.link_field
    )
    return {str(pk): (number or draft_name(pk), link_id) for pk, number, link_id in rows}


def document_ref(type_: str, id_) -> DocumentRef:
    return document_refs([(type_, id_)])[(type_, str(id_))]


def refs_attach(objects: list, *, type_attr="source_type", id_attr="source_id", to="source_ref"):
    """Set `obj.<to>` = the DocumentRef of each object's source, in one query per type."""
    pairs = [(getattr(o, type_attr), getattr(o, id_attr)) for o in objects]
    refs = document_refs(pairs)
    for obj, (type_, id_) in zip(objects, pairs, strict=True):
        setattr(obj, to, refs.get((type_, str(id_))) if type_ else None)
    return objects
