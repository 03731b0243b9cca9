"""Reads of print templates, versions, images and the print log."""

import base64
import difflib

from django.db.models import Count, Max

from erp.core.doc_kit.declaration import DocumentKit, kit_documents, kit_get
from erp.printing.models import PrintAsset, PrintLog, PrintTemplate, PrintTemplateVersion

EXPORT_FORMAT = "erp-print-template"


def printable_kits() -> list[DocumentKit]:
    """Every kit document type: the kit's print page and the print pages of their own (the
    voucher, the receipt and the payment) all ask the registered printer first."""
    return list(kit_documents())


def printable_kit(doc_type: str) -> DocumentKit | None:
    try:
        return kit_get(doc_type)
    except LookupError:
        return None


def templates_listed():
    return (
        PrintTemplate.objects.select_related("active_version")
        .annotate(version_count=Count("versions"), last_saved=Max("versions__created_at"))
        .order_by("doc_type", "-is_default", "name")
    )


def template_get(pk: int) -> PrintTemplate | None:
    return PrintTemplate.objects.select_related("active_version").filter(pk=pk).first()


def template_latest_version(template: PrintTemplate) -> PrintTemplateVersion | None:
    return template.versions.select_related("created_by").order_by("-number").first()


def template_versions(template: PrintTemplate):
    return template.versions.select_related("created_by", "restored_from").order_by("-number")


def template_version(template: PrintTemplate, *, pk=None, number=None):
    """One version of this template by id or by number, or None."""
    lookup = {"pk": pk} if pk is not None else {"number": number}
    return template.versions.filter(**lookup).first()


def version_get(pk: int) -> PrintTemplateVersion | None:
    return PrintTemplateVersion.objects.select_related("template").filter(pk=pk).first()


def template_for_print(doc_type: str, template_id: str | None) -> PrintTemplate | None:
    """The template a print uses: the one asked for (?template=) or the type's default; only
    one with an active version prints."""
    qs = PrintTemplate.objects.select_related("active_version").filter(
        doc_type=doc_type, active_version__isnull=False
    )
    if template_id and str(template_id).isdigit():
        chosen = qs.filter(pk=int(template_id)).first()
        if chosen is not None:
            return chosen
    return qs.filter(is_default=True).first()


def templates_of(doc_type: str) -> list[PrintTemplate]:
    """The type's printable templates (with an active version), the default first."""
    qs = PrintTemplate.objects.filter(doc_type=doc_type, active_version__isnull=False)
    return list(qs.order_by("-is_default", "name"))


def assets_as_uris() -> dict[str, str]:
    return {
        a.kind: f"data:{a.content_type};base64,{base64.b64encode(bytes(a.data)).decode()}"
        for a in PrintAsset.objects.all()
    }


def document_print_context(kit: DocumentKit, doc) -> dict:
    """What a template prints of one real document: its lines as the kit's print page reads
    them and the uploaded seal and logo (without the print facts and the copy)."""
    from erp.core.doc_kit.views import kit_lines
    from erp.printing.context import document_context

    return document_context(kit, doc, lines=kit_lines(kit, doc), assets=assets_as_uris())


def assets_listed() -> dict[str, PrintAsset]:
    return {a.kind: a for a in PrintAsset.objects.select_related("uploaded_by")}


def prints_count(doc_type: str, doc_id: int) -> int:
    return PrintLog.objects.filter(doc_type=doc_type, doc_id=doc_id).count()


def latest_document(kit: DocumentKit, user, number: str = ""):
    """The document a preview renders: the one numbered `number`, else the newest the user
    may see (through the kit's scope, as the print page reads)."""
    qs = kit.visible(user, kit.model.objects.select_related("created_by", *kit.select_related))
    if number:
        return qs.filter(number=number).first()
    return qs.order_by("-pk").first()


def versions_diff(old: PrintTemplateVersion, new: PrintTemplateVersion) -> str:
    """A side-by-side HTML table of two versions' bodies (difflib escapes the text)."""
    return difflib.HtmlDiff(tabsize=2, wrapcolumn=70).make_table(
        old.body.splitlines(),
        new.body.splitlines(),
        fromdesc=f"v{old.number}",
        todesc=f"v{new.number}",
        context=True,
        numlines=3,
    )


def version_settings_changes(old: PrintTemplateVersion, new: PrintTemplateVersion) -> list:
    """(label, old, new) of each page setting that differs, as the editor shows them: paper
    and orientation by name (A4, 纵向), copy captions joined with " / ", "—" for none."""
    fields = ("paper", "orientation", "margins", "copies")
    return [
        (PrintTemplateVersion._meta.get_field(f).verbose_name, _setting(old, f), _setting(new, f))
        for f in fields
        if getattr(old, f) != getattr(new, f)
    ]


def _setting(version: PrintTemplateVersion, name: str) -> str:
    if name == "copies":
        return " / ".join(version.captions) or "—"
    display = getattr(version, f"get_{name}_display", None)
    return str(display() if display else getattr(version, name)) or "—"


def template_export(template: PrintTemplate, version: PrintTemplateVersion) -> dict:
    """The file a template is shared as between instances (test → production)."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "doc_type": template.doc_type,
        "name": template.name,
        "version": version.number,
        "body": version.body,
        "paper": version.paper,
        "orientation": version.orientation,
        "margins": version.margins,
        "copies": version.copies,
        "note": version.note,
    }
