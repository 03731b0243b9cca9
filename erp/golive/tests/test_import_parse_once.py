"""The confirm uses the dry run's parsed rows (issue #22 point 5: parse once): they are stored
beside the upload, come back with the same values (Decimal, dates, keys), and a missing or
foreign store makes the confirm read the file again with the same result."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from erp.golive.importing.engine import Parsed
from erp.golive.importing.parsed_store import parsed_dumps, parsed_loads
from erp.golive.importing.spec import Group
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply
from erp.masterdata.imports import MATERIALS
from erp.masterdata.models import Material

from .test_imports import material_row, run
from .workbooks import filled

pytestmark = pytest.mark.django_db


def test_stored_parse_round_trips_values():
    parsed = Parsed(
        rows_total=2,
        groups=[
            Group(
                key=("RM-1",),
                first_row=2,
                data={"code": "RM-1", "standard_cost": Decimal("23.50"), "active": True,
                      "shelf_life_days": 365, "valid_from": dt.date(2026, 3, 1), "note": None},
                lines=[{"factor": Decimal("25.0000"), "to_unit": "kg"}],
                line_rows=[2, 3],
            )
        ],
        errors=[],
    )  # fmt: skip
    back = parsed_loads(parsed_dumps(parsed, "abc"), "abc")
    assert back == parsed
    assert back.groups[0].data["standard_cost"] == Decimal("23.50")
    assert str(back.groups[0].data["standard_cost"]) == "23.50"  # places kept
    assert parsed_loads(parsed_dumps(parsed, "abc"), "another file") is None
    assert parsed_loads(b"not json", "abc") is None


@pytest.mark.parametrize("store", ["kept", "deleted"])
def test_confirm_writes_the_checked_rows_with_or_without_the_stored_parse(importer, basics, store):
    content = filled(MATERIALS, [material_row("RM-1", standard_cost=12.34), material_row("RM-2")])
    log = run(importer, MATERIALS, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    stored = f"{log.stored_name}.parsed.json"
    assert default_storage.exists(stored)
    if store == "deleted":
        default_storage.delete(stored)
    log = import_apply(actor=importer, log_id=log.pk)
    assert log.result == ImportLog.Result.APPLIED and log.created_count == 2
    assert Material.objects.get(code="RM-1").standard_cost == Decimal("12.34")
    assert Material.objects.get(code="RM-2").base_unit == basics["kg"]
