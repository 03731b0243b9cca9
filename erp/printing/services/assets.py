"""Upload the company's seal and logo images used by print templates."""

import io

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record
from erp.printing.models import PrintAsset

MAX_BYTES = 512 * 1024
MAX_PIXELS = 2000
TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def _image_check(data: bytes) -> tuple[str, int, int]:
    """(content type, width, height) read from the bytes themselves, not the file name."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("The image is larger than 512 KB: make it smaller and upload it again."),
            fields={"image": [_("At most 512 KB.")]},
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind, width, height = "", 0, 0
    if kind not in TYPES:
        raise ValidationFailed(
            _("Upload a PNG (a seal with a transparent background) or a JPEG image."),
            fields={"image": [_("PNG or JPEG only.")]},
        )
    if width > MAX_PIXELS or height > MAX_PIXELS:
        raise ValidationFailed(
            _("The image is larger than %(n)s × %(n)s pixels: scale it down and upload it again.")
            % {"n": MAX_PIXELS},
            fields={"image": [_("Too many pixels.")]},
        )
    return TYPES[kind], width, height


@transaction.atomic
def print_asset_upload(*, actor, kind: str, data: bytes) -> PrintAsset:
    require_perm(actor, "printing.change_printtemplate")
    if kind not in PrintAsset.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Seal or logo.")]})
    content_type, width, height = _image_check(data)
    asset, _created = PrintAsset.objects.update_or_create(
        kind=kind,
        defaults={
            "content_type": content_type,
            "data": data,
            "width": width,
            "height": height,
            "uploaded_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="update",
        obj=asset,
        changes={"width": width, "height": height},
    )
    return asset


@transaction.atomic
def print_asset_remove(*, actor, kind: str) -> None:
    require_perm(actor, "printing.change_printtemplate")
    asset = PrintAsset.objects.filter(kind=kind).first()
    if asset is not None:
        audit_record(actor=actor, action="delete", obj=asset)
        asset.delete()
