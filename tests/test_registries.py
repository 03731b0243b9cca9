"""A new module plugs in from its AppConfig.ready() alone (docs/adding-a-module.md): the
registrations of a dummy "widgets" module show up in every place that used to name apps —
its numbering rule is seeded, its approval subject is offered, its posting event is selectable
on a posting rule and booked by the stock builder, its move type passes the stock gate — and
its pages are mounted by url_prefix. Nothing outside the module is edited.

Figures (builder): 4 kg made at 2.50 = 10.00; the output event's rule is Dr 1405 / Cr 5001
and the category's stock is held on 1405 (its stock_receipt rule), so the voucher is
Dr 1405 10.00 / Cr 5001 10.00.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from erp.accounting.builders.stock import StockMoveValue, stock_moves_draft
from erp.accounting.models import PostingRule
from erp.approvals.contract import (
    ApprovalSubject,
    approval_subject_register,
    approval_subject_unregister,
    doc_type_choices,
    rule_field_kinds,
)
from erp.core.models import NumberingRule
from erp.core.posting_events import (
    posting_event_register,
    posting_event_unregister,
)
from erp.core.services.numbering import (
    numbering_rule_register,
    numbering_rule_unregister,
    numbering_rules_ensure_defaults,
)
from erp.inventory.move_types import IN, move_type_register, move_type_unregister
from erp.inventory.states import LotStatus

DOC_TYPE = "widgets.widgetorder"
EVENT = "widget_output"
MOVE_TYPE = "widget_output"


def _widgets_ready() -> None:
    """What a module's AppConfig.ready() does (here without the module existing)."""
    from tests.approvaldoc.models import ClaimDoc

    numbering_rule_register(DOC_TYPE, "WO", "小部件单")
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=ClaimDoc,  # any Document model serves the test
            label="Widget order",
            rule_fields=lambda d: {"amount": d.amount, "colour": "RED"},
            summary=lambda d: [],
            url=lambda d: "/",
            extra_fields={"colour": ("code", "Colour")},
        )
    )
    posting_event_register(EVENT, "Widget output")
    move_type_register(
        MOVE_TYPE,
        "Widget output",
        direction=IN,
        allowed_lot_statuses={LotStatus.RELEASED},
        inflow_event=EVENT,
    )


@pytest.fixture
def widgets():
    _widgets_ready()
    yield
    numbering_rule_unregister(DOC_TYPE)
    approval_subject_unregister(DOC_TYPE)
    posting_event_unregister(EVENT)
    move_type_unregister(MOVE_TYPE)


def test_numbering_rule_is_seeded(widgets, db):
    numbering_rules_ensure_defaults()
    rule = NumberingRule.objects.get(doc_type=DOC_TYPE)
    assert (rule.prefix, rule.name) == ("WO", "小部件单")


def test_a_conflicting_registration_is_refused(widgets):
    numbering_rule_register(DOC_TYPE, "WO", "小部件单")  # the same again: a no-op
    with pytest.raises(ImproperlyConfigured):
        numbering_rule_register(DOC_TYPE, "XX", "别的")
    with pytest.raises(ImproperlyConfigured):
        move_type_register(MOVE_TYPE, "Widget output", direction="out")


def test_approval_subject_is_listed_with_its_rule_fields(widgets, make_user, roles):
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save

    assert (DOC_TYPE, "Widget order") in doc_type_choices()
    assert rule_field_kinds(DOC_TYPE)["colour"][0] == "code"
    admin = make_user("admin", "admin")
    rule = approval_rule_save(
        actor=admin,
        doc_type=DOC_TYPE,
        name="red widgets",
        priority=1,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("colour", "eq", "RED")],
        steps=[StepSpec("role", "finance_manager")],
    )
    assert rule.doc_type == DOC_TYPE


def test_an_unregistered_approval_subject_is_refused(make_user, roles):
    """Core no longer names future apps: a rule for a module that is not installed is
    refused instead of waiting for it."""
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
    from erp.core.errors import ValidationFailed

    assert "crm.lead" not in dict(doc_type_choices())
    with pytest.raises(ValidationFailed):
        approval_rule_save(
            actor=make_user("admin", "admin"),
            doc_type="crm.lead",
            name="x",
            priority=1,
            valid_from=None,
            valid_to=None,
            is_active=True,
            conditions=[ConditionSpec("amount", "gt", "1")],
            steps=[StepSpec("role", "finance_manager")],
        )


