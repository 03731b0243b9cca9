"""Printing demo: a default template per document type that prints through the kit's
standard layout (seeded from the shipped layout, so the paper looks as before), a 3-part
送货单 on 241 mm continuous paper for the delivery note, and a drawn company seal."""

import io
from pathlib import Path

from erp.core.doc_kit.declaration import DocumentKit
from erp.printing import selectors
from erp.printing.models import Orientation, Paper, PrintAsset, PrintTemplate
from erp.printing.services.assets import print_asset_upload
from erp.printing.services.templates import default_body, print_template_create

BUILT_IN = "core/doc_kit/print.html"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def seeded_kits() -> list[DocumentKit]:
    """Types printing the kit's standard layout; those with a layout of their own (the
    stock count sheet, the expense claim, the COA) keep it until someone writes a template.
    The voucher, the receipt and the payment print pages of their own through the templates:
    the receipt and payment layout is the standard one, the voucher gets its 记账凭证 layout."""
    return [
        k
        for k in selectors.printable_kits()
        if k.print_template == BUILT_IN and k.print_context is None and k.print_extra is None
    ]


def load_demo(*, actor) -> None:
    if PrintTemplate.objects.exists():
        return
    for kit in seeded_kits():
        if kit.label == "accounting.voucher":
            continue  # its own layout, below
        print_template_create(actor=actor, doc_type=kit.label, name=f"{kit.verbose_name} A4")
    if selectors.printable_kit("accounting.voucher") is not None:
        print_template_create(
            actor=actor,
            doc_type="accounting.voucher",
            name="记账凭证 A5",
            body=default_body("voucher"),
            paper=Paper.A5,
            orientation=Orientation.LANDSCAPE,
            margins="10 12 10 12",
        )
    if selectors.printable_kit("sales.deliverynote") is not None:
        print_template_create(
            actor=actor,
            doc_type="sales.deliverynote",
            name="送货单 三联 241mm",
            body=default_body("triple"),
            paper=Paper.TRIPLE,
            margins="6 8 6 8",
            copies="存根联\n客户联\n回单联",
        )
    if not PrintAsset.objects.filter(kind=PrintAsset.Kind.SEAL).exists():
        print_asset_upload(actor=actor, kind=PrintAsset.Kind.SEAL, data=seal_png())


def seal_png(text: str = "业务专用章") -> bytes:
    """A round red seal with a transparent background (a demo stand-in for the scan of the
    real seal)."""
    from PIL import Image, ImageDraw, ImageFont

    size = 240
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (210, 20, 20, 215)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=9)
    cx, cy, r = size / 2, size / 2 - 8, 34
    star = [
        (cx + r * _cos(90 + i * 36) * (1 if i % 2 == 0 else 0.4),
         cy - r * _sin(90 + i * 36) * (1 if i % 2 == 0 else 0.4))
        for i in range(10)
    ]  # fmt: skip
    draw.polygon(star, fill=red)
    if FONT.exists():
        font = ImageFont.truetype(str(FONT), 30)
        width = draw.textlength(text, font=font)
        draw.text(((size - width) / 2, cy + 44), text, font=font, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _cos(deg: float) -> float:
    import math

    return math.cos(math.radians(deg))


def _sin(deg: float) -> float:
    import math

    return math.sin(math.radians(deg))
