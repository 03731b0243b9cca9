"""The 无专票 ⇒ no input VAT check, in its own migration: on PostgreSQL, adding it in the same
transaction as 0005's row updates fails ("pending trigger events") on a database that already
holds expense claim lines."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounting", "0010_verbose_names_newuser")]

    operations = [
        migrations.AddConstraint(
            model_name="expenseclaimline",
            constraint=models.CheckConstraint(
                condition=models.Q(("invoice_type", "special"), ("tax_amount", 0), _connector="OR"),
                name="accounting_expense_no_vat_without_special_invoice",
            ),
        ),
    ]
