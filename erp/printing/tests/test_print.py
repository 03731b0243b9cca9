"""Printing a kit document through a user template: the PDF (read back with pdftotext), the
print log, 重打 on a second print, the seal, hostile markup and data, and permissions."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from erp.core.errors import ValidationFailed
from erp.printing.models import PrintLog
from erp.printing.services import templates as svc
from erp.printing.services.assets import print_asset_upload

DOC = "inventory.otherreceipt"


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def png(size=(60, 60), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new(
        "RGBA" if fmt == "PNG" else "RGB", size, (200, 0, 0, 128)[: 4 if fmt == "PNG" else 3]
    ).save(buffer, fmt)
    return buffer.getvalue()


def print_url(doc, **query) -> str:
    url = reverse("inventory:otherreceipt_print", args=[doc.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_without_a_template_the_builtin_layout_prints_and_is_logged(client, keeper, receipt):
    client.force_login(keeper)
    response = client.get(print_url(receipt))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    log = PrintLog.objects.get()
    assert log.version is None and log.print_no == 1 and log.printed_by == keeper


def test_the_active_template_prints_and_a_second_print_says_reprint(
    client, admin_user, keeper, receipt
):
    template = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    client.force_login(keeper)
    first = pdf_text(client.get(print_url(receipt)).content)
    assert "其他入库单" in first.replace(" ", "") and "重打" not in first
    assert "{{7*7}} 来料" in first and "49" not in first  # record text prints literally
    assert "环氧树脂 {{7*7}} <script>" in first
    second = pdf_text(client.get(print_url(receipt)).content)
    assert "重打 1" in second
    logs = list(PrintLog.objects.order_by("pk"))
    assert [(g.print_no, g.version_id) for g in logs] == [
        (1, template.active_version_id),
        (2, template.active_version_id),
    ]


def test_copies_and_the_seal_print(client, admin_user, keeper, receipt, tmp_path):
    template = svc.print_template_create(actor=admin_user, doc_type=DOC, name="三联")
    version = svc.print_template_version_save(
        actor=admin_user,
        template_id=template.pk,
        body=svc.default_body("triple"),
        paper="241x93",
        margins="6 8 6 8",
        copies="存根联\n客户联\n回单联",
    )
    svc.print_template_version_activate(actor=admin_user, version_id=version.pk)
    print_asset_upload(actor=admin_user, kind="seal", data=png())
    client.force_login(keeper)
    pdf = client.get(print_url(receipt)).content
    text = pdf_text(pdf)
    assert all(caption in text for caption in ("存根联", "客户联", "回单联"))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    assert re.search(r"Pages:\s+3\n", info)  # one 241 × 93.1 mm page per copy
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    assert images.stdout.count(" image ") >= 3  # the seal on every copy


def test_hostile_markup_reads_no_file_and_no_network(client, admin_user, keeper, receipt):
    template = svc.print_template_create(
        actor=admin_user,
        doc_type=DOC,
        name="恶意",
        body='<link rel="stylesheet" href="http://10.0.0.1/x.css">'
        '<img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
        '<object data="file:///etc/hostname"></object><p>{{ doc.reference }}</p>',
    )
    assert template.active_version
    client.force_login(keeper)
    response = client.get(print_url(receipt))
    text = pdf_text(response.content)
    assert response.status_code == 200 and "root:" not in text


@pytest.mark.parametrize(
    "data",
    [b"GIF89a" + b"\0" * 100, b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\nbad"],
)
def test_seal_upload_accepts_only_real_png_or_jpeg(admin_user, data):
    with pytest.raises(ValidationFailed):
        print_asset_upload(actor=admin_user, kind="seal", data=data)


def test_seal_upload_refuses_too_big(admin_user):
    with pytest.raises(ValidationFailed):
        print_asset_upload(actor=admin_user, kind="seal", data=png((2100, 10)))
    assert print_asset_upload(actor=admin_user, kind="logo", data=png(fmt="JPEG")).width == 60


def test_print_obeys_the_documents_view_permission(client, make_user, admin_user, receipt):
    svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    outsider = make_user("seller", "sales")
    client.force_login(outsider)
    assert client.get(print_url(receipt)).status_code in (403, 404)
    assert not PrintLog.objects.exists()


def test_a_second_print_is_audited_as_a_reprint(client, admin_user, keeper, receipt):
    from erp.core.models import AuditEvent

    client.force_login(keeper)
    client.get(print_url(receipt))
    client.get(print_url(receipt))
    event = AuditEvent.objects.get(object_type="printing.printlog")
    assert event.actor == keeper and event.note == "重打 1"
    assert event.object_repr.endswith("#2")


def test_long_documents_break_across_pages_with_the_headings_repeated():
    from erp.core.doc_kit.declaration import kit_get
    from erp.printing.context import print_facts, sample_context
    from erp.printing.models import PrintTemplateVersion
    from erp.printing.rendering import render_pdf

    context = sample_context(kit_get(DOC))
    first = context["lines"][0]
    context["lines"] = [{**first, "no": i} for i in range(1, 121)]
    context["print"] = print_facts(printed_by="", print_no=1, version_label="", preview=False)
    version = PrintTemplateVersion(body=svc.default_body(), paper="a5", margins="12")
    pages = pdf_text(render_pdf(version, context)).split("\f")
    heading = context["columns"][0]["label"]
    filled = [p for p in pages if p.strip()]
    assert len(filled) >= 3
    assert all(heading in p for p in filled)  # the column headings on every page
    assert "1 / " in filled[0] and f"{len(filled)} / {len(filled)}" in filled[-1]


def test_a_template_print_makes_few_queries(client, admin_user, keeper, receipt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    client.force_login(keeper)
    client.get(print_url(receipt))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(print_url(receipt)).status_code == 200
    assert len(queries) <= 20, [q["sql"] for q in queries]  # 17 measured, with the log rows


@pytest.mark.parametrize(
    ("paper", "orientation", "size"),
    [("a4", "portrait", "size: A4;"), ("a4", "landscape", "size: A4 landscape;"),
     ("a5", "portrait", "size: A5;"), ("241x93", "landscape", "size: 241mm 93.1mm;")],
)  # fmt: skip
def test_page_setup(paper, orientation, size):
    from erp.printing.models import PrintTemplateVersion
    from erp.printing.rendering import page_css

    css = page_css(PrintTemplateVersion(paper=paper, orientation=orientation, margins="5 6 7 8"))
    assert size in css and "margin: 5mm 6mm 7mm 8mm" in css and "counter(pages)" in css


def test_a_template_failing_on_one_document_falls_back_to_the_builtin_layout(
    client, admin_user, keeper, receipt
):
    from erp.printing.models import PrintTemplate, PrintTemplateVersion

    template = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    fragile = PrintTemplateVersion.objects.create(
        template=template, number=2, body="{{ lines[1].no }}", created_by=admin_user
    )  # fine on the two-line sample, fails on this one-line receipt
    PrintTemplate.objects.filter(pk=template.pk).update(active_version=fragile)
    client.force_login(keeper)
    response = client.get(print_url(receipt))
    assert response.status_code == 200 and "其他入库单" in pdf_text(response.content).replace(
        " ", ""
    )
    assert PrintLog.objects.get().version is None


def test_a_document_column_prints_the_number_once_under_its_label(receipt):
    """A header column of kind "doc" (the delivery note's 销售订单) is the linked document's
    number (a draft: 草稿 #id), as the kit's detail page and built-in print show it, not
    "其他入库单 …" (the document's str()) after a label that already names the type."""
    from types import SimpleNamespace

    from erp.core.listing import Column
    from erp.printing.context import column_value

    column = Column("source", "来源单据", kind="doc")
    assert column_value(column, SimpleNamespace(source=receipt)) == str(receipt.reference)
    assert column_value(column, SimpleNamespace(source=None)) == ""


def test_the_detail_page_offers_each_active_template_and_prints_the_one_picked(
    client, admin_user, keeper, receipt
):
    detail = reverse("inventory:otherreceipt_detail", args=[receipt.pk])
    client.force_login(keeper)
    assert "data-print-choices" not in client.get(detail).text  # no template: a plain button
    default = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    assert "data-print-choices" not in client.get(detail).text  # one template: a plain button
    body = svc.default_body() + "<p>A5 小票</p>"
    a5 = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单 A5", body=body)
    page = client.get(detail).text
    assert "data-print-choices" in page
    menu = page[page.index("data-print-choices") :]
    assert menu.index("入库单") < menu.index("入库单 A5")  # the default first, marked
    assert f"?template={a5.pk}" in menu and f"?template={default.pk}" in menu
    assert "默认" in menu
    picked = pdf_text(client.get(print_url(receipt, template=a5.pk)).content)
    assert "A5 小票" in picked
    assert "A5 小票" not in pdf_text(client.get(print_url(receipt)).content)
    versions = list(PrintLog.objects.order_by("pk").values_list("version_id", flat=True))
    assert versions == [a5.active_version_id, default.active_version_id]
