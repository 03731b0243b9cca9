from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_approvals_string_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    assert not [e.msgid for e in catalogue if not e.translated() or e.fuzzy]
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
