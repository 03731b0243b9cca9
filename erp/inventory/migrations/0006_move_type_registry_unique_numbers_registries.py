"""Open move types, unique document numbers, and an append-only stock ledger.

- StockMove.move_type takes any registered move type (erp/inventory/move_types.py): choices
  are a callable, and the column holds 30 characters for a module's own types.
- Every stock document type's number is unique (drafts, with an empty number, are exempt).
- inventory_stockmove is append-only in the database itself, like the audit log and posted
  vouchers: UPDATE and DELETE are refused by triggers, so neither a queryset .update()/.delete()
  nor raw SQL can rewrite the ledger (corrections are reversals). As with the audit log
  (core 0003), the SQLite triggers step aside only on a connection that turned
  `PRAGMA recursive_triggers` on — only the test flush does (tests/test_append_only_guards.py
  proves no production code can); PostgreSQL's test flush uses TRUNCATE, which row triggers
  do not see. Created after the AlterField, which rebuilds the table on SQLite.
"""

import erp.inventory.move_types
from django.conf import settings
from django.db import migrations, models


_SQLITE_GUARD = "(SELECT recursive_triggers FROM pragma_recursive_triggers) = 0"
TRIGGERS = ("inventory_stockmove_no_update", "inventory_stockmove_no_delete")

SQLITE_UP = [
    f"""
    CREATE TRIGGER inventory_stockmove_no_update BEFORE UPDATE ON inventory_stockmove
    WHEN {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'stock moves are append-only: post a reversal'); END;
    """,
    f"""
    CREATE TRIGGER inventory_stockmove_no_delete BEFORE DELETE ON inventory_stockmove
    WHEN {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'stock moves are append-only: post a reversal'); END;
    """,
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGERS]

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION inventory_stockmove_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'stock moves are append-only: post a reversal'
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER inventory_stockmove_no_update BEFORE UPDATE ON inventory_stockmove
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmove_refuse();
    """,
    """
    CREATE TRIGGER inventory_stockmove_no_delete BEFORE DELETE ON inventory_stockmove
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmove_refuse();
    """,
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {name} ON inventory_stockmove;" for name in TRIGGERS),
    "DROP FUNCTION IF EXISTS inventory_stockmove_refuse();",
]


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_count_book_permission_receipt_lots_invdocs"),
        ("masterdata", "0002_partners_credit_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="stockmove",
            name="move_type",
            field=models.CharField(
                choices=erp.inventory.move_types.move_type_choices,
                max_length=30,
                verbose_name="move type",
            ),
        ),
        migrations.AddConstraint(
            model_name="otherissue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="inventory_otherissue_unique_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="otherreceipt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="inventory_otherreceipt_unique_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="scrap",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="inventory_scrap_unique_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="stockcount",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="inventory_stockcount_unique_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="inventory_transfer_unique_number",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
