"""Actions started at the same moment, each in its own thread and database connection."""

import threading
import time

from django.db import OperationalError, connection


def with_retry_on_sqlite(action):
    """The test database on SQLite lives in shared-cache memory, where a locked table fails at
    once instead of waiting for the busy timeout a database file has: wait and retry, as the
    file would. PostgreSQL needs no retry: the row lock makes the others wait.
    """
    for _ in range(200):
        try:
            return action()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.02)
    raise AssertionError("SQLite stayed locked")


def run_together(actions):
    """Start every action at the same moment in its own thread; return the errors raised."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            barrier.wait(timeout=30)
            with_retry_on_sqlite(action)
        except Exception as error:  # noqa: BLE001  (collected and asserted on below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
