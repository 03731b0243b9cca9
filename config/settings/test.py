"""Test settings: same database engine and options as development, faster hashing."""

from .base import *  # noqa: F403
from .base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
AXES_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "tests.docapp"]  # noqa: F405  (core's test-only document)
INSTALLED_APPS += ["tests.approvaldoc"]  # approvals' test-only document
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file per test process instead of the shared-cache memory database, so threaded tests
    # meet the same SQLite locking as production (WAL, IMMEDIATE, busy timeout) rather than
    # "database table is locked" errors that only shared cache raises.
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"{_tempfile.gettempdir()}/erp-test-{os.getpid()}.sqlite3"  # noqa: F405
    }
