"""Demo expense claims: categories on 管理费用 sub-accounts (业务招待费 not VAT-deductible), and
claims from the salesperson (张敏) in every state — paid by the cashier (钱芳) from 银行存款
(¥3,860, approved automatically), waiting for the finance manager (¥8,600) and waiting for
both managers (¥25,000; 业务招待费, so its 6 % VAT stays in the expense)."""

import datetime as dt

from erp.accounting.models import ExpenseCategory, ExpenseClaim
from erp.accounting.services import expenses as svc
from erp.iam.models import Department, User


def _department(actor) -> Department:
    department, _created = Department.objects.get_or_create(
        code="SALES", defaults={"name": "销售部"}
    )
    return department


def load_demo(*, actor) -> None:
    if ExpenseClaim.objects.exists():
        return
    from erp.approvals.demo import load_demo as approval_rules_demo

    approval_rules_demo(actor=actor)  # the thresholds claims follow (idempotent)
    svc.expense_categories_ensure_defaults(actor=actor)
    employee = User.objects.filter(username="sales").first()
    accountant = User.objects.filter(username="accountant").first()
    # The cashier (出纳) pays; a demo without one falls back to the finance manager.
    cashier = (
        User.objects.filter(username="cashier").first()
        or User.objects.filter(username="finance_manager").first()
    )
    if not (employee and accountant and cashier):
        return
    if employee.department_id is None:
        employee.department = _department(actor)
        employee.save(update_fields=["department"])
    cat = {c.code: c.pk for c in ExpenseCategory.objects.all()}
    on = dt.date(2026, 11, 16)

    def claim(purpose, *lines):
        rows = [
            {"category_id": cat[code], "amount": amount, "tax_rate": rate, "attachments": n}
            for code, amount, rate, n in lines
        ]
        created = svc.expense_claim_create(actor=employee, date=on, purpose=purpose, lines=rows)
        return svc.expense_claim_submit(actor=employee, claim_id=created.pk)

    paid = claim(
        "杭州客户拜访差旅",
        ("TRAVEL", "2860.00", "0.09", 3),
        ("ENTERTAIN", "1000.00", "0", 1),
    )
    svc.expense_claim_post(actor=accountant, claim_id=paid.pk, on_date=on)
    bank = svc.payment_accounts().filter(code__startswith="1002").first()
    svc.expense_claim_pay(
        actor=cashier, claim_id=paid.pk, on_date=on, payment_account_code=bank.code
    )
    claim("上海展会差旅及布展", ("TRAVEL", "6200.00", "0.06", 4), ("OFFICE", "2400.00", "0.13", 2))
    claim("华南区年度客户答谢会", ("ENTERTAIN", "25000.00", "0.06", 6))
