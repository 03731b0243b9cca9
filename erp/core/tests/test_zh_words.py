"""Issue #13 point 3, the words the zh-Hans scan found left in English: audit keys and notes
written as codes ("unit", "close"), the numbering page naming receipt and payment rules by
their code (sales.customerreceipt), and a code in the numbering form's help text that was not
marked as code."""

import pytest
from django.urls import reverse
from django.utils import translation

from erp.core.audit_display import key_label, note_label
from erp.core.references import document_type_label
from tests.cross.zh_scan import foreign_words

pytestmark = pytest.mark.django_db


def test_audit_keys_and_notes_services_write_as_codes_read_in_chinese():
    with translation.override("zh-hans"):
        assert key_label("unit") == "单位"  # lot attributes: {"环氧值": [...], "unit": "eq/100g"}
        assert note_label("close") == "期末结账"  # period_close
        assert note_label("period_open_next") == "开启下一期间"


def test_receipt_and_payment_numbering_rules_are_named():
    with translation.override("zh-hans"):
        assert document_type_label("sales.customerreceipt") == "客户收款"
        assert document_type_label("purchasing.supplierpayment") == "供应商付款"


def test_numbering_pages_show_no_code_outside_code_elements(client, admin_user):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    client.force_login(admin_user)
    for url in (reverse("core_settings:numbering_list"), reverse("core_settings:numbering_create")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200
        assert foreign_words(page.text, {"admin"}) == set(), url
    form = client.get(reverse("core_settings:numbering_create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "<code>sales.salesorder</code>" in form.text