def test_posting_event_is_selectable_and_validated(widgets, db):
    field = PostingRule._meta.get_field("event")
    assert (EVENT, "Widget output") in list(field.choices)
    assert ("stock_receipt", "入库") in [(c, str(lbl)) for c, lbl in field.choices]
    with pytest.raises(ValidationError):
        field.clean("no_such_event", None)
    assert field.clean(EVENT, None) == EVENT


def test_stock_builder_books_a_registered_move_type_under_its_event(widgets):
    rules = {("stock_receipt", "", ""): ("1405", "1901"), (EVENT, "", ""): ("1405", "5001")}
    move = StockMoveValue(
        material_id=1,
        category_code="FG",
        move_type=MOVE_TYPE,
        value=Decimal("10.00"),
        to_warehouse="WH1",
    )
    draft = stock_moves_draft(
        date=dt.date(2026, 5, 1), summaries={EVENT: "产出"}, moves=[move], rules=rules
    )
    lines = [(x.account_code, x.debit, x.credit, x.summary) for x in draft.lines]
    assert lines == [
        ("1405", Decimal("10.00"), Decimal(0), "产出"),
        ("5001", Decimal(0), Decimal("10.00"), "产出"),
    ]


def test_stock_gate_accepts_a_registered_move_type_and_refuses_others(widgets, make_user):
    from erp.inventory.services.posting import MoveSpec, StockSource, moves_post
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="FG", name="成品")
    wh = Warehouse.objects.create(code="WH1", name="成品仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01", type="storage")
    widget = Material.objects.create(
        code="FG-W",
        name="小部件",
        category=cat,
        inventory_type="finished",
        procurement="make",
        base_unit=kg,
        batch_managed=False,
    )
    actor = make_user("keeper", "warehouse")

    def post(move_type):
        spec = MoveSpec(
            material=widget,
            quantity=Decimal("4"),
            move_type=move_type,
            to_location=loc,
            unit_cost=Decimal("2.50"),
        )
        return moves_post(
            actor=actor,
            specs=[spec],
            posting_date=dt.date.today(),
            source=StockSource(DOC_TYPE, 1, "WO0001"),
        )

    from django.db import transaction

    with transaction.atomic():
        (move,) = post(MOVE_TYPE)
    assert (move.move_type, move.value) == (MOVE_TYPE, Decimal("10.00"))
    assert move.get_move_type_display() == "Widget output"
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        post("not_registered")


def test_erp_apps_are_mounted_by_url_prefix():
    for config in apps.get_app_configs():
        prefix = getattr(config, "url_prefix", None)
        if prefix:
            assert reverse(f"{config.label}:" + _any_url_name(config)).startswith(f"/{prefix}")


def _any_url_name(config) -> str:
    from importlib import import_module

    urls = import_module(f"{config.name}.urls")
    return next(p.name for p in urls.urlpatterns if p.name and not p.pattern.converters)


# Modules that post their own documents reach accounting through the ledger port
# (erp/core/ledger.py). Only accounting itself and go-live (whose set-up wizard seeds the chart
# and checks the opening tie-out) may import it; tests may.
LEDGER_CLIENTS_ALLOWED = {"accounting", "golive"}
# `erp setup` seeds every installed module's defaults, the posting rules among them.
LEDGER_CLIENT_FILES = {"core/management/commands/setup.py"}


def test_no_module_imports_accounting_to_post():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "erp"
    offenders = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in LEDGER_CLIENTS_ALLOWED or "tests" in parts or "migrations" in parts:
            continue
        if "/".join(parts) in LEDGER_CLIENT_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "erp.accounting" or n.startswith("erp.accounting.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == [], f"use erp.core.ledger instead of importing accounting: {offenders}"


def test_the_ledger_port_is_accounting():
    from erp.accounting.ledger_port import AccountingLedger
    from erp.core.ledger import ledger

    assert isinstance(ledger(), AccountingLedger)
