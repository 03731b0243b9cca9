"""Two quality managers pressing "hold all" on one recall at once (PostgreSQL row locks):
one holds, the other is told it is done already; each lot is held once, with one history
row."""

import pytest
from django.utils import timezone

from erp.core.errors import DomainError
from erp.inventory.models import Lot, LotStatusChange
from erp.trace.chain import Chain
from erp.trace.services import recalls as svc
from erp.trace.tests.conftest import masters
from tests.threads import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_holds_at_once_hold_once(make_user):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    m = masters()
    chain = Chain(
        make_user("builder", "admin"), timezone.localdate(), m["warehouse"], m["location"]
    )
    chain.receive(m["materials"]["RA"], m["supplier"], {"RA-0": ("100", "S-1")})
    chain.produce(m["materials"]["FIN"], "F-0", "10", {"RA-0": "4"})
    qm1, qm2 = make_user("zl1", "quality_manager"), make_user("zl2", "quality_manager")
    case = svc.recall_open(actor=qm1, lot_id=chain.lots["RA-0"].pk, reason="投诉")

    results = run_parallel(2, lambda i: svc.recall_hold(actor=(qm1, qm2)[i], doc_id=case.pk))

    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], DomainError), results
    assert set(Lot.objects.filter(number__in=["RA-0", "F-0"]).values_list("status", flat=True)) == {
        "blocked"
    }
    assert LotStatusChange.objects.filter(to_status="blocked").count() == 2
