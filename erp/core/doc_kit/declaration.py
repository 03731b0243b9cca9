"""One declaration per business document type (`DocumentKit`), and the collector that finds them.

An app declares its document types in `erp/<app>/kit.py` as `DOCUMENTS = [DocumentKit(...)]`;
`kit_documents()` imports that module of every installed ERP app (like menus, checks and demo
loaders). From a declaration the kit builds the list (ListConfig → ListPage, xlsx export), the
header form and htmx line formset pages, the detail page with its action buttons, the PDF print
and the REST endpoints. What holds business rules stays in the app's services: the declaration
names the create/update service and one service per transition, and the kit only calls them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.access import require_perm
from erp.core.listing import Column, ListConfig
from erp.core.states import StateMachine

MAX_LINES = 500


@dataclass(eq=False)
class DocumentKit:
    """What the kit needs to know about one document type.

    Services (keyword-only, each checks its own permission and runs in one transaction):
    - create(actor=, header=dict, lines=list[dict]) -> doc
    - update(actor=, doc_id=, header=dict, lines=list[dict] | None, expected_version=) -> doc
    - transitions[name](actor=, doc_id=, expected_version=) -> doc, one per transition of
      `machine` that users may trigger (names missing here have no button and no endpoint).
    """

    app: str  # app label and URL namespace: "inventory"
    model: type[models.Model]
    line_model: type[models.Model] | None
    machine: StateMachine
    slug: str  # UI path and REST resource: "other-receipts"
    title: Any  # list title (plural): _("Other receipts")
    section: Any  # sidebar section of the breadcrumbs: _("Warehouse")
    create: Callable[..., Any] | None
    update: Callable[..., Any] | None
    transitions: Mapping[str, Callable[..., Any]]
    # Pages a document keeps of its own (a keyboard entry page, a phone page): page name
    # ("create", "edit", "detail", "print", "action") → view, mounted at the kit's path and
    # URL name. Without a header_form and an own "create"/"edit", there are none.
    own_pages: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    url_names: Mapping[str, str] = field(
        default_factory=dict
    )  # page → name, when not "<code>_<page>"
    api_slug: str = ""  # REST resource when it differs from the UI path: "customer-receipts"
    header_form: type | None = None  # KitHeaderForm subclass
    line_form: type | None = None  # KitLineForm subclass; None: a header-only form page
    form_title: Any = None  # title of the header card (default "Header")
    form_wide_fields: tuple[str, ...] = ()  # header fields shown full width
    number_doc_type: str = ""  # numbering rule (编码规则), "<app>.<model>"
    approval_subject: str = ""  # approvals doc type, when the document is approved
    # List page: columns between number/date and state; filters; keyword search.
    list_columns: tuple[Column, ...] = ()
    list_filter: type | None = None
    search_fields: tuple[str, ...] = ("number", "note")
    search_placeholder: Any = None
    default_sort: str = "-date"
    select_related: tuple[str, ...] = ()
    # Detail page and print: header facts and line columns (Column reads attribute paths).
    header_columns: tuple[Column, ...] = ()
    line_columns: tuple[Column, ...] = ()
    print_columns: tuple[Column, ...] | None = None  # None: line_columns
    # Header facts on paper; None: header_columns. A paper that goes to the customer leaves
    # out what the customer must not read (a delivery note's cost of goods sold).
    print_header_columns: tuple[Column, ...] | None = None
    line_select_related: tuple[str, ...] = ()
    # line_annotate(doc, lines): set attributes the line columns read (detail and print);
    # detail_extra(request, doc, lines) -> dict: more context of the detail page.
    line_annotate: Callable[..., None] | None = None
    detail_extra: Callable[..., dict] | None = None
    detail_sections: tuple[str, ...] = ()  # templates included below the lines
    detail_buttons: str = ""  # template of extra buttons before the transitions
    # Template of more header facts, inside the header card; with no header_columns it is
    # the whole header (a layout of its own, like the voucher's).
    detail_header: str = ""
    print_template: str = "core/doc_kit/print.html"
    # print_context(request, doc) -> dict: the whole print context, for a print layout of
    # its own (default: header cells, line columns and totals).
    print_context: Callable[..., dict] | None = None
    print_filename: Any = None  # default: the model's verbose name
    print_signatures: tuple[Any, ...] = ()
    # REST: request and answer schemas; `api_filters` are exact-match list query parameters.
    api_in: type | None = None
    api_patch: type | None = None
    api_out: type | None = None
    api_filters: tuple[str, ...] = ("state",)
    # api_filter(queryset, {name: value}, user) -> queryset, for filters that are not exact
    # matches (a voucher's period "2026-03", a claimant's "mine"); default: filter(**given).
    api_filter: Callable[..., Any] | None = None
    api_prefetch: tuple[Any, ...] = ("lines",)  # names or Prefetch objects
    # api_dump(actor, doc) -> dict: the answer when it depends on who asks (blind counts);
    # default: api_out read from the document.
    api_dump: Callable[..., dict] | None = None
    # A draft for page and API checks (tests/cross): sample_header(warehouses...) -> header.
    sample_header: Callable[[], dict] | None = None
    max_lines: int = MAX_LINES
    # Who sees which documents: scope(user, queryset) -> queryset (a claimant sees only their
    # own claims; others are "not found"). Default: every document to holders of the view
    # permission, 403 to anyone else. Pages, print and API all read through it.
    scope: Callable[..., Any] | None = None
    # Editing: may_edit(user, doc) -> bool when it is more than the change permission (a
    # claimant edits their own claim); edit_states: states whose detail page offers "edit".
    may_edit: Callable[..., bool] | None = None
    edit_states: tuple[str, ...] = ("draft",)
    # actions_filter(user, doc, transitions) -> transitions: drop buttons that state and
    # permission alone would show (submitting a claim one may not edit).
    actions_filter: Callable[..., list] | None = None
    # Inputs a transition takes besides the document: a form whose fields are shown next to
    # its button, and a REST body schema; their values go to the service as keyword arguments
    # (the account a claim is paid from). Forms check shape only: the service decides.
    transition_forms: Mapping[str, type] = field(default_factory=dict)
    transition_in: Mapping[str, type] = field(default_factory=dict)
    form_template: str = "core/doc_kit/form.html"  # a template extending it may add notices
    # URL name of the list for users without the list page's permission (their own claims).
    list_fallback: str = ""
    # print_extra(request, doc) -> dict: more context for the default print layout.
    print_extra: Callable[..., dict] | None = None
    # The list page: built from list_columns, or an app's own ListConfig (its columns).
    list: ListConfig | None = None
    list_config: ListConfig = field(init=False)

    def __post_init__(self) -> None:
        from erp.core.states import machine_of_register

        machine_of_register(self.model._meta.label_lower, self.machine)
        unknown = (
            set(self.transitions) | set(self.transition_forms) | set(self.transition_in)
        ) - set(self.machine.transitions)
        if unknown:
            raise ImproperlyConfigured(
                f"{self.label}: transitions {sorted(unknown)} are not in the state machine"
            )
        self.list_config = self.list or self._list_config()

    # --- access ------------------------------------------------------------------------------

    def visible(self, user, queryset):
        """The documents of `queryset` that `user` may see (see `scope`)."""
        if self.scope is not None:
            return self.scope(user, queryset)
        require_perm(user, self.perm("view"))
        return queryset

    def can_edit(self, user, doc) -> bool:
        """Whether the detail page offers "edit" (the service still decides on saving)."""
        if not self.editable or doc.state not in self.edit_states:
            return False
        if self.may_edit is not None:
            return self.may_edit(user, doc)
        return user.has_perm(self.perm("change"))

    def actions(self, user, doc) -> list:
        """The transitions `user` may trigger on `doc` now: by state and permission."""
        found = [t for t in self.machine.allowed_for(user, doc.state) if t.name in self.transitions]
        return self.actions_filter(user, doc, found) if self.actions_filter else found

    # --- names -------------------------------------------------------------------------------

    @property
    def printed_header_columns(self) -> tuple[Column, ...]:
        if self.print_header_columns is not None:
            return self.print_header_columns
        return self.header_columns

    @property
    def code(self) -> str:
        """Model name: "otherreceipt"; URL names are "<app>:<code>_<page>"."""
        return self.model._meta.model_name

    @property
    def label(self) -> str:
        """Document type: "inventory.otherreceipt" (source type, references, audit)."""
        return f"{self.app}.{self.code}"

    def perm(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.code}"

    def url_name(self, page: str) -> str:
        return f"{self.app}:{self.url_names.get(page) or f'{self.code}_{page}'}"

    @property
    def resource(self) -> str:
        """REST resource path segment: /api/v1/<resource>/."""
        return self.api_slug or self.slug

    @property
    def editable(self) -> bool:
        """Drafts have an edit page (the kit's form, or the document's own)."""
        return self.header_form is not None or "edit" in self.own_pages

    def reference(self, doc) -> str:
        """The number, or the draft's stand-in ("草稿 12"), as pages show it: the model's
        `reference` property when it has one (not a field of that name: a bank reference),
        else str(doc)."""
        if isinstance(getattr(type(doc), "reference", None), property):
            return str(doc.reference)
        return str(doc)

    def state_label(self, doc) -> str:
        return self.machine.label(doc.state)

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    def _list_config(self) -> ListConfig:
        columns = [
            Column("reference", pgettext_lazy("document", "Number"), sort="number", link=True),
            Column("date", _("Date"), sort="date", kind="date"),
            *self.list_columns,
            Column("state", _("State"), sort="state", kind="state"),
            Column("note", _("Note")),
            Column("created_by", _("Created by"), export_only=True),
        ]
        extra = {"search_placeholder": self.search_placeholder} if self.search_placeholder else {}
        return ListConfig(
            model=self.model,
            permission=self.perm("view"),
            title=self.title,
            columns=columns,
            search_fields=self.search_fields,
            filterset_class=self.list_filter,
            default_sort=self.default_sort,
            select_related=("created_by", *self.select_related),
            detail_url_name=self.url_name("detail"),
            create_url_name=self.url_name("create"),
            create_permission=self.perm("add"),
            export_name=self.code,
            **extra,
        )


# --- collector -------------------------------------------------------------------------------


def _kit_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("erp."):
            continue
        name = f"{config.name}.kit"
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return modules


@cache
def kit_documents() -> tuple[DocumentKit, ...]:
    """Every declared document type of the installed ERP apps, in INSTALLED_APPS order.
    Fixed at start-up (declarations are code), so caching the tuple is safe."""
    found: dict[str, DocumentKit] = {}
    for module in _kit_modules():
        for kit in getattr(module, "DOCUMENTS", []):
            other = found.get(kit.label)
            if other is not None and other is not kit:
                raise ImproperlyConfigured(f"document type {kit.label} is declared twice")
            found[kit.label] = kit
    return tuple(found.values())


def kit_documents_of(app: str) -> list[DocumentKit]:
    return [k for k in kit_documents() if k.app == app]


def kit_get(label: str) -> DocumentKit:
    """The declaration of "inventory.otherreceipt"; LookupError when none."""
    for kit in kit_documents():
        if kit.label == label:
            return kit
    raise LookupError(label)
