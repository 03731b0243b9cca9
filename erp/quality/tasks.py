"""Quality jobs (huey; `erp worker` runs them)."""

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from erp.core.jobs import job_run_record
from erp.quality.services.retain import retests_due_open


@db_periodic_task(crontab(hour="0", minute="40"), name="quality_retests_open")
def quality_retests_open_task() -> str:
    """Daily after midnight: lots whose retest date has come get their re-inspection."""
    return job_run_record("quality_retests_open", _opened)


def _opened() -> str:
    opened, skipped = retests_due_open()
    # Stored on the job's run in the site's language (the status page shows it).
    return _("%(opened)s re-inspections opened, %(skipped)s lots skipped") % {
        "opened": opened,
        "skipped": skipped,
    }
