"""Complements erp/core/tests/test_translations.py (which checks every existing catalogue is
complete and compiled): every app that has user-visible strings HAS a zh_Hans catalogue, so a
new app cannot slip through with none."""

from pathlib import Path

import pytest
from django.conf import settings

APPS = sorted(p for p in Path(settings.BASE_DIR, "erp").iterdir() if (p / "apps.py").exists())


def _has_strings(app: Path) -> bool:
    if (app / "templates").exists():
        return True
    return any("gettext" in f.read_text(encoding="utf-8") for f in app.rglob("*.py"))


@pytest.mark.parametrize("app", [a for a in APPS if _has_strings(a)], ids=lambda p: p.name)
def test_app_with_visible_strings_has_a_chinese_catalogue(app):
    po = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{app.name}: run makemessages -l zh_Hans and translate"
    assert po.with_suffix(".mo").exists(), f"{app.name}: run compilemessages"
