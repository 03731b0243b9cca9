"""The print log as a standard list (filter, sort, page, export to Excel): each print's
document shown as 类型名 + number + link through erp.core.references, one query per type."""

from dataclasses import replace

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.core.references import refs_attach
from erp.printing import selectors
from erp.printing.models import PrintLog


def _doc_type_choices() -> list[tuple[str, str]]:
    return [(k.label, str(k.verbose_name)) for k in selectors.printable_kits()]


class PrintLogFilter(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(
        label=_("Document type"),
        choices=_doc_type_choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = PrintLog
        fields = ["doc_type"]


def _doc_refs(rows: list) -> None:
    refs_attach(rows, type_attr="doc_type", id_attr="doc_id", to="doc_ref")
    for row in rows:
        if row.doc_ref is not None and not row.doc_ref.url:
            # gone since (a deleted draft): the reference it was printed as, not its bare id
            row.doc_ref = replace(row.doc_ref, number=row.doc_reference)


PRINT_LOG = ListConfig(
    model=PrintLog,
    permission="printing.view_printlog",
    title=_("Print log"),
    columns=[
        Column("printed_at", _("Printed at"), sort="printed_at", kind="datetime"),
        Column("doc_ref", _("Document")),
        Column("print_no", _("Print number"), sort="print_no", kind="num"),
        Column("reprint_label", _("Reprint")),
        Column("version_label", _("Template version")),
        Column("printed_by", _("Printed by"), sort="printed_by__username"),
    ],
    rows_hook=_doc_refs,
    search_fields=("doc_reference",),
    search_placeholder=_("Document number"),
    filterset_class=PrintLogFilter,
    default_sort="-printed_at",
    select_related=("printed_by", "version__template"),
    export_name="print-log",
)
