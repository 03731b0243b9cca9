"""Bounded retry of a whole posting service on PostgreSQL serialization failure or deadlock.

Balances are locked in a fixed order, so deadlocks between postings should not happen; the
retry is the safety net for what the order cannot cover (e.g. a caller's own earlier locks).
A retry is only possible at the outermost transaction: inside a caller's transaction the error
propagates so the caller's service retries as a whole.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

from erp.inventory.errors import posting_conflict

MAX_TRIES = 3
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected

P = ParamSpec("P")
R = TypeVar("R")


def _retryable(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc)


def posting_retried(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            return fn(*args, **kwargs)
        for _attempt in range(MAX_TRIES):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                if not _retryable(exc):
                    raise
        raise posting_conflict()

    return wrapper
