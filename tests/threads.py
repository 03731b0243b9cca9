"""Races for the PostgreSQL tests: threads released together by a barrier, each on its own
database connection (closed when the thread ends), so row locks meet as they would between
two users."""

import threading

from django.db import connection


def run_parallel(n: int, fn) -> list:
    """Run fn(i) in n threads released together; returns each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def run_together(*calls) -> list:
    """Each call in its own thread, released together; each result or exception."""
    return run_parallel(len(calls), lambda i: calls[i]())
