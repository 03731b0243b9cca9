from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem, SearchEntry

# Everyone reaches their inbox through the top bar badge (approvals/_badge.html); approvers
# also find it in the sidebar, beside the administrator's pages.
MENU = [
    MenuItem(
        section="settings",
        label=_("Waiting for my approval"),
        url_name="approvals:inbox",
        permission="approvals.decide_approvalrequest",
        icon="inbox",
        order=39,
    ),
    MenuItem(
        section="settings",
        label=_("Approval rules"),
        url_name="approvals:rule_list",
        permission="approvals.change_approvalrule",
        icon="diagram-3",
        order=40,
    ),
    MenuItem(
        section="settings",
        label=_("All approval requests"),
        url_name="approvals:request_list",
        permission="approvals.view_approvalrequest",
        icon="check2-square",
        order=41,
    ),
]
FIGURES: list[HomeFigure] = []
SEARCH: list[SearchEntry] = []
