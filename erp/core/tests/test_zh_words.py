"""Issue #13 point 3, the words the zh-Hans scan found left in English: audit keys and notes
written as codes ("unit", "close"), the numbering page naming receipt and payment rules by
their code (sales.customerreceipt), and a code in the numbering form's help text that was not
marked as code."""

import pytest
from django.urls import reverse
from django.utils import translation

from erp.core.audit_display import key_label, note_label
from erp.core.references import document_type_label
from erp.core.states import transition_label
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


def test_a_state_code_shared_by_two_machines_reads_in_the_records_own_machine():
    """'released' is 合格 for an inspection lot and 已下达 for a production order: the audit trail
    of a released production order said 合格 because the first machine declaring the code named
    it everywhere."""
    from django.urls import get_resolver

    from erp.core.states import state_label, transition_label

    assert get_resolver().url_patterns  # kits (naming each type's machine) load with URLs
    with translation.override("zh-hans"):
        production = state_label("released", "production.productionorder")
        inspection = state_label("released", "quality.inspectionlot")
        assert production != inspection
        assert production == "已下达", production
        assert transition_label("release", "production.productionorder") == "下达"
        # The inspection lot's button said 发布 (production's word, its catalogue comes first).
        assert transition_label("release", "quality.inspectionlot") == "合格放行"
        assert inspection == "合格放行"


def test_a_documents_close_note_reads_in_its_own_machine():
    """Closing a recall case or a production order said 状态变更 (期末结账) in its audit trail:
    the note 'close' took the period close's label before the record's own machine."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # kits (naming each type's machine) load with URLs
    with translation.override("zh-hans"):
        assert note_label("close") == "期末结账"  # a system note with no record type
        order = note_label("close", "production.productionorder")
        assert order != "期末结账" and order == transition_label(
            "close", "production.productionorder"
        )
        assert note_label("close", "trace.recallcase") != "期末结账"


@pytest.mark.django_db
def test_a_draft_without_number_is_named_as_a_draft(admin_user):
    """References to a draft read 草稿 #12 like its own page, not a bare '#12' (MRP's pegging,
    trace's inspections and every 单据联查 link)."""
    from erp.core.references import document_ref
    from tests.docapp.models import SampleDoc

    doc = SampleDoc.objects.create(state="draft", created_by=admin_user)
    with translation.override("zh-hans"):
        assert document_ref("docapp.sampledoc", doc.pk).number == f"草稿 #{doc.pk}"
        assert doc.reference == f"草稿 #{doc.pk}"
