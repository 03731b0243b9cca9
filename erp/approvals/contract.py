"""How a document type plugs into the approval engine.

A consumer registers its subject once, in its AppConfig.ready():

    approval_subject_register(ApprovalSubject(
        doc_type="sales.salesorder", model=SalesOrder, label=_("Sales order"),
        rule_fields=lambda o: {"amount": o.total, "department": o.department.code,
                               "customer": o.customer.code},
        extra_fields={"customer": ("code", _("Customer"))},  # beyond amount and department
        summary=lambda o: [(_("Customer"), str(o.customer)), (_("Amount"), cny(o.total))],
        lines=lambda o: ([_("Item"), _("Amount")],
                         [[line.material.name, cny(line.amount)] for line in o.lines.all()]),
        url=lambda o: reverse("sales:order_detail", args=[o.pk]),
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

# Fields every document's rules may test, with the kind that decides how a condition's value
# is compared. Fields of one kind of document (customer, supplier, discount, credit limit, ...)
# are declared by its subject in `extra_fields`, so approvals names no other app.
RULE_FIELDS: dict[str, tuple[str, Any]] = {
    "amount": ("decimal", _("Amount")),
    "department": ("code", _("Department")),
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
    # Rule fields of this document beyond RULE_FIELDS: key → (kind, label), kind one of
    # "decimal", "code", "bool"; `rule_fields` gives their values.
    extra_fields: dict[str, tuple[str, Any]] = field(default_factory=dict)


_SUBJECTS: dict[str, ApprovalSubject] = {}


def approval_subject_register(subject: ApprovalSubject) -> None:
    """Plug a document type into the engine (call from AppConfig.ready()): from then on rules
    can be written for it and its documents submitted. Only registered types are offered."""
    _SUBJECTS[subject.doc_type] = subject


def approval_subject_unregister(doc_type: str) -> None:
    """Tests only: forget a subject a test registered."""
    _SUBJECTS.pop(doc_type, None)


def subject_for(doc_type: str) -> ApprovalSubject | None:
    return _SUBJECTS.get(doc_type)


def subject_of(doc: models.Model) -> ApprovalSubject:
    for subject in _SUBJECTS.values():
        if isinstance(doc, subject.model):
            return subject
    raise LookupError(f"{type(doc).__name__} is not registered as an approval subject")


def doc_type_choices() -> list[tuple[str, str]]:
    """The registered document types, as (doc_type, label)."""
    return sorted((key, str(s.label)) for key, s in _SUBJECTS.items())


def doc_type_label(doc_type: str) -> str:
    return dict(doc_type_choices()).get(doc_type, doc_type)


def rule_field_kinds(doc_type: str = "") -> dict[str, tuple[str, Any]]:
    subject = subject_for(doc_type) if doc_type else None
    extra = subject.extra_fields if subject else {}
    if not doc_type:
        extra = {k: v for s in _SUBJECTS.values() for k, v in s.extra_fields.items()}
    return {**RULE_FIELDS, **extra}
