"""The demo company, loaded once for the whole tests/cross package.

Every test here reads the same demo database: loading it takes tens of seconds, so it is
committed once (package scope) and each test still runs inside its own rolled-back transaction
(`db`). Afterwards the tables are flushed so tests elsewhere in the same run start empty.
"""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    from erp.core.demo import demo_load

    with django_db_blocker.unblock():
        logins = demo_load()
        _extra_rows()
    yield {login.role_code: login.username for login in logins}
    with django_db_blocker.unblock():
        _flush()


def _extra_rows() -> None:
    """Rows the demo does not have but pages need to be reachable: an API token for the
    administrator and two empty drafts of every document type declared with the document kit
    (erp/<app>/kit.py, through its own create service), so a new module's pages are reached
    without editing this file."""
    from erp.core.doc_kit.declaration import kit_documents
    from erp.iam.models import User
    from erp.iam.services.tokens import api_token_create

    admin = User.objects.get(username="admin")
    api_token_create(actor=admin, name="联调测试")
    for kit in kit_documents():
        if kit.sample_header is None:
            continue
        for _copy in range(2):  # two of each, so their lists have rows to compare
            kit.create(actor=admin, header=kit.sample_header(), lines=[])


def _flush() -> None:
    # core_auditevent is append-only; its SQLite trigger steps aside only while
    # recursive_triggers is on (see the project conftest). PostgreSQL flushes with TRUNCATE.
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")
    call_command("flush", interactive=False, verbosity=0)
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = OFF")


@pytest.fixture
def demo_user(demo, db):
    """demo_user("warehouse") -> the demo user holding that role."""
    from erp.iam.models import User

    def _get(role_code: str):
        return User.objects.get(username=demo[role_code])

    return _get
