"""REST of quality: the kit's endpoints (plans, inspection lots, NCRs) and the inspector's
results entry, which a phone or an instrument gateway posts."""

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from erp.core.api_crud import actor, found
from erp.core.doc_kit.api import kit_api_register_app
from erp.quality.kit import InspectionOut
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import inspection_results_record

router = Router(tags=["quality"])
kit_api_register_app(router, "quality")


class ResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    line_no: int = Field(ge=1, le=1000)
    # A measured number as text ("98.5"), or "pass" / "fail" for a pass/fail characteristic.
    value: str = Field(default="", max_length=40)
    comment: str = Field(default="", max_length=200)


class ResultsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    results: list[ResultIn]
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


@router.post(
    "/inspection-lots/{doc_id}/results",
    response=InspectionOut,
    operation_id="inspectionlot_results",
)
def inspection_results(request, doc_id: int, body: ResultsIn):
    inspection_results_record(
        actor=actor(request),
        doc_id=doc_id,
        results=[r.dict() for r in body.results],
        note=body.note,
        expected_version=body.version,
    )
    return found(InspectionLot.objects.prefetch_related("lines").filter(pk=doc_id).first())
