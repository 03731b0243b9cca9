from .backups import BackupRecord
from .schedule import ScheduleSettings

__all__ = ["BackupRecord", "ScheduleSettings"]
