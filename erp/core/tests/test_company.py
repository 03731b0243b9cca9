"""Company settings: the 统一社会信用代码 check, logo upload rules, the service and the pages."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent, Company
from erp.core.services.company import company_update
from erp.core.validators import uscc_check_character, validate_logo, validate_uscc

# Real codes printed on business licences (the last character is the GB 32100-2015 check).
VALID_USCC = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_upload(fmt: str = "PNG", name: str = "logo.png", size=(40, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}.get(fmt, "image/gif")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


# --- 统一社会信用代码 ------------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID_USCC)
def test_real_uscc_codes_pass(code):
    validate_uscc(code)
    validate_uscc(code.lower())  # typed in lower case: still the same code
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("", "uscc_length"),
        ("91350100M000100I43", "uscc_characters"),  # I is never used
        ("91350100O000100Y43", "uscc_characters"),  # nor O
        ("91350100M000100Y44", "uscc_check"),  # wrong check character
        ("91350100M000010Y43", "uscc_check"),  # two digits swapped
        ("911100001000006853", "uscc_check"),
    ],
)
def test_invalid_uscc_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == error_code


def test_uscc_error_names_the_expected_check_character_in_chinese_and_english():
    from django.utils import translation

    for language, words in (("en", "should be 3"), ("zh-hans", "应为 3")):
        with pytest.raises(ValidationError) as caught:
            validate_uscc("91350100M000100Y44")
        with translation.override(language):  # messages are lazy: rendered in this language
            assert words in caught.value.messages[0]


# --- logo ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "logo.png"), ("JPEG", "logo.jpg")])
def test_png_and_jpeg_logos_pass(fmt, name):
    validate_logo(image_upload(fmt, name))


def test_gif_logo_is_refused_even_when_named_png():
    with pytest.raises(ValidationError) as caught:
        validate_logo(image_upload("GIF", "logo.png"))
    assert caught.value.code == "logo_format"


def test_text_file_named_png_is_refused():
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        validate_logo(fake)
    assert caught.value.code == "logo_format"


def test_logo_over_one_megabyte_is_refused():
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as caught:
        validate_logo(big)
    assert caught.value.code == "logo_too_large"


# --- service ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_update_creates_the_company_and_audits_before_and_after(admin_user):
    company = company_update(
        actor=admin_user, name="苏州华润精细化工有限公司", uscc="91350100m000100y43"
    )
    assert (company.pk, company.uscc, company.currency) == (1, "91350100M000100Y43", "CNY")
    company_update(actor=admin_user, phone="0512-66881234", fiscal_year_start_month=4)
    company.refresh_from_db()
    assert (company.name, company.phone, company.fiscal_year_start_month) == (
        "苏州华润精细化工有限公司",
        "0512-66881234",
        4,
    )
    events = list(AuditEvent.objects.filter(object_type="core.company").order_by("id"))
    assert [e.action for e in events] == ["core.company_create", "core.company_update"]
    assert events[1].changes == {"phone": ["", "0512-66881234"], "fiscal_year_start_month": [1, 4]}
    assert events[1].actor == admin_user


@pytest.mark.django_db
def test_update_without_change_permission_is_refused_and_writes_nothing(make_user):
    viewer = make_user("gm", "general_manager")
    assert viewer.has_perm("core.view_company")
    with pytest.raises(PermissionDenied):
        company_update(actor=viewer, name="Hijack Ltd")
    assert not Company.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_update_refuses_bad_code_month_and_empty_name(admin_user):
    with pytest.raises(ValidationFailed) as caught:
        company_update(
            actor=admin_user, name="A", uscc="91350100M000100Y44", fiscal_year_start_month=13
        )
    assert set(caught.value.details["fields"]) == {"uscc", "fiscal_year_start_month"}
    with pytest.raises(ValidationFailed) as caught:
        company_update(actor=admin_user, name="   ")
    assert "name" in caught.value.details["fields"]
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_logo_is_stored_and_removed(admin_user, media_root):
    company = company_update(actor=admin_user, name="A", logo=image_upload())
    assert company.logo.name.startswith("company/")
    assert (media_root / company.logo.name).exists()
    company = company_update(actor=admin_user, remove_logo=True)
    assert company.logo.name == ""
    change = AuditEvent.objects.filter(object_type="core.company").order_by("id").last().changes
    assert change["logo"][1] == ""


# --- pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_without_role_gets_403_on_company_pages(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("core:company")).status_code == 403
    assert client.get(reverse("core:company_edit")).status_code == 403


@pytest.mark.django_db
def test_viewer_sees_company_but_cannot_edit(client, make_user, admin_user):
    company_update(actor=admin_user, name="华润精化", uscc=VALID_USCC[0])
    client.force_login(make_user("gm", "general_manager"))
    page = client.get(reverse("core:company"))
    assert page.status_code == 200
    assert "华润精化" in page.text and VALID_USCC[0] in page.text
    assert reverse("core:company_edit") not in page.text
    response = client.post(
        reverse("core:company_edit"), {"name": "Changed", "fiscal_year_start_month": 1}
    )
    assert response.status_code == 403
    assert Company.objects.get().name == "华润精化"


@pytest.mark.django_db
def test_admin_edits_company_through_the_form(client, admin_user, media_root):
    client.force_login(admin_user)
    form = {
        "name": "苏州华润精细化工有限公司",
        "uscc": "91350100M000100Y43",
        "address": "江苏省苏州市工业园区星湖街 88 号",
        "phone": "0512-66881234",
        "fiscal_year_start_month": "1",
        "logo": image_upload("JPEG", "logo.jpg"),
        # Not a form field: must be ignored (the currency is fixed).
        "currency": "USD",
    }
    response = client.post(reverse("core:company_edit"), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:company")
    company = Company.objects.get()
    assert (company.uscc, company.currency, company.phone) == (
        "91350100M000100Y43",
        "CNY",
        "0512-66881234",
    )
    page = client.get(reverse("core:company"))
    assert "公司设置已保存" in page.text  # the toast, in Chinese by default
    logo = client.get(reverse("core:company_logo"))
    # Re-encoded: whatever was uploaded, the stored and served logo is a PNG.
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_form_shows_field_errors_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:company_edit"),
        {
            "name": "A",
            "uscc": "91350100M000100Y44",
            "fiscal_year_start_month": "1",
            "logo": SimpleUploadedFile("logo.png", b"not an image", "image/png"),
        },
    )
    assert response.status_code == 200
    assert "校验位" in response.text  # check character explained in Chinese
    assert "PNG 或 JPEG" in response.text
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_logo_address_is_404_without_a_logo(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("core:company_logo")).status_code == 404


# --- logo: re-encoded, fixed name, explicit type (issue 11 point 8) -----------------------

HTML_TAIL = b"<html><script>alert(document.cookie)</script></html>"


def png_named(name: str, tail: bytes = b"", size=(40, 20)) -> SimpleUploadedFile:
    """A valid PNG (with `tail` appended, which image viewers ignore) under any file name."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue() + tail, content_type="text/html")


