"""Idempotent creates: a create sent again with the same Idempotency-Key gets the first answer.

API create endpoints wrap their service call:

    status, body = idempotent(
        user=request.user, key=request.headers.get("Idempotency-Key", ""),
        endpoint="sales-orders.create",
        create=lambda: (201, SalesOrderOut.from_orm(sales_order_create(actor=..., ...)).dict()),
    )
    return status, body

The record row is inserted first, inside the same transaction as the create. A concurrent
duplicate blocks on the unique index until the first commits (PostgreSQL) or waits for the
write lock (SQLite IMMEDIATE), then reads and returns the stored answer. If the first fails,
its record rolls back with it and the retry runs the create afresh.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, ValidationFailed
from erp.core.models import IdempotencyRecord

_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def idempotent(
    *,
    user,
    key: str,
    endpoint: str,
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run `create` once per (user, key, endpoint) and return its (status, body); without a key,
    just run it."""
    if not key:
        return create()
    if not _KEY.match(key):
        raise ValidationFailed(
            _(
                "The Idempotency-Key header must be 1 to 128 visible ASCII characters, "
                "for example a UUID. Send a valid key or leave the header out."
            ),
            code="idempotency_key_invalid",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, endpoint=endpoint)
        except IntegrityError:
            return _stored_answer(user=user, key=key, endpoint=endpoint)
        status, body = create()
        # Store and return the same JSON-safe body (Decimal, dates as text), so the first
        # answer and every replay are identical.
        body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
        record.status_code = status
        record.response = body
        record.save(update_fields=["status_code", "response"])
        return status, body


def _stored_answer(*, user, key: str, endpoint: str) -> tuple[int, dict[str, Any]]:
    record = IdempotencyRecord.objects.filter(user=user, key=key, endpoint=endpoint).first()
    if record is None or record.status_code is None:
        raise Conflict(
            _(
                "A request with this Idempotency-Key is still being processed. Wait a moment "
                "and send it again with the same key."
            ),
            code="idempotency_in_progress",
        )
    return record.status_code, record.response
