"""What a consumer's own services look like: edit bumps the version and supersedes approvals;
post requires approval. Test-only."""

from decimal import Decimal

from django.db import transaction

from erp.approvals.services.requests import approval_document_edited, approval_require_approved
from erp.core.errors import Conflict

from .models import ClaimDoc


def claim_edit(*, actor, claim_id: int, amount: Decimal, expected_version: int) -> ClaimDoc:
    with transaction.atomic():
        claim = ClaimDoc.objects.select_for_update().get(pk=claim_id)
        if claim.version != expected_version:
            raise Conflict(code="version_conflict")
        claim.amount = amount
        claim.version += 1
        claim.save(update_fields=["amount", "version", "updated_at"])
        approval_document_edited(actor=actor, doc=claim)
    return claim


def claim_post(*, actor, claim_id: int) -> ClaimDoc:
    with transaction.atomic():
        claim = ClaimDoc.objects.select_for_update().get(pk=claim_id)
        approval_require_approved(claim)
        claim.state = "posted"
        claim.save(update_fields=["state", "updated_at"])
    return claim
