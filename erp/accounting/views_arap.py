"""AR/AP pages: open items, receipts (收款单) and payments (付款单) with allocation, aging
(账龄分析) with drill-down, partner statements (对账单: page, xlsx, PDF) and the control
tie-out with the pick-up of manual voucher lines."""

import datetime as dt
from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.accounting import selectors_arap as reads
from erp.accounting.builders.arap import PAYABLE, RECEIVABLE
from erp.accounting.models import (
    OpenItem,
    OpenItemKind,
    OpenItemState,
)
from erp.accounting.services import arap as svc
from erp.accounting.services.lines import parse_amount
from erp.core.access import has_perm, require_perm
from erp.core.doc_kit.declaration import kit_get
from erp.core.errors import DomainError, NotFound
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.list_views import ListPage
from erp.core.listing import Column, ListConfig
from erp.core.printing import document_print, pdf_response
from erp.core.references import refs_attach

_SELECT = {"class": "form-select form-select-sm"}
KIND_OF = {"ar": RECEIVABLE, "ap": PAYABLE, "receipts": RECEIVABLE, "payments": PAYABLE}
VIEW_ITEMS = "accounting.view_openitem"


# --- lists ----------------------------------------------------------------------------------


class OpenItemFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OpenItemKind.choices, widget=forms.Select(attrs=_SELECT)
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=OpenItemState.choices, widget=forms.Select(attrs=_SELECT)
    )

    class Meta:
        model = OpenItem
        fields = ["kind", "state"]


OPEN_ITEMS = ListConfig(
    model=OpenItem,
    permission=VIEW_ITEMS,
    title=_("Open items (AR/AP)"),
    columns=[
        # 类型名 + number + link to the invoice, receipt or voucher that opened the item.
        Column("source_ref", _("Source document"), sort="source_number"),
        Column("kind", _("Kind"), sort="kind"),
        Column("partner", _("Customer / supplier")),
        Column("account.code", _("Account")),
        Column("doc_date", _("Document date"), sort="doc_date", kind="date"),
        Column("due_date", _("Due date"), sort="due_date", kind="date"),
        Column("amount", _("Amount"), sort="amount", kind="amount", total=True),
        Column("allocated", _("Allocated"), kind="amount", total=True),
        Column("open_amount", _("Open amount"), kind="amount"),
        Column("state", _("State"), sort="state", kind="state"),
    ],
    search_fields=("source_number", "customer__name", "supplier__name", "summary"),
    filterset_class=OpenItemFilter,
    default_sort="doc_date",
    select_related=("customer", "supplier", "account"),
    rows_hook=refs_attach,  # one query per document type, never per row
    export_name="open-items",
    search_placeholder=_("Document number, customer or supplier"),
)


def settlement_config(side) -> ListConfig:
    model = side.model
    name = model._meta.model_name
    url = "receipt" if side.kind == RECEIVABLE else "payment"
    return ListConfig(
        model=model,
        permission=f"accounting.view_{name}",
        title=model._meta.verbose_name_plural,
        columns=[
            Column("display_number", _("Doc. no."), sort="number", link=True),
            Column("date", _("Date"), sort="date", kind="date"),
            Column(
                f"{side.partner_field}.name", model._meta.get_field(side.partner_field).verbose_name
            ),
            Column("bank_account.code", _("Bank account")),
            Column("amount", _("Amount"), sort="amount", kind="amount", total=True),
            Column("reference", _("Bank reference")),
            Column("state", _("State"), sort="state", kind="state"),
            Column("voucher.number", _("Voucher"), export_only=True),
        ],
        search_fields=("number", f"{side.partner_field}__name", "reference"),
        default_sort="-date",
        select_related=(side.partner_field, "bank_account", "voucher"),
        detail_url_name=f"accounting:arap_{url}_detail",
        create_url_name=f"accounting:arap_{url}_create",
        create_permission=f"accounting.add_{name}",
        export_name=f"{name}s",
        search_placeholder=_("Number or partner"),
    )


open_item_list = ListPage.as_view(config=OPEN_ITEMS)


# --- receipts and payments ------------------------------------------------------------------


def _side(kind_slug: str):
    kind = KIND_OF.get(kind_slug)
    if kind is None:
        raise NotFound()
    return svc.SIDES[kind]


def _doc_get(side, pk):
    doc = (
        side.model.objects.select_related(side.partner_field, "bank_account", "voucher")
        .filter(pk=pk)
        .first()
    )
    if doc is None:
        raise NotFound()
    return doc


