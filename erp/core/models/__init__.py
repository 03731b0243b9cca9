from .audit import AuditEvent
from .company import Company
from .document import Document, DocumentLine, TimeStamped
from .idempotency import IdempotencyRecord
from .jobs import JobRun
from .numbering import NumberingCounter, NumberingRule

__all__ = [
    "AuditEvent",
    "Company",
    "Document",
    "DocumentLine",
    "IdempotencyRecord",
    "JobRun",
    "NumberingCounter",
    "NumberingRule",
    "TimeStamped",
]
