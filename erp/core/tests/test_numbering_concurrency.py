"""Numbers under load: unique, consecutive, gap-free when a posting fails after taking one."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from erp.core.models import NumberingCounter, NumberingRule
from erp.core.services.numbering import number_next

DAY = dt.date(2026, 11, 30)


def _rule(**kw) -> NumberingRule:
    values = {"doc_type": "test.load", "name": "负载", "prefix": "SO", "date_part": "YYYYMM"}
    return NumberingRule.objects.create(**{**values, **kw})


def _run_threads(count: int, work: Callable[[int], str]) -> tuple[list[str], list[Exception]]:
    """Start `count` threads that call work(i) together (released by a barrier), each in its own
    transaction and its own database connection."""
    barrier = threading.Barrier(count)
    numbers: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            number = work(i)
            with lock:
                numbers.append(number)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return numbers, errors


def _take(on_date: dt.date = DAY) -> Callable[[int], str]:
    def work(_i: int) -> str:
        with transaction.atomic():
            return number_next(doc_type="test.load", on_date=on_date)

    return work


class PostingFailed(Exception):
    pass


def _post_one_failing(failing: int) -> Callable[[int], str]:
    def work(i: int) -> str:
        with transaction.atomic():
            number = number_next(doc_type="test.load", on_date=DAY)
            if i == failing:
                raise PostingFailed(number)  # e.g. insufficient stock, after the number was taken
            return number

    return work


def _expected(count: int, period: str = "202611") -> list[str]:
    return [f"SO{period}{n:04d}" for n in range(1, count + 1)]


@pytest.mark.django_db(transaction=True)
def test_threads_get_unique_consecutive_numbers_sqlite_or_pg():
    _rule()
    numbers, errors = _run_threads(8, _take())
    assert errors == []
    assert sorted(numbers) == _expected(8)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_numbers_are_unique_and_consecutive_pg():
    rule = _rule()
    # The counter row for the period exists already: contention is on the row lock.
    NumberingCounter.objects.create(rule=rule, period_key="202611", last_value=0)
    numbers, errors = _run_threads(20, _take())
    assert errors == []
    assert sorted(numbers) == _expected(20)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_numbers_of_a_new_period_pg():
    rule = _rule()
    NumberingCounter.objects.create(rule=rule, period_key="202610", last_value=57)
    numbers, errors = _run_threads(20, _take(DAY))
    assert errors == []
    assert sorted(numbers) == _expected(20)
    assert NumberingCounter.objects.get(rule=rule, period_key="202611").last_value == 20
    assert NumberingCounter.objects.get(rule=rule, period_key="202610").last_value == 57


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_postings_one_fails_no_gap_no_duplicate_pg():
    rule = _rule()
    numbers, errors = _run_threads(50, _post_one_failing(failing=17))
    assert len(errors) == 1 and isinstance(errors[0], PostingFailed), errors
    assert sorted(numbers) == _expected(49)
    assert NumberingCounter.objects.get(rule=rule, period_key="202611").last_value == 49
