"""Issue #10.6: 研发领用 (an other issue with reason "rnd") posts to 研发支出 through its own event
`stock_issue_rd`. Existing books get the default rule the chart seed now creates: debit 研发支出
(5301 enterprise / 4301 small, only where that code is a leaf named 研发支出), credit the
default stock-issue rule's credit account. Books without a default stock-issue rule (no chart
seeded yet) get nothing: chart_seed adds the rule."""

from django.db import migrations, models

RD_ACCOUNTS = ("5301", "4301")  # enterprise, small
RD_NAME = "研发支出"


def add_rd_rule(apps, schema_editor):
    Account = apps.get_model("accounting", "Account")
    PostingRule = apps.get_model("accounting", "PostingRule")
    issue = PostingRule.objects.filter(
        event="stock_issue", category_code="", warehouse_code=""
    ).first()
    if issue is None or PostingRule.objects.filter(event="stock_issue_rd").exists():
        return
    debit = Account.objects.filter(code__in=RD_ACCOUNTS, name=RD_NAME, is_leaf=True).first()
    if debit is None:
        return
    PostingRule.objects.create(
        event="stock_issue_rd",
        category_code="",
        warehouse_code="",
        debit_account=debit,
        credit_account_id=issue.credit_account_id,
    )


class Migration(migrations.Migration):
    dependencies = [("accounting", "0007_chart_accounts_closing")]

    operations = [
        migrations.AlterField(
            model_name="postingrule",
            name="event",
            field=models.CharField(
                choices=[
                    ("stock_receipt", "Stock receipt"),
                    ("stock_issue", "Stock issue"),
                    ("stock_issue_rd", "R&D issue"),
                    ("stock_transfer", "Transfer between valuation groups"),
                    ("scrap", "Scrap"),
                    ("count_gain", "Count surplus"),
                    ("count_loss", "Count shortage"),
                    ("opening_stock", "Opening stock"),
                ],
                max_length=30,
                verbose_name="event",
            ),
        ),
        migrations.RunPython(add_rd_rule, migrations.RunPython.noop),
    ]
