"""Finance pages: voucher entry/detail/print, periods with the month-end checklist, trial
balance, general and detail ledgers. Every write goes through a service."""

import datetime as dt
import itertools
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from erp.accounting import selectors
from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import Account, Period, Voucher, VoucherWord
from erp.accounting.services import closing, gate, periods, vouchers
from erp.accounting.states import VOUCHER_STATES, VoucherState
from erp.core.access import require_perm
from erp.core.doc_kit.declaration import kit_get
from erp.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.printing import document_print, pdf_response
from erp.core.references import document_ref

LINE_FIELDS = ("summary", "account_id", "debit", "credit", *(f"{n}_id" for n in Account.AUX_FIELDS))
MIN_ROWS = 4


def _voucher_or_404(pk: int) -> Voucher:
    voucher = selectors.voucher_with_lines(pk)
    if voucher is None:
        raise NotFound()
    return voucher


def _entry_choices() -> dict:
    from erp.iam.models import Department, User
    from erp.masterdata.models import Customer, Material, Supplier

    return {
        "accounts": list(selectors.leaf_accounts()),
        "aux_choices": {
            "customer": Customer.objects.filter(active=True).order_by("code"),
            "supplier": Supplier.objects.filter(active=True).order_by("code"),
            "department": Department.objects.filter(is_active=True).order_by("code"),
            "employee": User.objects.filter(is_active=True).order_by("username"),
            "material": Material.objects.filter(active=True).order_by("code"),
        },
        "words": VoucherWord.choices,
    }


