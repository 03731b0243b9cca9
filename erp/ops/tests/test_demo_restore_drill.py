"""Restore drill on the demo company: a backup of a freshly loaded demo restores into a scratch
database where every integrity check of `erp check` passes (stock = ledger, vouchers balanced,
stock = GL, AR/AP = control accounts, numbers unique, ...). Every module's demo data meets
every module's checks here, so a change that breaks one of them shows up as a failed drill."""

import pytest

from erp.core.demo import demo_load
from erp.ops.services.backups import backup_create


@pytest.mark.django_db(transaction=True)
def test_backup_verify_passes_on_the_demo_company(backup_dir):
    demo_load()

    record = backup_create(dest=backup_dir, verify=True)

    assert record.ok
    assert record.verify_ok, record.verify_message
    lines = record.verify_message.splitlines()
    checks = [ln.split()[1] for ln in lines[2:] if ln.strip()]
    assert {"stock", "vouchers_balanced", "stock_equals_gl", "document_numbers_unique"} <= set(
        checks
    ), record.verify_message
    assert all(ln.startswith("OK") for ln in lines if ln.strip() and not ln.startswith(" ")), (
        record.verify_message
    )
