"""/api/v1/sales-orders/, /delivery-notes/, /sales-invoices/, /sales-returns/: list, read,
create draft (Idempotency-Key), PATCH draft and transitions, from the document kit (kit.py)."""

from ninja import Router

from erp.core.doc_kit.api import kit_api_register_app

router = Router(tags=["sales"])
kit_api_register_app(router, "sales")
