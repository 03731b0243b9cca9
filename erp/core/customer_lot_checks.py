"""Customer rules on lots (客户对批次的要求) that one module owns and another enforces, without
either importing the other.

Quality owns the customer specifications (客户质量标准) and registers a check from its
AppConfig.ready(); sales asks every registered check before a lot may go to a customer: when the
warehouse keeper picks a lot, when FEFO proposes lots and again inside the posting transaction.
Sales and quality are peers in the dependency graph, so the contract lives in core.

A check is `check(*, lot, customer) -> list[str]`: what keeps the lot from this customer, each
problem naming the attribute, its value and the limit; [] when the lot is acceptable.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

CustomerLotCheck = Callable[..., list[str]]

_CHECKS: dict[str, CustomerLotCheck] = {}


def customer_lot_check_register(code: str, check: CustomerLotCheck) -> None:
    """Registering the same check twice is a no-op; another check under a taken code raises."""
    known = _CHECKS.get(code)
    if known is not None and known is not check:
        raise ImproperlyConfigured(f"customer lot check {code} is registered differently already")
    _CHECKS[code] = check


def customer_lot_check_unregister(code: str) -> None:
    _CHECKS.pop(code, None)


def customer_lot_problems(*, lot, customer) -> list[str]:
    """Every registered check's problems with sending `lot` to `customer`, in code order."""
    problems: list[str] = []
    for code in sorted(_CHECKS):
        problems.extend(_CHECKS[code](lot=lot, customer=customer))
    return problems