def _posted_rows(post) -> list[dict]:
    """The entry rows worth saving. A row with no account and no amount is dropped even when
    it has a summary: Enter on the last amount opens a new row and carries the summary down,
    and that row must not stop the save."""
    columns = {name: post.getlist(name) for name in LINE_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {name: (values[i] if i < len(values) else "") for name, values in columns.items()}
        if row["account_id"] or row["debit"].strip() or row["credit"].strip():
            rows.append(row)
    return rows


def _line_error_summary(line_errors: dict) -> list[str]:
    """One message per refused line, in line order, above the form (第 3 行：请选择会计科目。)."""
    return [
        _("Line %(no)s: %(problems)s") % {"no": no, "problems": " ".join(map(str, problems))}
        for no, problems in sorted(line_errors.items(), key=lambda item: int(item[0]))
    ]


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def voucher_entry(request, pk: int | None = None):
    """The keyboard-first entry form (new or edit of a draft)."""
    require_perm(request.user, "accounting.change_voucher" if pk else "accounting.add_voucher")
    voucher = _voucher_or_404(pk) if pk else None
    if voucher is not None and voucher.state != VoucherState.DRAFT:
        messages.error(request, _("Only draft vouchers can be edited. Cancel the review first."))
        return redirect("accounting:voucher_detail", pk=voucher.pk)
    errors, line_errors, status = [], {}, 200
    if request.method == "POST":
        rows = _posted_rows(request.POST)
        header = {
            "word": request.POST.get("word", VoucherWord.JI),
            "date": _parse_date(request.POST.get("date", "")),
            "attachments": int(request.POST.get("attachments") or 0)
            if (request.POST.get("attachments") or "0").isdigit()
            else -1,
            "note": request.POST.get("note", ""),
        }
        try:
            saved = vouchers.voucher_save(
                actor=request.user,
                lines=rows,
                voucher_id=pk,
                version=request.POST.get("version") or None,
                **header,
            )
        except DomainError as exc:
            status = 409 if isinstance(exc, Conflict) else 400
            line_errors = exc.details.get("lines", {})
            if line_errors:  # a draft save, not a posting: say so, then name each line
                errors.append(_("The voucher was not saved. Correct these lines:"))
                errors += _line_error_summary(line_errors)
            else:
                errors.append(str(exc.message))
            errors += [
                f"{_voucher_field_label(field)}：{'；'.join(str(m) for m in msgs)}"
                for field, msgs in exc.details.get("fields", {}).items()
            ]
        else:
            messages.success(request, _("Voucher saved as draft."))
            if request.POST.get("next") == "new":
                return redirect("accounting:voucher_create")
            return redirect("accounting:voucher_detail", pk=saved.pk)
    else:
        rows = [
            {
                "summary": line.summary,
                "account_id": str(line.account_id),
                "debit": line.debit or "",
                "credit": line.credit or "",
                **{f"{n}_id": str(getattr(line, f"{n}_id") or "") for n in Account.AUX_FIELDS},
            }
            for line in (voucher.line_list if voucher else [])
        ]
        header = {
            "word": voucher.word if voucher else VoucherWord.JI,
            "date": voucher.date if voucher else timezone.localdate(),
            "attachments": voucher.attachments if voucher else 0,
            "note": voucher.note if voucher else "",
        }
    while len(rows) < MIN_ROWS:
        rows.append({})
    for number, row in enumerate(rows, start=1):
        row["errors"] = line_errors.get(str(number), [])
    context = {
        "voucher": voucher,
        # The version the user loaded, kept across a refused save so a concurrent edit by
        # someone else is still detected (Conflict) on the next try.
        "version": request.POST.get("version") or (voucher.version if voucher else ""),
        "rows": rows,
        "header": header,
        "errors": errors,
        **_entry_choices(),
    }
    return render(request, "accounting/voucher_entry.html", context, status=status)


def voucher_line_row(request):
    """One empty entry row (htmx: the "add line" button and Enter on the last row)."""
    require_perm(request.user, "accounting.add_voucher")
    return render(request, "accounting/_entry_row.html", {"row": {}, **_entry_choices()})


@require_POST
def voucher_action(request, pk: int, action: str):
    services = {
        "review": lambda: vouchers.voucher_review(
            actor=request.user, voucher_id=pk, version=request.POST.get("version") or None
        ),
        "unreview": lambda: vouchers.voucher_unreview(actor=request.user, voucher_id=pk),
        "post": lambda: gate.voucher_post(actor=request.user, voucher_id=pk),
        "reverse": lambda: gate.voucher_reverse(
            actor=request.user,
            voucher_id=pk,
            on_date=_parse_date(request.POST.get("date", "")) or timezone.localdate(),
        ),
        "delete": lambda: vouchers.voucher_delete(actor=request.user, voucher_id=pk),
    }
    if action not in services:
        raise Http404
    try:
        result = services[action]()
    except VoucherInvalid as exc:
        problems = [
            _("Line %(n)s: %(problems)s") % {"n": n, "problems": "; ".join(m)}
            for n, m in exc.details.get("lines", {}).items()
        ]
        messages.error(request, " ".join([str(exc.message), *problems]))
        return redirect("accounting:voucher_detail", pk=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        if action == "delete" and exc.status == 404:
            raise
        return redirect("accounting:voucher_detail", pk=pk)
    if action == "delete":
        messages.success(request, _("Draft voucher deleted."))
        return redirect("accounting:voucher_list")
    messages.success(
        request,
        _("Done: voucher %(number)s is %(state)s.")
        % {"number": result.number or result.pk, "state": VOUCHER_STATES.label(result.state)},
    )
    return redirect("accounting:voucher_detail", pk=result.pk)


def voucher_print(request, pk: int):
    require_perm(request.user, "accounting.view_voucher")
    voucher = _voucher_or_404(pk)
    # A user's print template (erp.printing) first; the built-in layout without one.
    response = document_print(request, kit_get("accounting.voucher"), voucher)
    if response is not None:
        return response
    debit = sum((line.debit for line in voucher.line_list), Decimal(0))
    credit = sum((line.credit for line in voucher.line_list), Decimal(0))
    return pdf_response(
        request,
        template_name="accounting/print_voucher.html",
        context={
            "voucher": voucher,
            "total_debit": debit,
            "total_credit": credit,
            # 原始单据: the source document by type name and number (a print cannot link).
            "source": str(document_ref(voucher.source_type, voucher.source_id))
            if voucher.source_type
            else "",
        },
        filename=f"记账凭证-{voucher.number or voucher.pk}.pdf",
    )


# --- periods and month-end -------------------------------------------------------------------


def period_list(request):
    require_perm(request.user, "accounting.view_period")
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = 0
        try:
            if request.POST.get("next") == "month":
                period = periods.period_open_next(actor=request.user)
                messages.success(request, _("Period %(period)s opened.") % {"period": period})
            else:
                created = periods.periods_create_year(actor=request.user, year=year)
                messages.success(request, _("%(n)s periods created.") % {"n": len(created)})
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("accounting:period_list")
    latest = selectors.periods_all().first()
    context = {
        "periods": selectors.periods_all(),
        "next_month": (
            f"{latest.year + 1}-01"
            if latest and latest.month == 12
            else f"{latest.year}-{latest.month + 1:02d}"
            if latest
            else f"{timezone.localdate():%Y-%m}"
        ),
        "next_year": (
            selectors.periods_all().values_list("year", flat=True).first()
            or timezone.localdate().year - 1
        )
        + 1,
    }
    return render(request, "accounting/period_list.html", context)


def _period_or_404(pk) -> Period:
    period = Period.objects.filter(pk=pk).first()
    if period is None:
        raise NotFound()
    return period


def period_detail(request, pk: int):
    """The month-end checklist: each check green or red, with a link to what to fix."""
    require_perm(request.user, "accounting.view_period")
    period = _period_or_404(pk)
    checks = closing.period_checklist(period)
    context = {"period": period, "checks": checks, "all_ok": all(c.ok for c in checks)}
    context.update(selectors.month_end_status(period))
    return render(request, "accounting/period_detail.html", context)


@require_POST
def period_action(request, pk: int, action: str):
    period = _period_or_404(pk)
    services = {
        "close": lambda: periods.period_close(actor=request.user, period_id=period.pk),
        "reopen": lambda: periods.period_reopen(
            actor=request.user, period_id=period.pk, reason=request.POST.get("reason", "")
        ),
        "carry_forward": lambda: closing.pl_carry_forward(actor=request.user, period_id=period.pk),
        "year_end": lambda: closing.year_end_close(actor=request.user, year=period.year),
    }
    if action not in services:
        raise Http404
    try:
        services[action]()
        messages.success(request, _("Done."))
    except VoucherInvalid as exc:
        messages.error(request, f"{exc.message} {exc.details}")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounting:period_detail", pk=period.pk)


# --- reports ---------------------------------------------------------------------------------


def _selected_period(request) -> Period | None:
    pk = request.GET.get("period", "")
    if pk.isdigit():
        return _period_or_404(pk)
    return selectors.period_current() or Period.objects.order_by("-start").first()


def trial_balance(request):
    require_perm(request.user, "accounting.view_accountperiodbalance")
    period = _selected_period(request)
    level = request.GET.get("level", "")
    level_value = int(level) if level in ("1", "2", "3") else None
    tb = selectors.trial_balance(period, level=level_value) if period else None
    if tb is not None and request.GET.get("export") == "xlsx":
        return _trial_balance_xlsx(tb)
    context = {
        "periods": selectors.periods_all(),
        "period": period,
        "tb": tb,
        "level": level,
    }
    return render(request, "accounting/trial_balance.html", context)


def _trial_balance_xlsx(tb) -> HttpResponse:
    headers = [
        _("Code"),
        _("Account"),
        _("Opening debit"),
        _("Opening credit"),
        _("Period debit"),
        _("Period credit"),
        _("Closing debit"),
        _("Closing credit"),
    ]
    rows = [
        [
            r.account.code,
            r.account.name,
            r.opening_debit,
            r.opening_credit,
            r.debit,
            r.credit,
            r.closing_debit,
            r.closing_credit,
        ]
        for r in tb.rows
    ]
    t = tb.totals
    rows.append(
        [
            "",
            _("Total"),
            t.opening_debit,
            t.opening_credit,
            t.debit,
            t.credit,
            t.closing_debit,
            t.closing_credit,
        ]
    )
    from erp.accounting.views_statements import xlsx_title_rows

    body = xlsx_bytes(
        sheet_title=f"{_('Trial balance')} {tb.period}",
        title_rows=xlsx_title_rows(_("Trial balance"), str(tb.period)),
        headers=headers,
        rows=rows,
        amount_columns=range(2, len(headers)),
    )
    return xlsx_response(body, f"trial-balance-{tb.period}.xlsx")


def _account_param(request) -> Account | None:
    code = request.GET.get("account", "")
    return Account.objects.filter(code=code).first() if code else None


def general_ledger(request):
    require_perm(request.user, "accounting.view_accountperiodbalance")
    account = _account_param(request)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    months = selectors.general_ledger(account, year) if account else []
    context = {
        "accounts": Account.objects.order_by("code"),
        "account": account,
        "year": year,
        "months": months,
    }
    return render(request, "accounting/general_ledger.html", context)


def detail_ledger(request):
    """明细账: keyset pages of 100 lines (`after` / `before` / `last`) with the balance carried
    in from the period balances; the xlsx export reads the whole range line by line."""
    require_perm(request.user, "accounting.view_voucher")
    account = _account_param(request)
    period = selectors.period_current()
    default_from = period.start if period else timezone.localdate().replace(day=1)
    date_from = _parse_date(request.GET.get("from", "")) or default_from
    date_to = _parse_date(request.GET.get("to", "")) or (
        period.end if period else timezone.localdate()
    )
    if account and request.GET.get("export") == "xlsx":
        headers = [
            _("Date"),
            _("Voucher"),
            _("Summary"),
            _("Account"),
            _("Debit"),
            _("Credit"),
            pgettext_lazy("ledger", "Balance"),
        ]
        opening, lines = selectors.detail_ledger_rows(account, date_from, date_to)
        rows = itertools.chain(
            [[date_from, "", pgettext_lazy("ledger", "Opening balance"), "", None, None, opening]],
            (
                [
                    x.line.voucher.date,
                    x.line.voucher.number,
                    x.line.summary,
                    x.line.account.code,
                    x.line.debit,
                    x.line.credit,
                    x.balance,
                ]
                for x in lines
            ),
        )
        body = xlsx_bytes(sheet_title=_("Detail ledger"), headers=headers, rows=rows)
        return xlsx_response(body, f"ledger-{account.code}.xlsx")
    try:
        after, before = (
            selectors.DetailKey.decode(request.GET[k]) if request.GET.get(k) else None
            for k in ("after", "before")
        )
    except ValueError:
        raise ValidationFailed(
            _("This page link is not valid. Open the ledger again from the first page."),
            code="invalid_page_key",
        ) from None
    page = (
        selectors.detail_ledger_page(
            account, date_from, date_to, after=after, before=before, last="last" in request.GET
        )
        if account
        else selectors.DetailPage(Decimal(0), [])
    )
    base = ""
    if account:
        base = urlencode(
            {"account": account.code, "from": date_from.isoformat(), "to": date_to.isoformat()}
        )
    context = {
        "accounts": Account.objects.order_by("code"),
        "account": account,
        "date_from": date_from,
        "date_to": date_to,
        "page": page,
        "opening": page.opening,
        "lines": page.lines,
        "closing": page.closing,
        "pager": {
            "first": f"?{base}" if page.has_prev else None,
            "prev": f"?{base}&before={page.first_key}" if page.has_prev else None,
            "next": f"?{base}&after={page.last_key}" if page.has_next else None,
            "last": f"?{base}&last=1" if page.has_next else None,
        },
        "export_url": reverse("accounting:detail_ledger"),
    }
    return render(request, "accounting/detail_ledger.html", context)


def _voucher_field_label(field: str) -> str:
    """A voucher header field by its name on the page (日期), not its code (date)."""
    from django.core.exceptions import FieldDoesNotExist

    from erp.accounting.models import Voucher

    try:
        return str(Voucher._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # an unknown key still shows, as it was given
        return field
