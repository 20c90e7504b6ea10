"""One scheduler leads at a time: a PostgreSQL advisory lock, or a file lock beside an SQLite database."""

import fcntl
from contextlib import contextmanager

from sqlalchemy import text

# An arbitrary constant naming this application's scheduler lock in pg_locks.
ADVISORY_KEY = 0x4C45444745  # "LEDGE"


@contextmanager
def leadership(engine):
    """Yields True while this process holds the lead, False when another process does."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            held = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            conn.commit()
            try:
                yield bool(held)
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                    conn.commit()
        return
    # Beside the database file: whoever runs a scheduler on this database, from whatever folder, meets it here.
    with open(f"{engine.url.database}.scheduler-lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
