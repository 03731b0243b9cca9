"""Management report timings (issue #20) over a generated volume dataset:

    .venv/bin/python benchmarks/reports/report_timings.py [--lines 200000] [--moves 1000000]
        [--runs 3] [--smoke]

Creates a fresh SQLite database (a temporary ERP_DATA_DIR unless one is given), 2,000
customers, 2,000 materials in 20 categories, then two years of posted sales documents with
`--lines` lines (orders → deliveries → invoices, 10 lines per document, a line's cost on its
delivery line) and `--moves` stock moves over the same materials, written in bulk (the reports
only read these tables; the posting services are benchmarked elsewhere). Then times every
report block the pages run — the dashboard's figures, sales and profit by each dimension for a
month and for a year, stock by category, a drill-down, a builder query and the daily report —
`--runs` times each, printing the fastest and the slowest run and one RESULT line per block.

Budget (the issue): every pack report ≤ 2 s at p95, the dashboard ≤ 1 s (SQLite, 2 cores).
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("ERP_DATA_DIR", tempfile.mkdtemp(prefix="erp-bench-reports-"))
# The budget is SQLite's (the figure); a fresh file, never a configured server.
os.environ.pop("DATABASE_URL", None)

LINES_PER_DOC = 10
CHUNK = 5000


def _setup():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _masterdata(n_customers: int, n_materials: int):
    from erp.iam.models import User
    from erp.masterdata.models import (
        Customer,
        Location,
        Material,
        MaterialCategory,
        Unit,
        Warehouse,
    )

    user = User.objects.create_user("bench", password="pw-Bench-2026", is_superuser=True)
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cats = MaterialCategory.objects.bulk_create(
        [MaterialCategory(code=f"C{i:02}", name=f"分类{i:02}") for i in range(20)]
    )
    Material.objects.bulk_create(
        [
            Material(
                code=f"M{i:05}",
                name=f"物料{i:05}",
                category=cats[i % 20],
                inventory_type="finished",
                procurement="make",
                base_unit=kg,
                standard_cost=Decimal("10"),
            )
            for i in range(n_materials)
        ],
        batch_size=CHUNK,
    )
    Customer.objects.bulk_create(
        [
            Customer(code=f"K{i:05}", name=f"客户{i:05}", salesperson=user if i % 3 else None)
            for i in range(n_customers)
        ],
        batch_size=CHUNK,
    )
    wh = Warehouse.objects.create(code="W1", name="成品仓")
    loc = Location.objects.create(warehouse=wh, code="A", name="A")
    return (
        user,
        wh,
        loc,
        list(Material.objects.values_list("pk", flat=True)),
        list(Customer.objects.values_list("pk", flat=True)),
    )


def _sales(n_lines: int, user, wh, materials, customers, today):
    """Orders, deliveries and invoices, all posted, spread over the two years before today."""
    from erp.sales.models import (
        DeliveryNote,
        DeliveryNoteLine,
        SalesInvoice,
        SalesInvoiceLine,
        SalesOrder,
        SalesOrderLine,
    )

    rng = random.Random(20)
    n_docs = max(1, n_lines // LINES_PER_DOC)
    start = today - dt.timedelta(days=730)
    made = 0
    while made < n_docs:
        batch = range(made, min(n_docs, made + 1000))
        dates = [start + dt.timedelta(days=i * 730 // n_docs) for i in batch]
        custs = [customers[rng.randrange(len(customers))] for _ in batch]
        common = {"created_by": user, "state": "posted"}
        orders = SalesOrder.objects.bulk_create(
            [
                SalesOrder(
                    number=f"SO{i:08}", date=d, customer_id=c, **{**common, "state": "closed"}
                )
                for i, d, c in zip(batch, dates, custs, strict=True)
            ]
        )
        notes = DeliveryNote.objects.bulk_create(
            [
                DeliveryNote(
                    number=f"DN{i:08}", date=d, customer_id=c, order=o, warehouse=wh, **common
                )
                for i, d, c, o in zip(batch, dates, custs, orders, strict=True)
            ]
        )
        invoices = SalesInvoice.objects.bulk_create(
            [
                SalesInvoice(number=f"SI{i:08}", date=d, customer_id=c, delivery=n, **common)
                for i, d, c, n in zip(batch, dates, custs, notes, strict=True)
            ]
        )
        olines, dlines, ilines = [], [], []
        for o, n, inv in zip(orders, notes, invoices, strict=True):
            for k in range(LINES_PER_DOC):
                m = materials[rng.randrange(len(materials))]
                qty = Decimal(rng.randint(1, 50))
                net = qty * Decimal(rng.randint(20, 200))
                money = {
                    "net_amount": net,
                    "tax_amount": net * Decimal("0.13"),
                    "amount": net * Decimal("1.13"),
                }
                olines.append(
                    SalesOrderLine(
                        document=o,
                        line_no=k + 1,
                        material_id=m,
                        quantity=qty,
                        unit_price=net / qty,
                        vat_rate="13",
                        delivered_qty=qty,
                        invoiced_qty=qty,
                        **money,
                    )
                )
                dlines.append((n, m, qty, net * Decimal("0.7")))
                ilines.append((inv, m, qty, net, money))
        olines = SalesOrderLine.objects.bulk_create(olines, batch_size=CHUNK)
        dl = DeliveryNoteLine.objects.bulk_create(
            [
                DeliveryNoteLine(
                    document=n,
                    line_no=i % LINES_PER_DOC + 1,
                    order_line=ol,
                    material_id=m,
                    quantity=q,
                    cost_value=c.quantize(Decimal("0.01")),
                    invoiced_qty=q,
                )
                for i, ((n, m, q, c), ol) in enumerate(zip(dlines, olines, strict=True))
            ],
            batch_size=CHUNK,
        )
        SalesInvoiceLine.objects.bulk_create(
            [
                SalesInvoiceLine(
                    document=inv,
                    line_no=i % LINES_PER_DOC + 1,
                    delivery_line=d,
                    material_id=m,
                    quantity=q,
                    unit_price=net / q,
                    vat_rate="13",
                    **{k: v.quantize(Decimal("0.01")) for k, v in money.items()},
                )
                for i, ((inv, m, q, net, money), d) in enumerate(zip(ilines, dl, strict=True))
            ],
            batch_size=CHUNK,
        )
        made += len(batch)


def _moves(n_moves: int, user, loc, materials, today):
    """Receipts and issues of the materials over the two years (boundary moves, valued)."""
    from django.db import transaction
    from django.utils import timezone

    from erp.core.bulk_insert import rows_insert
    from erp.inventory.models import MaterialValuation, StockMove

    rng = random.Random(21)
    now = timezone.now()
    start = today - dt.timedelta(days=730)
    sequence = dict.fromkeys(materials, 0)
    on_hand = dict.fromkeys(materials, Decimal(0))
    rows = []
    for i in range(n_moves):
        m = materials[rng.randrange(len(materials))]
        sequence[m] += 1
        qty = Decimal(rng.randint(1, 20))
        incoming = on_hand[m] < qty or rng.random() < 0.5
        on_hand[m] += qty if incoming else -qty
        rows.append(
            {
                "material_id": m,
                "lot_id": None,
                "from_location_id": None if incoming else loc.pk,
                "to_location_id": loc.pk if incoming else None,
                "quantity": str(qty),
                "unit_cost": "10.000000",
                "value": str(qty * 10),
                "move_type": "receipt" if incoming else "issue",
                "reason": "",
                "posting_date": start + dt.timedelta(days=i * 730 // n_moves),
                "sequence": sequence[m],
                "source_type": "bench.move",
                "source_id": str(i),
                "source_line_id": "",
                "reverses_id": None,
                "actor_id": user.pk,
                "posted_at": now,
                "created_at": now,
            }
        )
        if len(rows) == CHUNK:
            with transaction.atomic():
                rows_insert(StockMove, rows)
            rows = []
    with transaction.atomic():
        rows_insert(StockMove, rows)
    MaterialValuation.objects.bulk_create(
        [
            MaterialValuation(material_id=m, quantity=q, value=q * 10, unit_cost=10)
            for m, q in on_hand.items()
            if q > 0
        ],
        batch_size=CHUNK,
    )


def _blocks(today, user):
    from erp.reports import selectors as sel
    from erp.reports.builder import spec_parse, spec_queryset, spec_totals
    from erp.reports.daily import daily_report_build
    from erp.reports.periods import month_end, month_start

    month = sel.Scope(month_start(today), month_end(today))
    year = sel.Scope(today - dt.timedelta(days=364), today)
    customer = sel.sales_rows(month, "customer", with_cost=False)[0].key
    spec = spec_parse(
        "sales_invoice_lines",
        {
            "group_by": ["category", "month"],
            "sums": ["net_amount", "quantity"],
            "period": "last_12_months",
        },
        user=user,
    )
    blocks = {
        "dashboard (all KPIs + trend + top customers)": lambda: (
            sel.dashboard_figures(month_start(today), today),
            sel.revenue_trend(month_start(today)),
            sel.sales_rows(month, "customer", with_cost=False)[:5],
        ),
        "stock by category + slow movers": lambda: sel.stock_by_category(slow_days=90, today=today),
        "drill: revenue of one customer, month": lambda: sel.revenue_documents(
            month.narrowed("customer", customer)
        ),
        "drill: cost of sales, month": lambda: sel.cost_documents(month),
        "builder: revenue by category × month, 12 months": lambda: (
            list(spec_queryset(spec)[:50]),
            spec_totals(spec),
        ),
        "daily report": lambda: daily_report_build(today - dt.timedelta(days=1)),
    }
    for dim in ("customer", "material", "category", "salesperson", "month"):
        blocks[f"profit by {dim}, month"] = lambda d=dim: sel.sales_rows(month, d)
        blocks[f"profit by {dim}, 12 months"] = lambda d=dim: sel.sales_rows(year, d)
    return blocks


def _pages(today) -> dict:
    """The report pages as a user opens them (rendering included), logged in as the superuser."""
    from django.test import Client

    from erp.iam.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    client.get("/reports/", HTTP_HOST="localhost")  # warm-up: URLconf, templates, translations
    year = f"date_from={today - dt.timedelta(days=364)}&date_to={today}"
    urls = [
        "/reports/",
        "/reports/sales/?dim=customer",
        f"/reports/sales/?dim=material&{year}",
        f"/reports/profit/?dim=customer&{year}",
        f"/reports/profit/?dim=month&{year}",
        "/reports/stock/",
        "/reports/purchasing/",
        "/reports/production/",
        "/reports/daily/",
        "/reports/builder/?dataset=sales_invoice_lines&group_by=category&group_by=month"
        "&sums=net_amount&period=last_12_months",
        f"/reports/drill/revenue/?{year}",
        f"/reports/sales/?dim=material&export=xlsx&{year}",
    ]

    def get(url):
        def run():
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        return run

    return {f"page {url}"[:52]: get(url) for url in urls}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--moves", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.lines, args.moves = 2_000, 5_000
    _setup()
    from django.utils import timezone

    today = timezone.localdate()
    t0 = time.perf_counter()
    user, wh, loc, materials, customers = _masterdata(
        200 if args.smoke else 2000, 200 if args.smoke else 2000
    )
    _sales(args.lines, user, wh, materials, customers, today)
    _moves(args.moves, user, loc, materials, today)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"dataset: {args.lines:,} sales lines, {args.moves:,} stock moves "
        f"built in {time.perf_counter() - t0:.0f} s"
    )
    print(f"{'block':52} {'fastest':>8} {'slowest':>8}")
    worst = 0.0
    for name, block in {**_blocks(today, user), **_pages(today)}.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            block()
            times.append(time.perf_counter() - start)
        worst = max(worst, max(times))
        print(f"{name:52} {min(times):8.3f} {max(times):8.3f}")
        print(
            "RESULT "
            + json.dumps(
                {
                    "block": name,
                    "fastest_s": round(min(times), 3),
                    "slowest_s": round(max(times), 3),
                    "lines": args.lines,
                    "moves": args.moves,
                }
            )
        )
    print(f"slowest block: {worst:.3f} s (budget 2 s; dashboard 1 s)")


if __name__ == "__main__":
    main()
