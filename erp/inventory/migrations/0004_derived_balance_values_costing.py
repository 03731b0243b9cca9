"""One costing unit (issue #10.1): a balance's value is derived from the material's moving
average. Existing balances are revalued to round(on hand × average) — the valuation (and so
the GL) does not change, only how its value is spread over bins and lots — and then CHECKs
make a negative value, or a value without quantity, impossible."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

CENT = Decimal("0.01")


def derive_balance_values(apps, schema_editor):
    StockBalance = apps.get_model("inventory", "StockBalance")
    MaterialValuation = apps.get_model("inventory", "MaterialValuation")
    averages = dict(MaterialValuation.objects.values_list("material_id", "unit_cost"))
    changed = []
    for b in StockBalance.objects.only("pk", "material_id", "on_hand", "value").iterator():
        avg = averages.get(b.material_id, Decimal(0))
        value = (b.on_hand * avg).quantize(CENT, rounding=ROUND_HALF_UP)
        if value != b.value:
            b.value = value
            changed.append(b)
    StockBalance.objects.bulk_update(changed, ["value"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_balance_in_stock_index"),
    ]

    operations = [
        migrations.RunPython(derive_balance_values, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="stockbalance",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0))
                & models.Q(("on_hand__gt", 0), ("value", 0), _connector="OR"),
                name="balance_value_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="materialvaluation",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0))
                & models.Q(("quantity__gt", 0), ("value", 0), _connector="OR"),
                name="valuation_value_valid",
            ),
        ),
    ]
