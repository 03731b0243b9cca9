"""Issue #10.6: the permission that sees the book quantities of a blind count (盲盘), and the lot
and expiry written back onto the lines of receipts posted before (they now are at posting)."""

from django.db import migrations


def receipt_lines_lots(apps, schema_editor):
    """Every posted other-receipt line without a lot gets the lot its move went into."""
    Line = apps.get_model("inventory", "OtherReceiptLine")
    StockMove = apps.get_model("inventory", "StockMove")
    Lot = apps.get_model("inventory", "Lot")
    lines = {
        str(line.pk): line
        for line in Line.objects.filter(lot__isnull=True, document__state="posted")
    }
    if not lines:
        return
    moves = StockMove.objects.filter(
        source_type="inventory.otherreceipt",
        source_line_id__in=list(lines),
        lot__isnull=False,
        reverses__isnull=True,
    ).values_list("source_line_id", "lot_id")
    lot_of = dict(moves)
    lots = Lot.objects.in_bulk(set(lot_of.values()))
    changed = []
    for key, lot_id in lot_of.items():
        line, lot = lines[key], lots[lot_id]
        line.lot_id = lot.pk
        line.lot_number = lot.number
        line.expiry_date = lot.expiry_date
        line.production_date = line.production_date or lot.production_date
        changed.append(line)
    Line.objects.bulk_update(changed, ["lot", "lot_number", "expiry_date", "production_date"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_derived_balance_values_costing")]

    operations = [
        migrations.AlterModelOptions(
            name="stockcount",
            options={
                "ordering": ["-date", "-pk"],
                "permissions": [
                    ("freeze_stockcount", "Can freeze stock counts"),
                    ("count_stockcount", "Can enter counted quantities"),
                    ("post_stockcount", "Can post stock count adjustments"),
                    ("cancel_stockcount", "Can cancel stock counts"),
                    ("see_count_book_quantity", "Can see book quantities of blind counts"),
                ],
                "verbose_name": "stock count",
                "verbose_name_plural": "stock counts",
            },
        ),
        migrations.RunPython(receipt_lines_lots, migrations.RunPython.noop),
    ]
