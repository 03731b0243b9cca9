"""Field validators shared by forms and services."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the 31 characters a 统一社会信用代码 may use (no I, O, Z, S, V) and the
# weight of each of the first 17 positions (3^i mod 31).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG"}
# A 1 MB PNG of one colour can claim 30000 × 30000 pixels; refuse before decoding it.
LOGO_MAX_SOURCE_SIDE = 4096
# Stored logos are scaled down to this (pages show 200 px, prints about 300 px wide).
LOGO_MAX_SIDE = 1024


def uscc_check_character(first17: str) -> str:
    total = sum(
        USCC_CHARSET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Refuse a 统一社会信用代码 that is not 18 valid characters with the right check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _(
                "The unified social credit code must have exactly 18 characters (it has "
                "%(length)d). Copy it from the business licence."
            ),
            code="uscc_length",
            params={"length": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            _(
                "The unified social credit code contains characters that are not allowed "
                "(%(chars)s); I, O, S, V and Z are never used. Check the business licence."
            ),
            code="uscc_characters",
            params={"chars": " ".join(bad)},
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The unified social credit code is not valid: its last (check) character "
                "should be %(expected)s. Check for a mistyped character."
            ),
            code="uscc_check",
            params={"expected": expected},
        )


def validate_logo(upload) -> None:
    """Accept only a real PNG or JPEG image of at most 1 MB (checked by decoding, not by name)."""
    logo_as_png(upload)


def logo_as_png(upload) -> bytes:
    """The upload decoded and written anew as a PNG of at most LOGO_MAX_SIDE pixels a side.

    What is stored and served is always this re-encoded image, never the uploaded bytes: a
    file that is an image and something else at once (a PNG with HTML after it, metadata with
    a script) loses everything but the pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is larger than 1 MB. Save a smaller PNG or JPEG and upload it again."),
            code="logo_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        image_format = None
    if image_format not in LOGO_FORMATS:
        upload.seek(0)
        raise ValidationError(
            _("The logo must be a PNG or JPEG image. Convert the file and upload it again."),
            code="logo_format",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
            if max(width, height) > LOGO_MAX_SOURCE_SIDE:
                raise ValidationError(
                    _(
                        "The logo is %(width)d × %(height)d pixels; at most %(limit)d pixels a "
                        "side are accepted. Scale the image down and upload it again."
                    ),
                    code="logo_dimensions",
                    params={"width": width, "height": height, "limit": LOGO_MAX_SOURCE_SIDE},
                )
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if _has_transparency(image) else "RGB")
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo must be a PNG or JPEG image. Convert the file and upload it again."),
            code="logo_format",
        ) from None
    finally:
        upload.seek(0)
    return buffer.getvalue()


def _has_transparency(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
