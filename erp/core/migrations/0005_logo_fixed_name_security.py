"""Re-encode a logo uploaded before logos were re-encoded, under the fixed name company/logo.png.

Until then the upload was kept byte for byte under its own name (a PNG named logo.html was
served as a web page). A stored file that does not decode as an image is dropped."""

import io

from django.core.files.base import ContentFile
from django.db import migrations

LOGO_NAME = "company/logo.png"
MAX_SIDE = 1024


def _as_png(data: bytes) -> bytes | None:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG") or max(image.size) > 4096:
                return None
            image = ImageOps.exif_transpose(image)
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
    except Exception:  # any undecodable file is dropped
        return None
    return buffer.getvalue()


def reencode_logo(apps, schema_editor):
    Company = apps.get_model("core", "Company")
    for company in Company.objects.exclude(logo="").exclude(logo=LOGO_NAME):
        storage, old_name = company.logo.storage, company.logo.name
        try:
            with storage.open(old_name, "rb") as stored:
                png = _as_png(stored.read())
        except OSError:
            png = None
        company.logo = ""
        if png is not None:
            storage.delete(LOGO_NAME)
            company.logo.save("logo.png", ContentFile(png), save=False)
        company.save(update_fields=["logo"])
        storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_company_review_closing"),
    ]

    operations = [
        migrations.RunPython(reencode_logo, migrations.RunPython.noop),
    ]
