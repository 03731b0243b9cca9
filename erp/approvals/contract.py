"""How a document type plugs into the approval engine.

A consumer registers its subject once, in its AppConfig.ready():

    approval_subject_register(ApprovalSubject(
        doc_type="accounting.expenseclaim", model=ExpenseClaim, label=_("Expense claim"),
        rule_fields=lambda c: {"amount": c.total, "department": c.department.code},
        summary=lambda c: [(_("Claimant"), str(c.created_by)), (_("Amount"), cny(c.total))],
        lines=lambda c: ([_("Item"), _("Amount")],
                         [[line.text, cny(line.amount)] for line in c.lines.all()]),
        url=lambda c: reverse("accounting:expenseclaim_detail", args=[c.pk]),
    ))

then calls `approval_submit(actor=..., doc=claim)` from its submit service,
`approval_require_approved(claim)` from its confirm/post service, and
`approval_document_edited(actor=..., doc=claim)` from its edit service after bumping
`claim.version` (inside the same transaction, with the document row locked).
The registry is fixed configuration written at start-up, never changed by requests.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# Fields rules may test, with the kind that decides how a condition's value is compared.
RULE_FIELDS: dict[str, tuple[str, Any]] = {
    "amount": ("decimal", _("Amount")),
    "discount_pct": ("decimal", _("Discount %")),
    "department": ("code", _("Department")),
    "customer": ("code", _("Customer")),
    "supplier": ("code", _("Supplier")),
    "material_category": ("code", _("Material category")),
    "credit_limit_exceeded": ("bool", _("Credit limit exceeded")),
}

# Document types that will plug in (named here so rules can be prepared before the consumer
# exists; the demo does this for expense claims).
KNOWN_DOC_TYPES: dict[str, Any] = {
    "accounting.expenseclaim": _("Expense claim"),
    "purchasing.purchaseorder": _("Purchase order"),
    "purchasing.purchaserequisition": _("Purchase requisition"),
    "sales.salesorder": _("Sales order"),
    "production.formula": _("Formula release"),
    "quality.nonconformance": _("Quality concession"),
}


@dataclass(frozen=True)
class ApprovalSubject:
    doc_type: str
    model: type[models.Model]
    label: Any
    rule_fields: Callable[[Any], dict[str, Decimal | str | bool | None]]
    summary: Callable[[Any], list[tuple[Any, Any]]]
    url: Callable[[Any], str]
    lines: Callable[[Any], tuple[list[Any], list[list[Any]]]] = lambda doc: ([], [])
    requester: Callable[[Any], Any] = lambda doc: doc.created_by
    version_field: str = "version"
    # Called by the engine when a decision or a withdrawal finishes a request (same
    # transaction, document row locked), so the document can move its own state.
    on_decided: Callable[[Any, Any], None] | None = None
    extra_fields: dict[str, tuple[str, Any]] = field(default_factory=dict)


_SUBJECTS: dict[str, ApprovalSubject] = {}


def approval_subject_register(subject: ApprovalSubject) -> None:
    _SUBJECTS[subject.doc_type] = subject


def subject_for(doc_type: str) -> ApprovalSubject | None:
    return _SUBJECTS.get(doc_type)


def subject_of(doc: models.Model) -> ApprovalSubject:
    for subject in _SUBJECTS.values():
        if isinstance(doc, subject.model):
            return subject
    raise LookupError(f"{type(doc).__name__} is not registered as an approval subject")


def doc_type_choices() -> list[tuple[str, str]]:
    labels = {key: str(label) for key, label in KNOWN_DOC_TYPES.items()}
    labels.update({key: str(s.label) for key, s in _SUBJECTS.items()})
    return sorted(labels.items())


def doc_type_label(doc_type: str) -> str:
    return dict(doc_type_choices()).get(doc_type, doc_type)


def rule_field_kinds(doc_type: str = "") -> dict[str, tuple[str, Any]]:
    subject = subject_for(doc_type) if doc_type else None
    extra = subject.extra_fields if subject else {}
    if not doc_type:
        extra = {k: v for s in _SUBJECTS.values() for k, v in s.extra_fields.items()}
    return {**RULE_FIELDS, **extra}
