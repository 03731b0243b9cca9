"""Voucher review controls (#10.5) and reversal rules (#10.2/#10.7):

- a draft edited by another user records that editor; the reviewer differs from creator and
  last editor;
- concurrent edits are version-checked: service, page and API answer 409;
- system vouchers (posted by a source document) post directly, show 制单 = the poster and 审核
  empty until reviewed; the month-end checklist lists them and blocks the close only when the
  company setting says they need review;
- a document's voucher is reversed only through the document; a second reversal is 409."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period, Voucher
from erp.accounting.services.closing import period_checklist
from erp.accounting.services.gate import voucher_post_for_source, voucher_reverse
from erp.accounting.services.periods import period_close
from erp.accounting.services.vouchers import voucher_review, voucher_save
from erp.core.errors import BusinessRuleError, Conflict, InvalidTransition

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 20)


def _rows(amount="10.00"):
    ids = dict(Account.objects.filter(code__in=("1001", "1002")).values_list("code", "pk"))
    return [
        {"summary": "提现", "account_id": ids["1001"], "debit": amount},
        {"summary": "提现", "account_id": ids["1002"], "credit": amount},
    ]


@pytest.fixture
def third(make_user):
    return make_user("disan", "accountant", full_name="王第三")


def test_last_editor_cannot_review(books, accountant, reviewer, third):
    draft = voucher_save(actor=accountant, date=ON, lines=_rows())
    edited = voucher_save(
        actor=reviewer, voucher_id=draft.pk, date=ON, lines=_rows("12.00"), version=draft.version
    )
    assert edited.last_edited_by == reviewer and edited.created_by == accountant
    with pytest.raises(BusinessRuleError) as exc:
        voucher_review(actor=reviewer, voucher_id=draft.pk)
    assert exc.value.code == "voucher_editor_review"
    with pytest.raises(BusinessRuleError) as exc:
        voucher_review(actor=accountant, voucher_id=draft.pk)
    assert exc.value.code == "voucher_self_review"
    assert voucher_review(actor=third, voucher_id=draft.pk).reviewed_by == third


def test_stale_version_is_a_conflict_in_service_page_and_api(client, books, accountant, reviewer):
    draft = voucher_save(actor=accountant, date=ON, lines=_rows())
    loaded = draft.version
    voucher_save(actor=reviewer, voucher_id=draft.pk, date=ON, lines=_rows("11.00"), version=loaded)
    with pytest.raises(Conflict) as exc:
        voucher_save(actor=accountant, voucher_id=draft.pk, date=ON, lines=_rows(), version=loaded)
    assert exc.value.status == 409 and "周审核" in str(exc.value.message)
    with pytest.raises(Conflict):  # reviewing what the reviewer did not see
        voucher_review(actor=books, voucher_id=draft.pk, version=loaded)

    client.force_login(accountant)
    form = {"word": "记", "date": "2026-01-20", "attachments": "0", "note": "",
            "version": str(loaded)}  # fmt: skip
    for name in ("summary", "account_id", "debit", "credit"):
        form[name] = [str(r.get(name, "")) for r in _rows("13.00")]
    page = client.post(f"/accounting/vouchers/{draft.pk}/edit/", form)
    assert page.status_code == 409 and "请刷新凭证" in page.content.decode()

    current = Voucher.objects.get(pk=draft.pk).version
    body = {
        "date": "2026-01-20",
        "version": loaded,
        "lines": [
            {"summary": "a", "account_code": "1001", "debit": "14.00"},
            {"summary": "a", "account_code": "1002", "credit": "14.00"},
        ],
    }
    put = client.put(f"/api/v1/vouchers/{draft.pk}", json.dumps(body), "application/json")
    assert put.status_code == 409 and put.json()["code"] == "voucher_version_conflict"
    body["version"] = current
    put = client.put(f"/api/v1/vouchers/{draft.pk}", json.dumps(body), "application/json")
    assert put.status_code == 200 and put.json()["version"] == current + 1
    assert Voucher.objects.get(pk=draft.pk).total == Decimal("14.00")


def _system_voucher(poster, source_id="7"):
    return voucher_post_for_source(
        actor=poster,
        draft=VoucherDraft(
            date=ON,
            word="转",
            lines=(
                DraftLine("其他入库 QR-1", "1403", debit=Decimal("125.00")),
                DraftLine("其他入库 QR-1", "1901", credit=Decimal("125.00")),
            ),
            source_type="inventory.otherreceipt",
            source_id=source_id,
            source_number="QR-2026-0001",
        ),
    )


def test_system_voucher_posts_directly_and_is_reviewed_after(client, books, accountant, reviewer):
    from erp.core.models import Company

    voucher = _system_voucher(accountant)
    assert voucher.state == "posted" and voucher.created_by == accountant
    assert voucher.reviewed_by is None
    jan = Period.objects.get(year=2026, month=1)
    item = next(c for c in period_checklist(jan) if c.code == "system_vouchers_reviewed")
    assert item.ok is True and voucher.number in item.detail  # listed, not blocking (default)
    assert "unreviewed=true" in item.url
    listed = client
    listed.force_login(reviewer)
    page = listed.get(item.url).content.decode()
    assert voucher.number in page

    Company.objects.update_or_create(
        pk=1, defaults={"name": "测试", "system_vouchers_need_review": True}
    )
    item = next(c for c in period_checklist(jan) if c.code == "system_vouchers_reviewed")
    assert item.ok is False
    with pytest.raises(BusinessRuleError) as exc:
        period_close(actor=books, period_id=jan.pk)
    assert "system_vouchers_reviewed" in exc.value.details["checks"]

    with pytest.raises(BusinessRuleError) as exc:  # the poster (制单) does not review
        voucher_review(actor=accountant, voucher_id=voucher.pk)
    detail = listed.get(f"/accounting/vouchers/{voucher.pk}/").content.decode()
    assert "尚未审核" in detail and "/review/" in detail
    response = listed.post(
        f"/accounting/vouchers/{voucher.pk}/review/", {"version": voucher.version}
    )
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.state == "posted" and voucher.reviewed_by == reviewer
    with pytest.raises(Conflict):
        voucher_review(actor=books, voucher_id=voucher.pk)
    assert next(c for c in period_checklist(jan) if c.code == "system_vouchers_reviewed").ok
    # The database still freezes everything else of a posted voucher.
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(note="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(reviewed_by=books)  # only empty → user


def test_document_voucher_is_reversed_only_through_the_document(books, accountant):
    voucher = _system_voucher(accountant)
    with pytest.raises(BusinessRuleError) as exc:
        voucher_reverse(actor=books, voucher_id=voucher.pk, on_date=ON)
    assert exc.value.code == "reverse_source_document" and "QR-2026-0001" in str(exc.value.message)
    red = voucher_reverse(actor=books, voucher_id=voucher.pk, on_date=ON, _from_source=True)
    assert red.reversal_of_id == voucher.pk and red.total == Decimal("-125.00")
    with pytest.raises(InvalidTransition) as exc:
        voucher_reverse(actor=books, voucher_id=voucher.pk, on_date=ON, _from_source=True)
    assert exc.value.status == 409


def test_double_reversal_answers_409_through_the_api(client, books):
    from erp.accounting.services.gate import voucher_post

    voucher = voucher_post(
        actor=books,
        draft=VoucherDraft(
            date=ON,
            lines=(
                DraftLine("投资", "1002", debit=Decimal("50.00")),
                DraftLine("投资", "4001", credit=Decimal("50.00")),
            ),
        ),
    )
    client.force_login(books)
    url = f"/api/v1/vouchers/{voucher.pk}/reverse"
    first = client.post(url, json.dumps({"date": "2026-01-21"}), "application/json")
    assert first.status_code == 200
    second = client.post(url, json.dumps({"date": "2026-01-21"}), "application/json")
    assert second.status_code == 409 and second.json()["code"] == "reverse_twice"