@pytest.mark.django_db
def test_png_named_logo_html_is_stored_as_logo_png_and_served_as_image(
    client, admin_user, media_root
):
    """Before: stored as company/logo.html and served to anyone as text/html (the appended
    script ran in the site's origin). Now: re-encoded, company/logo.png, image/png."""
    client.force_login(admin_user)
    form = {"name": "A", "fiscal_year_start_month": "1", "logo": png_named("logo.html", HTML_TAIL)}
    assert client.post(reverse("core:company_edit"), form).status_code == 302
    company = Company.objects.get()
    assert company.logo.name == "company/logo.png"
    assert sorted(p.name for p in (media_root / "company").iterdir()) == ["logo.png"]

    client.logout()  # the logo is public (login page): the anonymous answer is the one to trust
    served = client.get(reverse("core:company_logo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert 'filename="logo.png"' in served["Content-Disposition"]
    body = b"".join(served.streaming_content)
    assert HTML_TAIL not in body and b"<script" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == ("PNG", (40, 20))


@pytest.mark.django_db
def test_a_non_image_logo_is_refused_in_both_languages(admin_user, media_root):
    from django.utils import translation

    fake = SimpleUploadedFile("logo.html", b"<html><script>alert(1)</script></html>", "text/html")
    for language, words in (("en", "must be a PNG or JPEG image"), ("zh-hans", "PNG 或 JPEG")):
        with translation.override(language), pytest.raises(ValidationFailed) as caught:
            company_update(actor=admin_user, name="A", logo=fake)
        assert words in " ".join(str(m) for m in caught.value.details["fields"]["logo"])
    assert not Company.objects.exists()
    assert not (media_root / "company").exists()


def test_huge_pixel_dimensions_are_refused_before_decoding():
    # A one-colour PNG compresses to a few kB whatever its size: the sides are checked first.
    with pytest.raises(ValidationError) as caught:
        validate_logo(image_upload("PNG", "logo.png", size=(5000, 10)))
    assert caught.value.code == "logo_dimensions"


@pytest.mark.django_db
def test_large_logo_is_scaled_down_and_replacing_it_is_audited(admin_user, media_root):
    company_update(actor=admin_user, name="A", logo=image_upload(size=(2048, 512)))
    with Image.open(media_root / "company" / "logo.png") as image:
        assert image.size == (1024, 256)  # 2048 × 512 halved to fit 1024 a side
    company_update(actor=admin_user, logo=image_upload("JPEG", "new.jpg", size=(30, 30)))
    assert sorted(p.name for p in (media_root / "company").iterdir()) == ["logo.png"]
    change = AuditEvent.objects.filter(object_type="core.company").order_by("id").last().changes
    before, after = change["logo"]
    assert before.startswith("company/logo.png sha256:") and after != before


@pytest.mark.django_db
def test_logo_answers_not_modified_when_unchanged(client, admin_user, media_root):
    company_update(actor=admin_user, name="A", logo=image_upload())
    first = client.get(reverse("core:company_logo"))
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(reverse("core:company_logo"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_migration_reencodes_a_logo_stored_under_its_uploaded_name(media_root):
    """A site upgraded with company/logo.html on disk ends with company/logo.png only."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("erp.core.migrations.0005_logo_fixed_name_security")
    (media_root / "company").mkdir(parents=True)
    (media_root / "company" / "logo.html").write_bytes(png_named("x", HTML_TAIL).read())
    Company.objects.create(pk=1, name="A", logo="company/logo.html")
    migration.reencode_logo(apps, None)
    assert Company.objects.get().logo.name == "company/logo.png"
    assert sorted(p.name for p in (media_root / "company").iterdir()) == ["logo.png"]
    assert HTML_TAIL not in (media_root / "company" / "logo.png").read_bytes()
