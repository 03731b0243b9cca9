"""Print a kit document through its active user template, recording who printed it with
which version; a second print of a document says 重打 N on the paper and is audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from erp.core.services.audit import audit_record
from erp.printing import context as print_context
from erp.printing import selectors
from erp.printing.models import PrintLog, PrintTemplateVersion
from erp.printing.rendering import render_pdf
from erp.printing.sandbox import PrintTemplateError


@transaction.atomic
def print_record(*, actor, kit, doc, version: PrintTemplateVersion | None) -> PrintLog:
    """The log row of this print; the document's earlier prints give its print number (the
    row lock on the document keeps two simultaneous prints from sharing a number)."""
    list(kit.model.objects.select_for_update().filter(pk=doc.pk).values_list("pk"))
    print_no = selectors.prints_count(kit.label, doc.pk) + 1
    log = PrintLog.objects.create(
        doc_type=kit.label,
        doc_id=doc.pk,
        doc_reference=str(kit.reference(doc))[:60],
        version=version,
        print_no=print_no,
        printed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if print_no > 1:  # the audit log names the document ("DN2026110001 #2") and says 重打 N
        audit_record(
            actor=actor,
            action="create",
            obj=log,
            changes={"print_no": print_no},
            note=_("Reprint %(n)s") % {"n": print_no - 1},
        )
    return log


def document_pdf(*, actor, kit, doc, version: PrintTemplateVersion, preview: bool = False) -> bytes:
    """The PDF of `doc` in `version`. A real print (not a preview) is logged first, so the
    paper says the print number the log holds (taken under the document's row lock; the slow
    PDF work runs after that short transaction, holding no lock). A template failing on this
    document leaves its log row saying the built-in layout, which the printer prints instead."""
    log = None if preview else print_record(actor=actor, kit=kit, doc=doc, version=version)
    context = selectors.document_print_context(kit, doc)
    label = f"{version.template.name} v{version.number}" if version.pk else ""
    context["print"] = print_context.print_facts(
        printed_by=str(actor), print_no=log.print_no if log else 1, version_label=label,
        preview=preview,
    )  # fmt: skip
    try:
        return render_pdf(version, context)
    except PrintTemplateError:
        if log is not None:
            PrintLog.objects.filter(pk=log.pk).update(version=None)
        raise
