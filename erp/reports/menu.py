from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MANAGEMENT = "reports.view_management"

MENU = [
    MenuItem(
        "reports", _("Management dashboard"), "reports:dashboard", MANAGEMENT, "speedometer2", 1
    ),
    MenuItem("reports", _("Sales analysis"), "reports:sales", MANAGEMENT, "graph-up", 2),
    MenuItem(
        "reports", _("Cost and profit analysis"), "reports:profit", MANAGEMENT, "cash-stack", 3
    ),
    MenuItem("reports", _("Stock analysis"), "reports:stock", MANAGEMENT, "boxes", 4),
    MenuItem("reports", _("Purchasing analysis"), "reports:purchasing", MANAGEMENT, "bag-check", 5),
    MenuItem(
        "reports",
        _("Production analysis"),
        "reports:production",
        MANAGEMENT,
        "gear-wide-connected",
        6,
    ),
    MenuItem(
        "reports",
        _("Report builder"),
        "reports:builder",
        "reports.view_savedreport",
        "ui-checks-grid",
        7,
    ),
    MenuItem(
        "reports",
        _("Daily operations report"),
        "reports:daily",
        "reports.view_dailyreport",
        "calendar-day",
        8,
    ),
]
