"""Writes of print templates: create, save a version (append-only, render-tested first),
activate, restore, make default, import. Each checks the permission and runs in one
transaction, locking the template so two saves get distinct version numbers."""

import json
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, ValidationFailed
from erp.core.services.audit import audit_record
from erp.printing import context as print_context
from erp.printing import selectors
from erp.printing.models import Orientation, Paper, PrintTemplate, PrintTemplateVersion
from erp.printing.rendering import captions_check, margins_parse, pdf_bounded, render_html
from erp.printing.sandbox import MAX_TEMPLATE_CHARS

PERM = "printing.change_printtemplate"
DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
MAX_IMPORT_BYTES = 300_000


def default_body(name: str = "standard") -> str:
    """The shipped layout the initial templates start from (the kit's built-in print)."""
    return (DEFAULTS / f"{name}.html").read_text(encoding="utf-8")


def _kit(doc_type: str):
    kit = selectors.printable_kit(doc_type)
    if kit is None:
        raise ValidationFailed(
            _("Unknown or non-printable document type: %(t)s") % {"t": doc_type},
            fields={"doc_type": [_("Choose a document type from the list.")]},
        )
    return kit


def _locked(template_id: int) -> PrintTemplate:
    template = PrintTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template


def version_check(version: PrintTemplateVersion, doc_type: str, *, doc=None) -> str:
    """Render the version against the sample context (and a real document when given):
    the HTML, or PrintTemplateError/ValidationFailed naming the problem."""
    kit = _kit(doc_type)
    if len(version.body) > MAX_TEMPLATE_CHARS:
        raise ValidationFailed(
            _("The template is longer than %(n)s characters: shorten it.")
            % {"n": f"{MAX_TEMPLATE_CHARS:,}"},
            fields={"body": [_("Too long.")]},
        )
    if version.paper not in Paper.values or version.orientation not in Orientation.values:
        raise ValidationFailed(fields={"paper": [_("Choose a paper size and orientation.")]})
    margins_parse(version.margins)
    captions_check(version.captions)
    facts = print_context.print_facts(
        printed_by="", print_no=2, version_label="", preview=True
    )  # a reprint, so templates showing 重打 are checked too
    html = render_html(version, {**print_context.sample_context(kit), "print": facts})
    if doc is not None:
        real = selectors.document_print_context(kit, doc)
        shown = print_context.print_facts(printed_by="", print_no=1, version_label="", preview=True)
        html = render_html(version, {**real, "print": shown})
    return html


def _newest_document(doc_type: str, actor):
    """The newest document of the type the actor may see: a save is checked on real data too
    (a template can fail only on what a real document holds, an empty date or a long list)."""
    kit = _kit(doc_type)
    if actor is None or not actor.has_perm(kit.perm("view")):
        return None
    return selectors.latest_document(kit, actor)


def _new_version(
    template: PrintTemplate, actor, *, layout: bool = True, **fields
) -> PrintTemplateVersion:
    """The next version, rendered first; a user's body is also laid out as a PDF (bounded in
    time), so a template too heavy to print is refused at save, not at the warehouse."""
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PrintTemplateVersion(template=template, number=number, created_by=actor, **fields)
    doc = _newest_document(template.doc_type, actor)
    html = version_check(version, template.doc_type, doc=doc)
    if layout:
        pdf_bounded(html)
    version.save()
    return version


@transaction.atomic
def print_template_create(
    *, actor, doc_type: str, name: str, body: str | None = None, activate: bool = True, **settings
) -> PrintTemplate:
    """A new template of `doc_type`, its version 1 from the shipped layout (or `body`),
    active at once and the type's default when it has none (`activate`); an imported one
    waits for its preview and activation instead."""
    require_perm(actor, PERM)
    _kit(doc_type)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Give the template a name.")]})
    if PrintTemplate.objects.filter(doc_type=doc_type, name=name).exists():
        raise ValidationFailed(
            _(
                "A template named %(name)s exists for this document type: "
                "choose another name, or edit that template."
            )
            % {"name": name},
            fields={"name": [_("Already used.")]},
        )
    has_default = PrintTemplate.objects.filter(doc_type=doc_type, is_default=True).exists()
    template = PrintTemplate.objects.create(
        doc_type=doc_type, name=name, is_default=activate and not has_default
    )
    version = _new_version(  # the shipped layout is not laid out again on every create
        template,
        actor,
        layout=body is not None,
        body=body if body is not None else default_body(),
        **settings,
    )
    if activate:
        template.active_version = version
        template.save(update_fields=["active_version"])
    audit_record(
        actor=actor,
        action="create",
        obj=template,
        changes={"doc_type": doc_type, "active_version": 1 if activate else None},
    )
    return template


