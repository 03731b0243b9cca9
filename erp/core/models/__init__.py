from .audit import AuditEvent
from .company import Company
from .document import Document, DocumentLine, TimeStamped
from .idempotency import IdempotencyRecord
from .numbering import NumberingCounter, NumberingRule

__all__ = [
    "AuditEvent",
    "Company",
    "Document",
    "DocumentLine",
    "IdempotencyRecord",
    "NumberingCounter",
    "NumberingRule",
    "TimeStamped",
]
