"""`erp check recall_holds_in_place`: every lot a recall case holds (its line says so) is
still on hold (冻结), and no closed case holds a lot — a hold lifted behind the case's back
would let recalled stock be issued."""

from erp.core.integrity import integrity_check
from erp.inventory.states import LotStatus
from erp.trace.models import RecallLot


@integrity_check("recall_holds_in_place")
def recall_holds_in_place() -> list[str]:
    problems = []
    rows = (
        RecallLot.objects.filter(held=True)
        .select_related("document", "lot")
        .order_by("document_id", "line_no")
    )
    for line in rows:
        case = line.document
        if case.state == "closed":
            problems.append(f"{case.number}: closed but still marks lot {line.lot.number} held")
        elif line.lot.status != LotStatus.BLOCKED:
            problems.append(
                f"{case.number}: lot {line.lot.number} should be on hold, is {line.lot.status}"
            )
    return problems