@transaction.atomic
def print_template_version_save(
    *,
    actor,
    template_id: int,
    body: str,
    paper: str = Paper.A4,
    orientation: str = Orientation.PORTRAIT,
    margins: str = "20 12 16 12",
    copies: str = "",
    note: str = "",
) -> PrintTemplateVersion:
    """Every save is a new version (never an overwrite); it is checked by rendering first
    and is not printed until activated."""
    require_perm(actor, PERM)
    template = _locked(template_id)
    version = _new_version(
        template,
        actor,
        body=body.replace("\r\n", "\n"),
        paper=paper,
        orientation=orientation,
        margins=margins.strip(),
        copies=copies.replace("\r\n", "\n").strip(),
        note=note.strip()[:200],
    )
    audit_record(
        actor=actor,
        action="create",
        obj=version,
        changes={"number": version.number, "note": version.note},
    )
    return version


@transaction.atomic
def print_template_version_activate(*, actor, version_id: int) -> PrintTemplate:
    """Prints of the type use this version from now on (one active version per template)."""
    require_perm(actor, PERM)
    version = PrintTemplateVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    template = _locked(version.template_id)
    before = template.active_version.number if template.active_version else None
    version_check(version, template.doc_type)  # saved versions render; this is a guard
    template.active_version = version
    template.save(update_fields=["active_version"])
    audit_record(
        actor=actor,
        action="update",
        obj=template,
        changes={"active_version": [before, version.number]},
    )
    return template


@transaction.atomic
def print_template_version_restore(*, actor, version_id: int) -> PrintTemplateVersion:
    """An old version's content saved again as the newest version, and activated."""
    require_perm(actor, PERM)
    old = PrintTemplateVersion.objects.filter(pk=version_id).first()
    if old is None:
        raise NotFound()
    template = _locked(old.template_id)
    version = _new_version(
        template,
        actor,
        body=old.body,
        paper=old.paper,
        orientation=old.orientation,
        margins=old.margins,
        copies=old.copies,
        note=str(_("Restored from version %(n)s") % {"n": old.number}),
        restored_from=old,
    )
    template.active_version = version
    template.save(update_fields=["active_version"])
    audit_record(
        actor=actor,
        action="restore",
        obj=version,
        changes={"restored_from": old.number, "number": version.number},
    )
    return version


@transaction.atomic
def print_template_make_default(*, actor, template_id: int) -> PrintTemplate:
    require_perm(actor, PERM)
    template = _locked(template_id)
    if template.active_version_id is None:
        raise BusinessRuleError(
            _("Activate a version of this template before making it the default.")
        )
    PrintTemplate.objects.filter(doc_type=template.doc_type, is_default=True).exclude(
        pk=template.pk
    ).update(is_default=False)
    template.is_default = True
    template.save(update_fields=["is_default"])
    audit_record(actor=actor, action="update", obj=template, changes={"is_default": True})
    return template


def _import_fields(data: bytes) -> dict:
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _(
                "The file is larger than %(n)s KB, too large for a print template: "
                "choose the .json file exported from the print template list."
            )
            % {"n": MAX_IMPORT_BYTES // 1000}
        )
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    if not isinstance(payload, dict) or payload.get("format") != selectors.EXPORT_FORMAT:
        raise ValidationFailed(_("This is not a print template file exported by this ERP."))
    fields = {}
    for key in ("doc_type", "name", "body", "paper", "orientation", "margins", "copies", "note"):
        value = payload.get(key, "")
        if not isinstance(value, str):
            raise ValidationFailed(
                _("The print template file is damaged: %(key)s is not text.") % {"key": key}
            )
        fields[key] = value
    return fields


@transaction.atomic
def print_template_import(*, actor, data: bytes) -> PrintTemplateVersion:
    """A template file from another instance: a new version of the template with the same
    document type and name (not active until activated), or a new template."""
    require_perm(actor, PERM)
    fields = _import_fields(data)
    doc_type, name = fields.pop("doc_type"), fields.pop("name").strip()[:100]
    _kit(doc_type)
    fields["note"] = (fields["note"] or str(_("Imported")))[:200]
    template = PrintTemplate.objects.filter(doc_type=doc_type, name=name).first()
    if template is None:
        template = print_template_create(
            actor=actor, doc_type=doc_type, name=name, activate=False, **fields
        )
        return template.versions.get()
    return print_template_version_save(actor=actor, template_id=template.pk, **fields)
