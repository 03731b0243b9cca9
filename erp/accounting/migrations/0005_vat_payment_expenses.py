"""Expense claims: non-deductible categories, invoice type per line, the account a claim was
paid from. Data: 业务招待费 (ENTERTAIN) becomes non-deductible; lines that carry VAT are 专票;
unposted lines of non-deductible categories lose their VAT (it stays in the expense)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q, Sum

NON_DEDUCTIBLE_CODES = ("ENTERTAIN",)
UNPOSTED = ("draft", "submitted", "approved")


def forwards(apps, schema_editor):
    Category = apps.get_model("accounting", "ExpenseCategory")
    Line = apps.get_model("accounting", "ExpenseClaimLine")
    Claim = apps.get_model("accounting", "ExpenseClaim")
    Category.objects.filter(Q(code__in=NON_DEDUCTIBLE_CODES) | Q(name__contains="招待")).update(
        input_vat_deductible=False
    )
    Line.objects.filter(Q(tax_amount__gt=0) | Q(tax_rate__gt=0)).update(invoice_type="special")
    stale = Line.objects.filter(
        category__input_vat_deductible=False, tax_amount__gt=0, claim__state__in=UNPOSTED
    )
    claim_ids = set(stale.values_list("claim_id", flat=True))
    stale.update(tax_amount=0)
    for claim in Claim.objects.filter(pk__in=claim_ids):
        tax = Line.objects.filter(claim=claim).aggregate(t=Sum("tax_amount"))["t"] or 0
        Claim.objects.filter(pk=claim.pk).update(tax_total=tax)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0004_arap")]

    operations = [
        migrations.AddField(
            model_name="expensecategory",
            name="input_vat_deductible",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Off for 业务招待费, 职工福利 and other purchases whose VAT may not be "
                    "deducted: their VAT stays in the expense."
                ),
                verbose_name="input VAT deductible",
            ),
        ),
        migrations.AddField(
            model_name="expenseclaim",
            name="payment_account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounting.account",
                verbose_name="paid from",
            ),
        ),
        migrations.AddField(
            model_name="expenseclaimline",
            name="invoice_type",
            field=models.CharField(
                choices=[
                    ("special", "VAT special invoice (专票)"),
                    ("none", "No special invoice (无专票)"),
                ],
                default="none",
                max_length=10,
                verbose_name="invoice type",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
