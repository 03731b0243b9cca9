"""The printer erp.core's kit print page asks first (registered in PrintingConfig.ready):
the document type's active user template prints; without one, the built-in layout prints and
the print is still logged. A template that fails on this one document (it rendered on the
sample and the newest document when saved) does not stop the delivery going out: the
built-in layout prints (the print log says so) and the failure goes to the server log for
the administrator."""

import logging

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from erp.printing import selectors
from erp.printing.sandbox import PrintTemplateError
from erp.printing.services.prints import document_pdf, print_record

logger = logging.getLogger(__name__)


def template_choices(kit) -> list[tuple[int, str, bool]]:
    """The document type's templates with an active version, the default first."""
    if selectors.printable_kit(kit.label) is None:
        return []
    return [(t.pk, t.name, t.is_default) for t in selectors.templates_of(kit.label)]


def template_printer(request, kit, doc) -> HttpResponse | None:
    if selectors.printable_kit(kit.label) is None:
        return None
    template = selectors.template_for_print(kit.label, request.GET.get("template"))
    if template is None:
        print_record(actor=request.user, kit=kit, doc=doc, version=None)
        return None  # the built-in layout prints
    try:
        pdf = document_pdf(actor=request.user, kit=kit, doc=doc, version=template.active_version)
    except PrintTemplateError as exc:
        logger.warning(
            "print template %s v%s failed on %s %s: %s",
            template.name,
            template.active_version.number,
            kit.label,
            doc.pk,
            exc.message,
        )
        return None  # logged as the built-in layout by document_pdf
    name = kit.print_filename or kit.verbose_name
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{name}-{kit.reference(doc)}.pdf"
    )
    return response
