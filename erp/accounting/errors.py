"""Accounting's user-facing errors: stable codes, messages that say what to do."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError


class PeriodMissing(BusinessRuleError):
    code = "period_missing"
    default_message = _(
        "No accounting period covers this date. Ask finance to open the periods of the year "
        "under Finance → Accounting periods."
    )


class PeriodClosed(BusinessRuleError):
    code = "period_closed"
    default_message = _(
        "The accounting period of this date is closed. Choose a date in an open period, or ask "
        "the finance manager to reopen the period."
    )


class VoucherInvalid(BusinessRuleError):
    """The gate refuses a voucher; details["lines"] maps line numbers to problems."""

    code = "voucher_invalid"
    default_message = _("The voucher cannot be posted. Correct the lines shown and try again.")
