"""Existing books get the accounts added to the standard charts (charts.ADDED_ACCOUNTS):
22210104 进项税额转出 and the 财务费用 sub-accounts 利息费用 / 利息收入 / 手续费 that fill the
income statement's 其中 rows. Only where the chart is the matching standard (the parent exists
by code with the right name), the code is free, and the parent either already has children
or has no postings (a posted leaf keeps its balance; the 其中 rows then stay empty)."""

from django.db import migrations

# Frozen copy of charts.ADDED_ACCOUNTS at this migration: (code, name, category, direction).
ADDED = (
    ("22210104", "进项税额转出", "liability", "credit", "222101", "应交增值税"),
    ("660301", "利息费用", "pl", "debit", "6603", "财务费用"),
    ("660302", "利息收入", "pl", "debit", "6603", "财务费用"),
    ("660303", "手续费", "pl", "debit", "6603", "财务费用"),
    ("560301", "利息费用", "pl", "debit", "5603", "财务费用"),
    ("560302", "利息收入", "pl", "debit", "5603", "财务费用"),
    ("560303", "手续费", "pl", "debit", "5603", "财务费用"),
)


def add_accounts(apps, schema_editor):
    Account = apps.get_model("accounting", "Account")
    VoucherLine = apps.get_model("accounting", "VoucherLine")
    PeriodBalance = apps.get_model("accounting", "AccountPeriodBalance")
    for code, name, category, direction, parent_code, parent_name in ADDED:
        parent = Account.objects.filter(code=parent_code, name=parent_name).first()
        if parent is None or Account.objects.filter(code=code).exists():
            continue
        if parent.is_leaf and (
            VoucherLine.objects.filter(account=parent).exists()
            or PeriodBalance.objects.filter(account=parent).exists()
        ):
            continue
        Account.objects.create(
            code=code,
            name=name,
            parent=parent,
            level=parent.level + 1,
            category=category,
            direction=direction,
            is_leaf=True,
            active=True,
        )
        if parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])


class Migration(migrations.Migration):
    dependencies = [("accounting", "0006_voucher_review_closing")]

    operations = [migrations.RunPython(add_accounts, migrations.RunPython.noop)]
