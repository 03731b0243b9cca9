"""Voucher review controls (docs/accounting.md, Vouchers):

- `last_edited_by`: the last user who edited a draft; the reviewer must differ from it and
  from the creator.
- A posted voucher stays frozen except for ONE change: 审核 of a system voucher posted
  directly by its source document (reviewed_by from empty to a user, updated_at with it).
  Every other column must stay as it was, so the guard of 0002 is replaced by one that allows
  exactly that (PostgreSQL compares the whole row as jsonb without those two columns)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_SQLITE_GUARD = "(SELECT recursive_triggers FROM pragma_recursive_triggers) = 0"
# Every column of accounting_voucher except reviewed_by_id and updated_at (the review-only
# update); a later column not listed here is frozen on PostgreSQL and left to the app on SQLite.
_FROZEN = (
    "id created_at number state version created_by_id note word seq date period_id "
    "attachments total last_edited_by_id posted_by_id posted_at reversal_of_id source_type "
    "source_id source_number"
).split()
_REVIEW_ONLY = " AND ".join(
    ["OLD.reviewed_by_id IS NULL", "NEW.reviewed_by_id IS NOT NULL"]
    + [f"NEW.{c} IS OLD.{c}" for c in _FROZEN]
)

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS accounting_voucher_posted_no_update;",
    f"""
    CREATE TRIGGER accounting_voucher_posted_no_update BEFORE UPDATE ON accounting_voucher
    WHEN OLD.state = 'posted' AND {_SQLITE_GUARD} AND NOT ({_REVIEW_ONLY})
    BEGIN SELECT RAISE(ABORT, 'posted vouchers are frozen'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS accounting_voucher_posted_no_update;",
    f"""
    CREATE TRIGGER accounting_voucher_posted_no_update BEFORE UPDATE ON accounting_voucher
    WHEN OLD.state = 'posted' AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'posted vouchers are frozen'); END;
    """,
]

_PG_FUNCTION = """
    CREATE OR REPLACE FUNCTION accounting_voucher_guard() RETURNS trigger AS $$
    DECLARE n integer; imbalance numeric;
    BEGIN
        IF OLD.state = 'posted' THEN
            IF TG_OP = 'UPDATE' {review_only} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'posted vouchers are frozen' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.state = 'posted' THEN
            SELECT COUNT(*), COALESCE(SUM(debit) - SUM(credit), 0) INTO n, imbalance
              FROM accounting_voucherline WHERE voucher_id = NEW.id;
            IF n < 2 OR imbalance <> 0 THEN
                RAISE EXCEPTION 'voucher lines do not balance' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
"""
POSTGRES_UP = [
    _PG_FUNCTION.format(
        review_only="AND OLD.reviewed_by_id IS NULL AND NEW.reviewed_by_id IS NOT NULL "
        "AND (to_jsonb(NEW) - 'reviewed_by_id' - 'updated_at') "
        "= (to_jsonb(OLD) - 'reviewed_by_id' - 'updated_at')"
    )
]
POSTGRES_DOWN = [_PG_FUNCTION.format(review_only="AND FALSE")]


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0005_vat_payment_expenses"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="voucher",
            name="last_edited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last edited by",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
