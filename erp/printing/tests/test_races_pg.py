"""Races on PostgreSQL: two saves of one template at the same moment get versions 2 and 3
(the template row lock), and two prints of one document get print numbers 1 and 2 — on
the log and on the paper."""

import pytest

from erp.core.doc_kit.declaration import kit_get
from erp.printing.models import PrintLog
from erp.printing.services import templates as svc
from erp.printing.services.prints import print_record
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_saves_at_once_get_distinct_versions(admin_user, receipt):
    template = svc.print_template_create(
        actor=admin_user, doc_type="inventory.otherreceipt", name="并发"
    )

    def save(text):
        return lambda: (
            svc.print_template_version_save(
                actor=admin_user, template_id=template.pk, body=text
            ).number
        )

    results = run_together(save("<p>a</p>"), save("<p>b</p>"))
    assert sorted(results) == [2, 3]


def test_two_prints_at_once_get_print_numbers_one_and_two(admin_user, keeper, receipt):
    kit = kit_get("inventory.otherreceipt")

    def record():
        return print_record(actor=keeper, kit=kit, doc=receipt, version=None).print_no

    assert sorted(run_together(record, record)) == [1, 2]
    assert PrintLog.objects.count() == 2


def test_two_template_prints_at_once_each_say_their_own_number(admin_user, keeper, receipt):
    """The paper's 重打 N is the number the log row got under the document's lock, so two
    prints at the same moment print "no mark" and "重打 1", never the same number twice."""
    from erp.printing.services.prints import document_pdf
    from erp.printing.tests.test_print import pdf_text

    kit = kit_get("inventory.otherreceipt")
    version = svc.print_template_create(
        actor=admin_user, doc_type=kit.label, name="并发打印"
    ).active_version

    def job():
        return pdf_text(document_pdf(actor=keeper, kit=kit, doc=receipt, version=version))

    texts = run_together(job, job)
    assert sorted("重打 1" in t for t in texts) == [False, True]
    assert sorted(PrintLog.objects.values_list("print_no", flat=True)) == [1, 2]
