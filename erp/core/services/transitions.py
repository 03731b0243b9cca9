"""Move a document through its declared state machine: the one place that changes `state`.

Domain services call it inside their own transaction and do their posting work after it
returns (the row stays locked until commit):

    @transaction.atomic
    def delivery_note_post(*, actor, note_id) -> DeliveryNote:
        note = access.get_for(actor, DeliveryNote, note_id)
        note = document_transition(actor=actor, doc=note, machine=DELIVERY_NOTE_STATES,
                                   name="post", number_doc_type="sales.deliverynote",
                                   on_date=note.date)
        stock_moves_post(...)      # same transaction: all or nothing
        return note
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import Conflict, InvalidTransition, NotFound
from erp.core.models import Document
from erp.core.services.audit import audit_record
from erp.core.services.numbering import number_next
from erp.core.states import StateMachine


def document_transition(
    *,
    actor,
    doc: Document,
    machine: StateMachine,
    name: str,
    number_doc_type: str | None = None,
    on_date: dt.date | None = None,
    expected_version: int | None = None,
) -> Document:
    """Apply transition `name` to `doc` and return the fresh, locked row.

    The state is re-read under a row lock, so of two concurrent or replayed calls exactly one
    succeeds; the other gets InvalidTransition (409). A legal number is assigned (inside this
    transaction, so gap-free) when `number_doc_type` is given and the document has none yet.
    `expected_version` refuses the transition if the document was edited since the caller
    read it (for example since it was approved)."""
    with transaction.atomic():
        locked = _lock(doc)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("The document was changed by someone else meanwhile. Reload it and try again."),
                code="version_conflict",
                expected=expected_version,
                actual=locked.version,
            )
        _refuse_replay(locked, machine, name)
        transition = machine.transition_for(locked.state, name)
        require_perm(actor, transition.permission)
        before = {"state": locked.state, "number": locked.number, "version": locked.version}
        if number_doc_type and not locked.number:
            locked.number = number_next(
                doc_type=number_doc_type, on_date=on_date or timezone.localdate()
            )
        locked.state = transition.target
        locked.version += 1
        locked.save(update_fields=["state", "number", "version", "updated_at"])
        after = {"state": locked.state, "number": locked.number, "version": locked.version}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        audit_record(actor=actor, action="transition", obj=locked, changes=changes, note=name)
    return locked


def _lock(doc: Document) -> Document:
    model = type(doc)
    try:
        return model.objects.select_for_update().get(pk=doc.pk)
    except model.DoesNotExist:
        raise NotFound() from None


def _refuse_replay(doc: Document, machine: StateMachine, name: str) -> None:
    # A double click or a retried request finds the document already in the target state: say
    # so plainly instead of "not possible while confirmed".
    transition = machine.transitions.get(name)
    if (
        transition is not None
        and doc.state == transition.target
        and doc.state not in (transition.sources)
    ):
        raise InvalidTransition(
            _(
                "This document is already %(state)s (number %(number)s); nothing was changed. "
                "Reload the page to see its current state."
            )
            % {"state": machine.label(doc.state), "number": doc.number or "-"},
            code="already_done",
            state=doc.state,
            action=name,
        )
