"""The pages: list, editor (save, htmx check naming the line, preview PDF), versions
(activate, restore), diff, export → import, images, print log; who may open what; query
counts pinned."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from erp.printing.models import PrintAsset, PrintLog
from erp.printing.services import templates as svc

DOC = "inventory.otherreceipt"


@pytest.fixture
def template(admin_user, receipt):
    return svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单 A4")


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _form(template, **over):
    version = template.active_version
    data = {
        "body": version.body,
        "paper": version.paper,
        "orientation": version.orientation,
        "margins": version.margins,
        "copies": version.copies,
        "note": "",
    }
    return {**data, **over}


def test_pages_open_for_the_admin(admin, template, django_assert_max_num_queries):
    for name, args in [
        ("printing:template_list", []),
        ("printing:template_edit", [template.pk]),
        ("printing:template_versions", [template.pk]),
        ("printing:version_diff", [template.pk]),
        ("printing:assets", []),
        ("printing:log", []),
    ]:
        with django_assert_max_num_queries(25):
            response = admin.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_list_and_log_queries_do_not_grow_with_rows(admin, admin_user, receipt, template):
    for i in range(5):
        svc.print_template_create(actor=admin_user, doc_type=DOC, name=f"T{i}")
    for _ in range(2):
        admin.get(reverse("inventory:otherreceipt_print", args=[receipt.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as list_queries:
        admin.get(reverse("printing:template_list"))
    with CaptureQueriesContext(connection) as log_queries:
        admin.get(reverse("printing:log"))
    assert len(list_queries) <= 12 and len(log_queries) <= 12
    assert PrintLog.objects.count() == 2


def test_a_keeper_prints_but_cannot_open_or_edit_templates(client, keeper, template):
    client.force_login(keeper)
    assert client.get(reverse("printing:template_list")).status_code == 403
    response = client.post(reverse("printing:template_edit", args=[template.pk]), _form(template))
    assert response.status_code == 403
    assert template.versions.count() == 1


def test_save_makes_a_version_and_a_broken_one_names_its_line(admin, template):
    url = reverse("printing:template_edit", args=[template.pk])
    response = admin.post(url, _form(template, body="<p>{{ doc.reference }}</p>", note="简版"))
    assert response.status_code == 302 and template.versions.count() == 2
    response = admin.post(url, _form(template, body="<p>a</p>\n<p>{{ doc.nope }}</p>"))
    assert response.status_code == 400
    assert "模板第 2 行" in response.content.decode()
    assert template.versions.count() == 2


def test_htmx_check_names_the_line_and_saves_nothing(admin, template):
    url = reverse("printing:template_check", args=[template.pk])
    bad = admin.post(
        url, _form(template, body="1\n2\n{% for x in lines %}"), HTTP_HX_REQUEST="true"
    )
    assert 'data-error-line="' in bad.content.decode() and "语法错误" in bad.content.decode()
    good = admin.post(url, _form(template), HTTP_HX_REQUEST="true")
    assert "alert-success" in good.content.decode()
    assert 'sandbox="" srcdoc="' in good.content.decode()  # the live preview, no script
    assert template.versions.count() == 1


def test_preview_is_a_pdf_of_a_real_document_and_is_not_logged(admin, template):
    url = reverse("printing:template_preview", args=[template.pk])
    response = admin.post(url, _form(template))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = admin.get(reverse("printing:version_preview", args=[template.active_version_id]))
    assert response["Content-Type"] == "application/pdf"
    assert not PrintLog.objects.exists()


def test_activate_and_restore_from_the_versions_page(admin, admin_user, template):
    v2 = svc.print_template_version_save(actor=admin_user, template_id=template.pk, body="<b>2</b>")
    admin.post(reverse("printing:version_activate", args=[v2.pk]))
    template.refresh_from_db()
    assert template.active_version == v2
    admin.post(reverse("printing:version_restore", args=[template.versions.get(number=1).pk]))
    template.refresh_from_db()
    assert template.active_version.number == 3
    page = admin.get(reverse("printing:version_diff", args=[template.pk]) + "?a=2&b=3")
    assert "&lt;b&gt;2&lt;/b&gt;" in page.content.decode()  # the diff escapes template text


def test_export_then_import_through_the_pages(admin, template):
    exported = admin.get(reverse("printing:template_export", args=[template.pk]))
    assert exported["Content-Type"].startswith("application/json")
    upload = io.BytesIO(exported.content)
    upload.name = "t.json"
    response = admin.post(reverse("printing:template_import"), {"file": upload})
    assert response.status_code == 302 and template.versions.count() == 2


def test_seal_upload_page(admin):
    buffer = io.BytesIO()
    Image.new("RGBA", (80, 80), (255, 0, 0, 100)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "seal.png"
    response = admin.post(reverse("printing:assets"), {"kind": "seal", "image": buffer})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert PrintAsset.objects.get().width == 80
    fake = io.BytesIO(b"<svg/>")
    fake.name = "seal.png"
    response = admin.post(reverse("printing:assets"), {"kind": "seal", "image": fake})
    assert response.status_code == 400 and "PNG" in response.content.decode()


def test_the_print_log_names_the_document_and_exports(admin, receipt, template):
    """The log is the standard list: the document as 类型名 + number + link, 重打 N on the
    second print, the template version, a filter by type and an Excel export."""
    for _ in range(2):
        admin.get(reverse("inventory:otherreceipt_print", args=[receipt.pk]))
    page = admin.get(reverse("printing:log"), {"doc_type": DOC}).content.decode()
    detail = reverse("inventory:otherreceipt_detail", args=[receipt.pk])
    assert f'href="{detail}"' in page and "其他入库单" in page
    assert "重打 1" in page and "入库单 A4 v1" in page
    rows = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "inventory.otherreceipt" not in rows  # no raw type code in the rows
    export = admin.get(reverse("printing:log"), {"export": "xlsx"})
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_preview_of_an_unknown_number_says_what_to_do(admin, template):
    url = reverse("printing:template_preview", args=[template.pk])
    response = admin.post(url, _form(template, number="NO-SUCH-1"), follow=True)
    page = response.content.decode()
    assert "NO-SUCH-1" in page and "请核对单号，或留空以用最新一张预览" in page
    assert not PrintLog.objects.exists()


def test_the_diff_names_page_settings_not_codes(admin, admin_user, template):
    svc.print_template_version_save(
        actor=admin_user,
        template_id=template.pk,
        body=template.active_version.body,
        paper="241x93",
        orientation="landscape",
        margins="6 8 6 8",
        copies="存根联\n客户联",
    )
    page = admin.get(reverse("printing:version_diff", args=[template.pk])).content.decode()
    assert "<del>A4</del>" in page and "<del>纵向</del>" in page and "<ins>横向</ins>" in page
    assert "<del>—</del> → <ins>存根联 / 客户联</ins>" in page
    assert "241x93" not in page and "landscape" not in page


def test_the_print_log_keeps_the_printed_reference_of_a_document_gone_since(admin):
    PrintLog.objects.create(doc_type=DOC, doc_id=987654, doc_reference="草稿 #987654", print_no=1)
    rows = admin.get(reverse("printing:log")).content.decode().split("<tbody", 1)[1]
    assert "其他入库单 草稿 #987654" in rows
