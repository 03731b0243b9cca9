"""Errors raised by imports (stable codes, messages that say what to do)."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, NotFound, ValidationFailed


class ImportFileRejected(ValidationFailed):
    """The file cannot be read safely or is not a filled-in template; nothing was written."""

    code = "import_file_rejected"
    default_message = _("The file cannot be imported. Download the template and fill it in.")


class ImportSpecUnknown(NotFound):
    code = "import_type_unknown"
    default_message = _("This import type does not exist. Choose one from the import page.")


class ImportAlreadyDone(Conflict):
    code = "import_already_done"
    default_message = _(
        "This upload was already imported or its check failed. Upload the file again."
    )
