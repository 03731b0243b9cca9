"""The red "backup overdue" banner: shown to administrators (who can change the backup
schedule) on every page while the last backup failed or is too old."""

from erp.core.access import has_perm
from erp.core.context_processors import once_per_request
from erp.ops.selectors import backup_alert


@once_per_request
def ops_banner(request):
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, "ops.change_schedulesettings"):
        return {}
    return {"ops_backup_alert": backup_alert()}
