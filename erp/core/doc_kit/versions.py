"""The optimistic check for transition services that take no `expected_version` themselves."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict


def version_require(model, doc_id, expected_version: int | None) -> None:
    """409 version_conflict when the document's version is not the one the client read.

    A plain read before the service runs: the service still re-checks the state under its
    own row lock (taken in its fixed lock order), so this only refuses acting on a document
    edited since it was shown, it does not serialise."""
    if expected_version is None:
        return
    actual = model.objects.filter(pk=doc_id).values_list("version", flat=True).first()
    if actual is not None and actual != expected_version:
        raise Conflict(
            _("The document was changed by someone else meanwhile. Reload it and try again."),
            code="version_conflict",
            expected=expected_version,
            actual=actual,
        )
