"""Navigation and home-page figures, declared by each app.

An app lists its entries in `erp/<app>/menu.py`:

    MENU = [MenuItem(section="warehouse", label=_("Materials"), url_name="masterdata:material_list",
                     permission="masterdata.view_material", icon="box")]
    FIGURES = [HomeFigure(section="warehouse", label=_("Active materials"),
                          permission="masterdata.view_material", count=selectors.material_count,
                          url_name="masterdata:material_list", url_query="active=true")]

    SEARCH = [SearchEntry(label=_("Materials"), queryset=selectors.material_search_scope,
                          fields=("code", "name", "spec"), permission="masterdata.view_material",
                          url=lambda m: reverse("masterdata:material_detail", args=[m.pk]))]

The shell shows only entries whose permission the user holds (deny by default). Core's own
entries live in erp/core/menu_core.py (this module holds the declarations and the collector).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Order and names of the sidebar sections (docs/ui.md).
SECTIONS = [
    ("sales", _("Sales"), "cart"),
    ("purchasing", _("Purchasing"), "bag"),
    ("warehouse", _("Warehouse"), "box-seam"),
    ("production", _("Production"), "gear"),
    ("quality", _("Quality"), "clipboard-check"),
    ("finance", _("Finance"), "cash-coin"),
    ("reports", _("Reports"), "bar-chart"),
    ("settings", _("Settings"), "sliders"),
]


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str
    url_name: str
    permission: str
    icon: str = "dot"
    order: int = 100


@dataclass(frozen=True)
class HomeFigure:
    section: str
    label: str
    permission: str
    count: Callable[[], int]
    url_name: str = ""
    # The list filtered to what the figure counts ("active=true"), so a tile opens its rows.
    url_query: str = ""


@dataclass(frozen=True)
class SearchEntry:
    """One kind of record the global search box looks in.

    `queryset` returns the records the search may see (scoped like the app's own lists),
    `fields` are the text fields matched with icontains, `url` builds a record's link and
    `describe` (optional) its one-line text in the results.
    """

    label: str
    queryset: Callable[[], QuerySet]
    fields: tuple[str, ...]
    url: Callable[[Any], str]
    permission: str
    describe: Callable[[Any], str] = str
    # Documents are found by number prefix (an index range, not a scan); the field whose
    # value equal to the search text makes an exact hit (the search then opens the record).
    prefix_fields: tuple[str, ...] = ()
    exact_field: str = ""
    # Numbers written after a space-separated part (a voucher's "2026-09 转-0001", which users
    # call 转-0001): the text also matches the start of the part after the space, and equal
    # to that part it is an exact hit.
    word_prefix_fields: tuple[str, ...] = ()


@dataclass
class MenuSection:
    code: str
    label: str
    icon: str
    items: list[MenuItem] = field(default_factory=list)


@dataclass
class FigureValue:
    figure: HomeFigure
    value: int
    url: str


@dataclass
class SearchHits:
    entry: SearchEntry
    rows: list[tuple[str, str]]  # (text, url)
    more: bool
    exact_urls: list[str] = field(default_factory=list)


SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 1
SEARCH_MAX_LENGTH = 100


def menu_modules() -> list[ModuleType]:
    """The menu module of every installed ERP app: `erp/<app>/menu.py` (core: menu_core.py)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("erp."):
            continue
        name = "erp.core.menu_core" if config.name == "erp.core" else f"{config.name}.menu"
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return modules


def _declared(attribute: str) -> list:
    return [entry for module in menu_modules() for entry in getattr(module, attribute, [])]


def menu_for(user) -> list[MenuSection]:
    """Sidebar sections in SECTIONS order, holding only items the user may open; empty
    sections are left out."""
    sections = {code: MenuSection(code, label, icon) for code, label, icon in SECTIONS}
    for item in _declared("MENU"):
        if item.section in sections and user.has_perm(item.permission):
            sections[item.section].items.append(item)
    for section in sections.values():
        section.items.sort(key=lambda i: (i.order, str(i.label)))
    return [s for s in sections.values() if s.items]


def figures_for(user) -> list[tuple[MenuSection, list[FigureValue]]]:
    """Home-page figures the user may see, grouped by section in SECTIONS order."""
    grouped = {code: (MenuSection(code, label, icon), []) for code, label, icon in SECTIONS}
    for figure in _declared("FIGURES"):
        if figure.section in grouped and user.has_perm(figure.permission):
            url = reverse(figure.url_name) if figure.url_name else ""
            if url and figure.url_query:
                url = f"{url}?{figure.url_query}"
            grouped[figure.section][1].append(FigureValue(figure, figure.count(), url))
    return [(section, values) for section, values in grouped.values() if values]


def _document_entries() -> list[SearchEntry]:
    """One search entry per numbered document type (erp.core.references): every module's
    documents are found by number without declaring anything."""
    from erp.core.references import document_types

    entries = []
    for doc_type in document_types().values():
        model, url = doc_type.model, doc_type.url
        # Lines shown as their document (a voucher line) are found through that document.
        if model is None or url is None or doc_type.number_field != "number":
            continue
        entries.append(
            SearchEntry(
                label=model._meta.verbose_name_plural,
                queryset=lambda model=model: model._default_manager.exclude(number=""),
                fields=(),
                prefix_fields=("number",),
                exact_field="number",
                word_prefix_fields=("number",) if _period_numbered(model) else (),
                url=lambda obj, url=url: url(obj.pk),
                permission=doc_type.permission,
                describe=lambda obj, label=doc_type.label: _describe_document(obj, label),
            )
        )
    return entries


def _period_numbered(model) -> bool:
    """A document type whose numbers start with their period (Voucher.NUMBER_HAS_PERIOD)."""
    return bool(getattr(model, "NUMBER_HAS_PERIOD", False))


def _describe_document(obj, label) -> str:
    from erp.core.states import state_label

    # A state field without choices (the voucher's) is named by its declared machine.
    state = (
        obj.get_state_display()
        if hasattr(obj, "get_state_display")
        else state_label(obj.state, obj._meta.label_lower)
    )
    return f"{obj.number} · {label} · {state}"


def search_entries_for(user) -> list[SearchEntry]:
    entries = _document_entries() + _declared("SEARCH")
    return [e for e in entries if user.has_perm(e.permission)]


def search_run(user, text: str) -> list[SearchHits]:
    """Match `text` against every searchable the user may see; at most SEARCH_LIMIT rows each.
    Text fields match anywhere (icontains); document numbers match from the start."""
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    results = []
    for entry in search_entries_for(user):
        condition = Q()
        for name in entry.fields:
            condition |= Q(**{f"{name}__icontains": text})
        for name in entry.prefix_fields:
            condition |= Q(**{f"{name}__startswith": text.upper()})
        for name in entry.word_prefix_fields:
            condition |= Q(**{f"{name}__contains": " " + text.upper()})
        found = list(entry.queryset().filter(condition)[: SEARCH_LIMIT + 1])
        if found:
            rows = [(entry.describe(obj), entry.url(obj)) for obj in found[:SEARCH_LIMIT]]
            exact = [entry.url(obj) for obj in found if _exact(entry, obj, text.upper())]
            results.append(
                SearchHits(entry, rows, more=len(found) > SEARCH_LIMIT, exact_urls=exact)
            )
    return results


def _exact(entry: SearchEntry, obj, text: str) -> bool:
    if not entry.exact_field:
        return False
    value = str(getattr(obj, entry.exact_field, "")).upper()
    return value == text or (bool(entry.word_prefix_fields) and value.endswith(" " + text))


def search_exact_url(results: list[SearchHits]) -> str:
    """The record to open directly: the one exact hit over all results, else ""."""
    urls = [url for hits in results for url in hits.exact_urls if url]
    return urls[0] if len(urls) == 1 else ""
