"""Database guards behind the posting gate (docs/accounting.md):

- a voucher whose state is 'posted' cannot be updated or deleted (the transition INTO posted is
  an update of a non-posted row, so it passes);
- lines of a posted voucher cannot be inserted, updated or deleted;
- a voucher cannot become 'posted' unless its lines balance (Σdebit = Σcredit) and exist.

SQLite stores decimals with REAL affinity, so its balance test allows half a fen of float
noise; amounts are whole fen, so any real imbalance is at least 0.01. As with the audit log,
the SQLite triggers step aside only where `PRAGMA recursive_triggers` is on (the test flush)."""

from django.db import migrations

_SQLITE_GUARD = "(SELECT recursive_triggers FROM pragma_recursive_triggers) = 0"
_SQLITE_POSTED = (
    "(SELECT state FROM accounting_voucher WHERE id = {row}.voucher_id) = 'posted'"
)

SQLITE_UP = [
    f"""
    CREATE TRIGGER accounting_voucher_posted_no_update BEFORE UPDATE ON accounting_voucher
    WHEN OLD.state = 'posted' AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'posted vouchers are frozen'); END;
    """,
    f"""
    CREATE TRIGGER accounting_voucher_posted_no_delete BEFORE DELETE ON accounting_voucher
    WHEN OLD.state = 'posted' AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'posted vouchers are frozen'); END;
    """,
    """
    CREATE TRIGGER accounting_voucher_post_balanced BEFORE UPDATE OF state ON accounting_voucher
    WHEN NEW.state = 'posted' AND OLD.state <> 'posted' AND (
        (SELECT COUNT(*) FROM accounting_voucherline WHERE voucher_id = NEW.id) < 2
        OR ABS((SELECT SUM(debit) - SUM(credit) FROM accounting_voucherline
                WHERE voucher_id = NEW.id)) >= 0.005)
    BEGIN SELECT RAISE(ABORT, 'voucher lines do not balance'); END;
    """,
    f"""
    CREATE TRIGGER accounting_line_posted_no_insert BEFORE INSERT ON accounting_voucherline
    WHEN {_SQLITE_POSTED.format(row="NEW")} AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'lines of posted vouchers are frozen'); END;
    """,
    f"""
    CREATE TRIGGER accounting_line_posted_no_update BEFORE UPDATE ON accounting_voucherline
    WHEN ({_SQLITE_POSTED.format(row="OLD")} OR {_SQLITE_POSTED.format(row="NEW")})
        AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'lines of posted vouchers are frozen'); END;
    """,
    f"""
    CREATE TRIGGER accounting_line_posted_no_delete BEFORE DELETE ON accounting_voucherline
    WHEN {_SQLITE_POSTED.format(row="OLD")} AND {_SQLITE_GUARD}
    BEGIN SELECT RAISE(ABORT, 'lines of posted vouchers are frozen'); END;
    """,
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "accounting_voucher_posted_no_update",
        "accounting_voucher_posted_no_delete",
        "accounting_voucher_post_balanced",
        "accounting_line_posted_no_insert",
        "accounting_line_posted_no_update",
        "accounting_line_posted_no_delete",
    )
]

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION accounting_voucher_guard() RETURNS trigger AS $$
    DECLARE n integer; imbalance numeric;
    BEGIN
        IF OLD.state = 'posted' THEN
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
    """,
    """
    CREATE TRIGGER accounting_voucher_guard BEFORE UPDATE OR DELETE ON accounting_voucher
    FOR EACH ROW EXECUTE FUNCTION accounting_voucher_guard();
    """,
    """
    CREATE OR REPLACE FUNCTION accounting_line_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM accounting_voucher
                WHERE id = OLD.voucher_id AND state = 'posted') THEN
            RAISE EXCEPTION 'lines of posted vouchers are frozen' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM accounting_voucher
                WHERE id = NEW.voucher_id AND state = 'posted') THEN
            RAISE EXCEPTION 'lines of posted vouchers are frozen' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER accounting_line_guard BEFORE INSERT OR UPDATE OR DELETE
    ON accounting_voucherline FOR EACH ROW EXECUTE FUNCTION accounting_line_guard();
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS accounting_line_guard ON accounting_voucherline;",
    "DROP TRIGGER IF EXISTS accounting_voucher_guard ON accounting_voucher;",
    "DROP FUNCTION IF EXISTS accounting_line_guard();",
    "DROP FUNCTION IF EXISTS accounting_voucher_guard();",
]

TRIGGERS = {
    "sqlite": (
        "accounting_voucher_posted_no_update",
        "accounting_voucher_posted_no_delete",
        "accounting_voucher_post_balanced",
        "accounting_line_posted_no_insert",
        "accounting_line_posted_no_update",
        "accounting_line_posted_no_delete",
    ),
    "postgresql": ("accounting_voucher_guard", "accounting_line_guard"),
}


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
