"""The import concurrency scenarios of test_import_concurrency.py on PostgreSQL, where the
import type's ImportLock row (SELECT … FOR UPDATE) and the records' row locks serialise the
two applies, not a database-wide write lock."""

import pytest

from .test_import_concurrency import (
    failing_import_writes_nothing_while_others_work,
    two_parallel_imports_are_serialised,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_parallel_imports_of_one_type_are_serialised_pg(make_user):
    two_parallel_imports_are_serialised(make_user)


def test_bad_row_700_of_1000_while_others_work_writes_nothing_pg(make_user):
    failing_import_writes_nothing_while_others_work(make_user)
