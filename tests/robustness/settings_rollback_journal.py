"""Test settings with the rollback journal instead of WAL (IMMEDIATE kept): shows what the
contention test sees when `PRAGMA journal_mode=WAL` is dropped from the settings."""

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"]["OPTIONS"],
    "init_command": DATABASES["default"]["OPTIONS"]["init_command"].replace(
        "journal_mode=WAL", "journal_mode=DELETE"
    ),
}
