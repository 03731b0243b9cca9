"""Templates: versions are append-only, a broken one is refused at save naming its line,
activate/restore/default, export → import, and only the template permission edits."""

import json

import pytest

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.printing import selectors
from erp.printing.models import PrintTemplateVersion
from erp.printing.sandbox import PrintTemplateError
from erp.printing.services import templates as svc

DOC = "inventory.otherreceipt"


@pytest.fixture
def template(admin_user):
    return svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单 A4")


def test_create_starts_from_the_shipped_layout_active_and_default(template):
    assert template.is_default and template.active_version.number == 1
    assert template.active_version.body == svc.default_body()


def test_every_save_is_a_new_version_and_old_ones_stay(admin_user, template):
    v2 = svc.print_template_version_save(
        actor=admin_user, template_id=template.pk, body="<p>{{ doc.reference }}</p>", note="短"
    )
    assert v2.number == 2
    template.refresh_from_db()
    assert template.active_version.number == 1  # saved, not yet active
    assert PrintTemplateVersion.objects.filter(template=template).count() == 2
    svc.print_template_version_activate(actor=admin_user, version_id=v2.pk)
    template.refresh_from_db()
    assert template.active_version == v2
    v3 = svc.print_template_version_restore(
        actor=admin_user, version_id=template.versions.get(number=1).pk
    )
    template.refresh_from_db()
    assert v3.number == 3 and template.active_version == v3 and v3.restored_from.number == 1
    assert v3.body == svc.default_body()
    diff = selectors.versions_diff(v2, v3)
    assert "v2" in diff and "diff_" in diff


def test_a_broken_template_is_refused_with_its_line_and_saves_nothing(admin_user, template):
    with pytest.raises(PrintTemplateError) as exc:
        svc.print_template_version_save(
            actor=admin_user, template_id=template.pk, body="<p>1</p>\n{{ settings.SECRET_KEY }}"
        )
    assert exc.value.line == 2
    assert template.versions.count() == 1


def test_bad_margins_and_copies_are_refused(admin_user, template):
    with pytest.raises(ValidationFailed):
        svc.print_template_version_save(
            actor=admin_user, template_id=template.pk, body="x", margins="1 2 3"
        )
    with pytest.raises(ValidationFailed):
        svc.print_template_version_save(
            actor=admin_user, template_id=template.pk, body="x", copies="\n".join("abcdefgh")
        )


def test_only_the_template_permission_edits(keeper, template):
    with pytest.raises(PermissionDenied):
        svc.print_template_version_save(actor=keeper, template_id=template.pk, body="x")
    with pytest.raises(PermissionDenied):
        svc.print_template_create(actor=keeper, doc_type=DOC, name="mine")


def test_export_then_import_is_a_new_version_or_a_new_template(admin_user, template):
    data = selectors.template_export(template, template.active_version)
    data["body"] = "<p>{{ doc.reference }} imported</p>"
    version = svc.print_template_import(actor=admin_user, data=json.dumps(data).encode())
    assert version.template == template and version.number == 2
    data["name"] = "从测试环境导入"
    version = svc.print_template_import(actor=admin_user, data=json.dumps(data).encode())
    assert version.template != template and version.template.active_version is None
    assert not version.template.is_default  # imported: preview, then activate


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[]", json.dumps({"format": "other"}).encode(),
     json.dumps({"format": "erp-print-template", "doc_type": "x.y", "name": "a"}).encode(),
     json.dumps({"format": "erp-print-template", "doc_type": DOC, "name": 1}).encode()],
)  # fmt: skip
def test_import_refuses_foreign_or_damaged_files(admin_user, payload):
    with pytest.raises(ValidationFailed):
        svc.print_template_import(actor=admin_user, data=payload)
