"""PostgreSQL connections that keep their prepared statements across a rollback.

psycopg prepares a statement on a connection from its fifth use, so that PostgreSQL parses and plans it once,
and forgets every one of them at each ROLLBACK (and sends DEALLOCATE ALL): a rolled-back transaction may have
dropped or made again what they name. Here every read-only request ends with a rollback (the session is closed
with its transaction open), so a worker serving pages forgot them at once and PostgreSQL parsed and planned
every statement of every request: a member's scan through the /c page cost it 3.6 ms, five times the API's
check-in (bench/burst). The server itself keeps prepared statements across a rollback; the app changes no
schema while it serves (migrations run as a command of their own, before), so nothing they name can vanish
under them. A DROP, ALTER or DISCARD sent as a statement still clears them, as psycopg does.

Leans on psycopg's private PrepareManager; tests/foundation/test_prepared_statements.py holds it to the
server's own list of prepared statements, so a psycopg that changes it fails there first."""

import psycopg
from psycopg._preparing import PrepareManager
from sqlalchemy import event
from sqlalchemy.engine import Engine


class _KeptOverRollback(PrepareManager):
    def __init__(self) -> None:
        super().__init__()
        self.rolling_back = False

    def clear(self) -> bool:
        if self.rolling_back:
            return False
        return super().clear()


class KeepingConnection(psycopg.Connection):
    """A psycopg connection whose rollback leaves its prepared statements prepared."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kept = _KeptOverRollback()
        kept.prepare_threshold, kept.prepared_max = self._prepared.prepare_threshold, self._prepared.prepared_max
        self._prepared = kept

    def rollback(self) -> None:
        assert isinstance(self._prepared, _KeptOverRollback)
        self._prepared.rolling_back = True
        try:
            super().rollback()
        finally:
            self._prepared.rolling_back = False


@event.listens_for(Engine, "do_connect")
def _connect(dialect, _record, cargs, cparams):
    """Every engine's psycopg connections are KeepingConnections (None: the dialect connects as usual)."""
    if dialect.driver != "psycopg":
        return None
    return KeepingConnection.connect(*cargs, **cparams)
