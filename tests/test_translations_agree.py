"""Every app's Chinese shows as that app translated it.

Django merges the apps' catalogues into one, and for a msgid two apps translate differently
the app listed first in INSTALLED_APPS wins, silently: a lot's status "Rejected" showed as
已驳回 (an approval's word) instead of 不合格, a closed sales order as 已结账 (a period's word).
A word whose meaning differs per app takes a pgettext context; the same meaning takes the
same words. This test fails on any entry whose translation is not the one shown.
"""

from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext, pgettext


def _catalogues():
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if config.name.startswith("erp.") and path.exists():
            yield config.label, path


@pytest.mark.parametrize(("label", "path"), list(_catalogues()), ids=lambda v: str(v))
def test_each_app_shows_its_own_translation(label, path):
    losers = []
    with translation.override("zh-hans"):
        for entry in polib.pofile(str(path)):
            if not entry.msgstr or entry.obsolete or entry.fuzzy or entry.msgid_plural:
                continue
            if entry.msgctxt:
                shown = pgettext(entry.msgctxt, entry.msgid)
            else:
                shown = gettext(entry.msgid)
            if shown != entry.msgstr:
                losers.append(f"{entry.msgctxt or ''}|{entry.msgid!r}: {entry.msgstr} → {shown}")
    assert not losers, (
        f"{label}: these words show another app's translation; give the word a pgettext "
        "context where the meaning differs, or the same words where it does not:\n"
        + "\n".join(losers)
    )


def test_words_users_read_on_states():
    from erp.accounting.states import PeriodState
    from erp.inventory.states import LotStatus
    from erp.sales.models import SalesOrderState

    with translation.override("zh-hans"):
        assert str(LotStatus.REJECTED.label) == "不合格"
        assert str(SalesOrderState.CLOSED.label) == "已关闭"
        assert str(SalesOrderState.APPROVED.label) == "已审批"
        assert str(PeriodState.CLOSED.label) == "已结账"
