"""PDF printing: Chinese text with an embedded Noto Sans CJK font, amounts and 大写金额, the
sandbox, and the sample print view."""

import subprocess
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from erp.core.models import Company
from erp.core.print_views import sample_voucher
from erp.core.printing import SandboxedFetcher, allowed_roots, render_pdf


@pytest.fixture
def company(db):
    return Company.objects.create(pk=1, name="华东新材料科技有限公司", uscc="91320500MA1XK3TQ8U")


def _pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return fonts, text


def test_sample_voucher_pdf_embeds_cjk_font_and_shows_chinese(company, tmp_path):
    with translation.override("zh-hans"):
        pdf = render_pdf(
            template_name="print/voucher_sample.html",
            context={"voucher": sample_voucher(prepared_by="王建国")},
        )
    assert pdf.startswith(b"%PDF")
    fonts, text = _pdf_text(pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line or "NotoSansCJK" in line]
    assert cjk, fonts
    assert all(" yes " in line.split("Identity-H", 1)[1] for line in cjk), fonts
    assert "华东新材料科技有限公司" in text
    assert "壹拾壹万叁仟元整" in text
    assert "¥113,000.00" in text
    assert "王建国" in text
    assert "1 / 1" in text


def test_sandbox_refuses_files_outside_the_allowed_folders(settings):
    fetcher = SandboxedFetcher(allowed_roots())
    with pytest.raises(ValueError, match="may not read"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    css = settings.BASE_DIR / "static" / "erp" / "erp.css"
    assert fetcher.fetch(css.as_uri()).read()


def test_a_template_cannot_pull_a_server_file_into_the_pdf(company, tmp_path, settings):
    # A stylesheet outside the allowed folders would print its content if it were read.
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "TOPSECRET-42"; }')
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "leak.html").write_text(
        f'<link rel="stylesheet" href="{secret.as_uri()}"><p>正文</p>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    _fonts, text = _pdf_text(render_pdf(template_name="print/leak.html", context={}), tmp_path)
    assert "正文" in text
    assert "TOPSECRET" not in text


def test_format_filters():
    template = Template(
        "{% load erp_format %}{{ a|cny }}|{{ n|cny }}|{{ q|qty }}|{{ q2|qty:2 }}|"
        "{{ a|amount_words }}"
    )
    out = template.render(
        Context(
            {
                "a": Decimal("12345.6"),
                "n": Decimal("-5"),
                "q": Decimal("1200.5000"),
                "q2": Decimal("3.14159"),
            }
        )
    )
    assert out == "¥12,345.60|-¥5.00|1,200.5|3.14|壹万贰仟叁佰肆拾伍元陆角整"


def test_format_filters_refuse_floats():
    with pytest.raises(TypeError):
        Template("{% load erp_format %}{{ a|cny }}").render(Context({"a": 1.1}))


def test_sample_print_view_returns_a_pdf(client, admin_user, company):
    client.force_login(admin_user)
    response = client.get(reverse("core:print_sample"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")


def test_sample_print_view_needs_login(client, db):
    response = client.get(reverse("core:print_sample"))
    assert response.status_code == 302
