"""Issue 13.7: the example rows of every import template import cleanly into a database
holding what the demo holds before go-live (master data, the standard chart, the year's
periods, the go-live date of the examples): download each template, copy its example rows
from the 说明 sheet to the data sheet, upload (no error), confirm (applied)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from erp.accounting.services.chart import chart_seed
from erp.accounting.services.periods import periods_create_year
from erp.core.models import Company
from erp.golive.importing.spec import all_specs
from erp.golive.importing.workbook import INSTRUCTIONS_SHEET, header_text
from erp.golive.models import ImportLog
from erp.golive.services.cutover import go_live_date_set
from erp.golive.services.imports import import_apply, import_dry_run
from erp.masterdata.demo import load_demo

pytestmark = pytest.mark.django_db
EXAMPLE_GO_LIVE = dt.date(2026, 3, 1)  # the go-live date the opening templates show


@pytest.fixture
def demo_like(make_user):
    admin = make_user("importer", "admin")
    Company.objects.create(pk=1, name="华东新材料科技有限公司", uscc="91320500MA1XK3TQ8U")
    load_demo(actor=admin)  # units, categories, materials, partners, warehouses, work centres
    chart_seed(actor=admin, standard="enterprise")
    periods_create_year(actor=admin, year=EXAMPLE_GO_LIVE.year)
    go_live_date_set(actor=admin, go_live=EXAMPLE_GO_LIVE)
    return admin


def example_file(client, spec) -> bytes:
    """The downloaded template with the 说明 sheet's example rows copied to the data sheet."""
    response = client.get(f"/golive/import/{spec.key}/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    header = [header_text(c) for c in spec.columns]
    start = next(i for i, row in enumerate(rows) if list(row[: len(header)]) == header)
    examples = [row for row in rows[start + 1 :] if any(v not in (None, "") for v in row)]
    assert examples, spec.key
    sheet = workbook[spec.sheet]
    for row in examples:
        sheet.append(list(row[: len(header)]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_every_template_example_imports_cleanly_into_the_demo(client, demo_like):
    client.force_login(demo_like)
    for spec in all_specs():
        content = example_file(client, spec)
        log = import_dry_run(
            actor=demo_like, spec_key=spec.key, file_name="example.xlsx", content=content
        )
        assert log.result == ImportLog.Result.DRY_RUN_OK, (spec.key, log.message, log.report)
        assert log.error_count == 0
        if log.created_count or log.updated_count:
            log = import_apply(actor=demo_like, log_id=log.pk)
            assert log.result == ImportLog.Result.APPLIED, (spec.key, log.report)
