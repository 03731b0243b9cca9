"""docs/printing.md lists the fields of every printable document type (the issue's "done
when"): a new document type or column fails here until the page is updated."""

from pathlib import Path

from django.conf import settings

from erp.printing.context import fields_for
from erp.printing.selectors import printable_kits


def test_the_user_doc_lists_every_document_type_and_its_fields():
    text = (Path(settings.BASE_DIR) / "docs" / "printing.md").read_text(encoding="utf-8")
    for kit in printable_kits():
        assert f"`{kit.label}`" in text, kit.label
        for group in fields_for(kit).values():
            for key, _label, _kind in group:
                assert f"`{key}`" in text, (kit.label, key)
