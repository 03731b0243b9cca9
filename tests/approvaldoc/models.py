from decimal import Decimal

from django.conf import settings
from django.db import models

from erp.core.models import Document


class ClaimDoc(Document):
    # Unmigrated apps are created before migrated ones (run_syncdb): no database-level FK.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    title = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    discount_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    department_code = models.CharField(max_length=30, blank=True)
    customer_code = models.CharField(max_length=30, blank=True)
    credit_limit_exceeded = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.number or f"Claim {self.title or self.pk}"
