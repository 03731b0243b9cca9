from django.apps import AppConfig


class ApprovalDocConfig(AppConfig):
    """A claim-like document used only by the approval engine's tests (no migrations: the test
    database creates its table with run_syncdb). It registers itself as an approval subject."""

    name = "tests.approvaldoc"
    label = "approvaldoc"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from erp.approvals.contract import ApprovalSubject, approval_subject_register

        from .models import ClaimDoc

        approval_subject_register(
            ApprovalSubject(
                doc_type="approvaldoc.claimdoc",
                model=ClaimDoc,
                label="Test claim",
                rule_fields=lambda d: {
                    "amount": d.amount,
                    "discount_pct": d.discount_pct,
                    "department": d.department_code,
                    "customer": d.customer_code,
                    "credit_limit_exceeded": d.credit_limit_exceeded,
                },
                summary=lambda d: [("Title", d.title), ("Amount", f"¥{d.amount:,.2f}")],
                lines=lambda d: (["Item", "Amount"], [["Taxi", f"¥{d.amount:,.2f}"]]),
                url=lambda d: reverse("approvals:inbox"),
                extra_fields={
                    "discount_pct": ("decimal", "Discount %"),
                    "customer": ("code", "Customer"),
                    "credit_limit_exceeded": ("bool", "Credit limit exceeded"),
                },
            )
        )
