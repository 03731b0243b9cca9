"""Traceability in the sidebar (section 质量)."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem
from erp.trace import selectors

MENU = [
    MenuItem(
        section="quality",
        label=_("Lot trace"),
        url_name="trace:lot_search",
        permission="trace.view_lottrace",
        icon="diagram-3",
        order=20,
    ),
    MenuItem(
        section="quality",
        label=_("Recall cases"),
        url_name="trace:recallcase_list",
        permission="trace.view_recallcase",
        icon="megaphone",
        order=21,
    ),
]


FIGURES = [
    HomeFigure(
        section="quality",
        label=_("Recalls in progress"),
        permission="trace.view_recallcase",
        count=selectors.recalls_in_progress_count,
        url_name="trace:recallcase_list",
        url_query="kind=recall",
    ),
]
