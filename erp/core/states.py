"""Declared state machines for documents.

Each document type declares its states and a transition table; services call
`machine.transition_for(state, name)` which refuses an illegal transition with an error naming
the current state, and `permission` names the one permission the transition needs. A service
that moves many rows at once (the voucher gate's batch posting) uses
`machine.transition_queryset(queryset, name)`: one UPDATE filtered on the transition's source
states, refused when a row was not in one of them.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    permission: str
    label: str
    style: str = "primary"  # Bootstrap button colour
    confirm: str = ""  # question shown before the action, if any


# Labels of every declared state and transition, filled as the machines are declared (at import),
# for places that hold only a code: badges of documents whose `state` field has no choices,
# audit values and notes. The first machine declaring a code names it, so a place that knows
# the record's type asks its own machine first (`machine_of_register`): 'released' is 合格 for an
# inspection lot and 已下达 for a production order.
_STATE_LABELS: dict[str, object] = {}
_TRANSITION_LABELS: dict[str, object] = {}
_MACHINES: dict[str, "StateMachine"] = {}


def machine_of_register(object_type: str, machine: "StateMachine") -> None:
    """The machine of one document type ("production.productionorder"); the document kit
    registers every kit document's."""
    _MACHINES[object_type] = machine


def state_label(code: str, object_type: str = "") -> str:
    """The label of a state code, e.g. "posted" -> 已过账, in the machine of `object_type` when
    it is known; the code itself when unknown."""
    machine = _MACHINES.get(object_type)
    if machine is not None and code in machine.states.values:
        return str(machine.states(code).label)
    label = _STATE_LABELS.get(code)
    return str(label) if label is not None else code


def own_transition_label(name: str, object_type: str) -> str | None:
    """The label of `name` in the machine of `object_type` only; None when that machine (or
    the transition) is not known."""
    machine = _MACHINES.get(object_type)
    if machine is not None and name in machine.transitions:
        return str(machine.transitions[name].label)
    return None


def transition_label(name: str, object_type: str = "") -> str:
    """The label of a transition name, e.g. "post" -> 过账, in the machine of `object_type`
    when it is known; the name itself when unknown."""
    if (own := own_transition_label(name, object_type)) is not None:
        return own
    label = _TRANSITION_LABELS.get(name)
    return str(label) if label is not None else name


class StateMachine:
    def __init__(self, states: type[models.TextChoices], transitions: list[Transition]):
        self.states = states
        self.transitions = {t.name: t for t in transitions}
        for code, label in states.choices:
            _STATE_LABELS.setdefault(code, label)
        for t in transitions:
            _TRANSITION_LABELS.setdefault(t.name, t.label)
        valid = set(states.values)
        for t in transitions:
            bad = [s for s in (*t.sources, t.target) if s not in valid]
            if bad:
                raise ValueError(f"transition {t.name} uses unknown states {bad}")

    def transition_for(self, state: str, name: str) -> Transition:
        t = self.transitions.get(name)
        if t is None or state not in t.sources:
            raise InvalidTransition(
                _("This action is not possible while the document is %(state)s.")
                % {"state": self.label(state)},
                code="invalid_transition",
                state=state,
                action=name,
            )
        return t

    def transition_queryset(
        self, queryset, name: str, *, expected: int | None = None, **fields
    ) -> Transition:
        """Apply transition `name` to every row of `queryset` in one UPDATE (set-form, no query
        per row), also setting `fields`. Only rows in one of the transition's source states
        change; when fewer rows changed than `expected` (default: the queryset's count, one
        more query) InvalidTransition is raised, so the caller's transaction rolls back and no
        row changes state outside the declared table. Audit stays the caller's job."""
        t = self.transitions.get(name)
        if t is None:
            raise InvalidTransition(
                _("This action is not possible for these documents. Reload them and try again."),
                code="invalid_transition",
                action=name,
            )
        if expected is None:
            expected = queryset.count()
        changed = queryset.filter(state__in=t.sources).update(state=t.target, **fields)
        if changed != expected:
            raise InvalidTransition(
                _(
                    "%(refused)s of %(total)s documents are not in a state that allows this "
                    "action; nothing was changed. Reload them and try again."
                )
                % {"refused": expected - changed, "total": expected},
                code="invalid_transition",
                action=name,
                changed=changed,
                expected=expected,
            )
        return t

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def allowed_for(self, user, state: str) -> list[Transition]:
        return [t for t in self.available(state) if user.has_perm(t.permission)]

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state


# Colour of each well-known state, the same everywhere (docs/ui.md): draft grey, pending
# orange, approved/confirmed blue, done green, cancelled/closed dark.
STATE_COLOURS = {
    "draft": "secondary",
    "submitted": "warning",
    "pending": "warning",
    "approved": "primary",
    "confirmed": "primary",
    "reviewed": "primary",
    "posted": "success",
    "done": "success",
    "active": "success",
    "inactive": "dark",
    "cancelled": "danger",
    "closed": "dark",
    "counting": "warning",
    "paid": "success",
    "open": "primary",
    "withdrawn": "secondary",
    "returned": "warning",
    "rejected": "danger",
    # lot quality status: 待检 orange, 合格 green, 不合格 red, 冻结 dark
    "quarantine": "warning",
    "released": "success",
    "blocked": "dark",
}
