"""Sales jobs (huey; `erp worker` runs them)."""

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from erp.core.jobs import job_run_record
from erp.sales.services.quotations import sales_quotations_expire


@db_periodic_task(crontab(hour="0", minute="20"), name="sales_quotations_expire")
def sales_quotations_expire_task() -> str:
    """Daily after midnight: sent quotations past their validity date become expired."""
    return job_run_record("sales_quotations_expire", _expired)


def _expired() -> str:
    # Stored on the job's run in the site's language (the status page and daily report show it).
    return _("%(count)s quotations expired") % {"count": sales_quotations_expire()}