def _date(text, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return default


def _open_rows(side, partner_id, doc=None) -> list[dict]:
    """The partner's open items with what this draft allocates to each."""
    if not partner_id:
        return []
    planned = {x.open_item_id: x.amount for x in doc.lines.all()} if doc else {}
    items = OpenItem.objects.filter(
        kind=side.kind, state=OpenItemState.OPEN, **{f"{side.partner_field}_id": partner_id}
    ).select_related("account")
    return [
        {"item": i, "value": planned.get(i.pk, "")}
        for i in items.order_by("doc_date", "pk")
        if i.open_amount > 0
    ]


def _form_context(request, side, doc, values, errors=None) -> dict:
    partner_id = values.get("partner")
    slug = "receipts" if side.kind == RECEIVABLE else "payments"
    return {
        "doc_label": side.model._meta.verbose_name,
        "list_label": side.model._meta.verbose_name_plural,
        "cancel_url": _detail_url(side, doc) if doc else reverse(f"accounting:arap_{slug}"),
        "side": side,
        "slug": "receipts" if side.kind == RECEIVABLE else "payments",
        "doc": doc,
        "values": values,
        "errors": errors or {},
        "partners": reads.partners(side.kind),
        "banks": svc.bank_accounts(),
        "rows": _open_rows(side, int(partner_id) if str(partner_id).isdigit() else None, doc),
    }


@login_required
def settlement_form(request, kind, pk=None):
    side = _side(kind)
    doc = _doc_get(side, pk) if pk else None
    name = side.model._meta.model_name
    require_perm(request.user, f"accounting.{'change' if doc else 'add'}_{name}")
    if request.method != "POST":
        values = _initial(side, doc, request.GET)
        return render(
            request, "accounting/arap/form.html", _form_context(request, side, doc, values)
        )
    values = {
        k: request.POST.get(k, "")
        for k in ("partner", "date", "amount", "bank", "reference", "note")
    }
    lines = [
        {"open_item_id": int(key.removeprefix("alloc_")), "amount": raw}
        for key, raw in request.POST.items()
        if key.startswith("alloc_") and key.removeprefix("alloc_").isdigit() and raw.strip()
    ]
    save = svc.customer_receipt_save if side.kind == RECEIVABLE else svc.supplier_payment_save
    partner_key = "customer_id" if side.kind == RECEIVABLE else "supplier_id"
    doc_key = "receipt_id" if side.kind == RECEIVABLE else "payment_id"
    try:
        doc = save(
            actor=request.user,
            **{partner_key: values["partner"], doc_key: doc.pk if doc else None},
            date=_date(values["date"], None) if values["date"] else None,
            amount=parse_amount(values["amount"]),
            bank_account_code=values["bank"],
            lines=lines,
            reference=values["reference"],
            note=values["note"],
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        context = _form_context(request, side, doc, values, exc.details.get("fields") or {})
        context["error"] = str(exc.message)
        return render(request, "accounting/arap/form.html", context, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect(_detail_url(side, doc))


def _initial(side, doc, params) -> dict:
    if doc is None:
        return {
            "partner": params.get("partner", ""),
            "date": timezone.localdate().isoformat(),
            "amount": "",
            "bank": "1002",
            "reference": "",
            "note": "",
        }
    return {
        "partner": str(getattr(doc, f"{side.partner_field}_id")),
        "date": doc.date.isoformat(),
        "amount": doc.amount,
        "bank": doc.bank_account.code,
        "reference": doc.reference,
        "note": doc.note,
    }


@login_required
def settlement_items(request, kind):
    """htmx: the open items of the chosen partner (the allocation table of the form)."""
    side = _side(kind)
    require_perm(request.user, VIEW_ITEMS)
    partner = request.GET.get("partner", "")
    context = {"rows": _open_rows(side, int(partner) if partner.isdigit() else None)}
    return render(request, "accounting/arap/_alloc_table.html", context)


def _detail_url(side, doc) -> str:
    url = "receipt" if side.kind == RECEIVABLE else "payment"
    return reverse(f"accounting:arap_{url}_detail", args=[doc.pk])


@login_required
@require_POST
def settlement_action(request, kind, pk, action):
    side = _side(kind)
    try:
        if action == "post":
            post = (
                svc.customer_receipt_post if side.kind == RECEIVABLE else svc.supplier_payment_post
            )
            key = "receipt_id" if side.kind == RECEIVABLE else "payment_id"
            doc = post(actor=request.user, **{key: pk})
            messages.success(request, _("%(doc)s posted.") % {"doc": doc})
        elif action == "delete":
            svc.settlement_delete(actor=request.user, kind=side.kind, doc_id=pk)
            messages.success(request, _("Draft deleted."))
            return redirect(f"accounting:arap_{kind}")
        else:
            raise NotFound()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    return redirect(_detail_url(side, _doc_get(side, pk)))


@login_required
def settlement_print(request, kind, pk):
    side = _side(kind)
    require_perm(request.user, f"accounting.view_{side.model._meta.model_name}")
    doc = _doc_get(side, pk)
    # A user's print template (erp.printing) first; the built-in layout without one.
    response = document_print(request, kit_get(side.doc_type), doc)
    if response is not None:
        return response
    context = {
        "side": side,
        "doc": doc,
        "partner": getattr(doc, side.partner_field),
        "lines": doc.lines.select_related("open_item").order_by("line_no"),
    }
    return pdf_response(
        request,
        template_name="accounting/arap/print_settlement.html",
        context=context,
        filename=f"{side.model._meta.verbose_name}-{doc}.pdf",
    )


# --- aging, statements, tie-out -------------------------------------------------------------


def _kind_param(request) -> str:
    return PAYABLE if request.GET.get("kind") == PAYABLE else RECEIVABLE


@login_required
def aging_page(request):
    require_perm(request.user, VIEW_ITEMS)
    kind = _kind_param(request)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    partner = request.GET.get("partner", "")
    partner_id = int(partner) if partner.isdigit() else None
    result = reads.aging(kind, as_of, partner_id)
    items = reads.open_items_as_of(kind, as_of, partner_id) if partner_id else []
    if request.GET.get("export") == "xlsx":
        headers = [
            _t("Code"),
            _t("Name"),
            *result.labels,
            _t("Advances"),
            _t("Total"),
            _t("Overdue"),
        ]
        rows = [
            [r.partner.code, r.partner.name, *r.buckets, r.advances, r.total, r.overdue]
            for r in result.rows
        ]
        name = f"{_t('Aging')}-{as_of.isoformat()}"
        return xlsx_response(
            xlsx_bytes(sheet_title=name, headers=headers, rows=rows), f"{name}.xlsx"
        )
    context = {
        "aging": result,
        "kind": kind,
        "as_of": as_of,
        "partner_id": partner_id,
        "items": items,
    }
    return render(request, "accounting/arap/aging.html", context)


@login_required
def statement_page(request):
    require_perm(request.user, VIEW_ITEMS)
    kind = _kind_param(request)
    today = timezone.localdate()
    date_to = _date(request.GET.get("to"), today)
    date_from = _date(request.GET.get("from"), date_to.replace(day=1))
    partner = request.GET.get("partner", "")
    statement = None
    if partner.isdigit() and reads.partners(kind).filter(pk=partner).exists():
        statement = reads.partner_statement(kind, int(partner), date_from, date_to)
    export = request.GET.get("export", "")
    if statement is not None and export == "xlsx":
        return _statement_xlsx(statement)
    if statement is not None and export == "pdf":
        return pdf_response(
            request,
            template_name="accounting/arap/print_statement.html",
            context={"st": statement},
            filename=f"{_t('Statement')}-{statement.partner.code}-{date_to.isoformat()}.pdf",
        )
    context = {
        "st": statement,
        "kind": kind,
        "partners": reads.partners(kind),
        "partner": partner,
        "date_from": date_from,
        "date_to": date_to,
    }
    return render(request, "accounting/arap/statement.html", context)


def _statement_xlsx(st):
    headers = [
        _t("Date"),
        _t("Document number"),
        _t("Summary"),
        _t("Increase"),
        _t("Decrease"),
        _t("Balance"),
    ]
    rows = [["", "", _t("Opening balance"), "", "", st.opening]]
    rows += [
        [r.date.isoformat(), r.number, r.text, r.increase or "", r.decrease or "", r.balance]
        for r in st.rows
    ]
    rows.append(["", "", _t("Closing balance"), st.increase, st.decrease, st.closing])
    name = f"{_t('Statement')}-{st.partner.code}-{st.date_to.isoformat()}"
    return xlsx_response(xlsx_bytes(sheet_title=name, headers=headers, rows=rows), f"{name}.xlsx")


@login_required
def tie_out_page(request):
    require_perm(request.user, VIEW_ITEMS)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    rows = reads.control_tie_out(as_of)
    totals: dict[str, list[Decimal]] = {}
    for r in rows:
        entry = totals.setdefault(r.account_code, [r.account_name, Decimal(0), Decimal(0)])
        entry[1] += r.subledger
        entry[2] += r.gl
    context = {
        "as_of": as_of,
        "rows": rows,
        "totals": [
            (code, *values, values[2] - values[1]) for code, values in sorted(totals.items())
        ],
        "differences": [r for r in rows if r.difference],
        "unregistered": reads.unregistered_voucher_lines(),
        "can_register": has_perm(request.user, "accounting.add_openitem"),
    }
    return render(request, "accounting/arap/tie_out.html", context)


@login_required
@require_POST
def register_vouchers(request):
    try:
        created = svc.open_items_from_vouchers(actor=request.user)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(count)s open items registered.") % {"count": len(created)})
    return redirect("accounting:arap_tie_out")
