"""Test settings WITHOUT `transaction_mode="IMMEDIATE"`: the guard the SQLite contention test
proves necessary. Only the contention test's worker processes load this module."""

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["OPTIONS"] = {
    key: value
    for key, value in DATABASES["default"]["OPTIONS"].items()
    if key != "transaction_mode"
}
