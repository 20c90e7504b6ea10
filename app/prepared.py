"""PostgreSQL connections that keep their prepared statements across the rollback that ends a clean read.

psycopg prepares a statement on a connection from its fifth use, so that PostgreSQL parses and plans it once,
and forgets every one of them at each ROLLBACK (and sends DEALLOCATE ALL): a rolled-back transaction may have
dropped or made again what they name. Here every read-only request ends with a rollback (the session is closed
with its transaction open), so a worker serving pages forgot them at once and PostgreSQL parsed and planned
every statement of every request: planning alone was three quarters of its work for a member's scan through the
/c page (pg_stat_statements; bench/burst). The server itself keeps prepared statements across a rollback.

They are kept only when the transaction ends clean, as a read does: one that failed on the server (an aborted
transaction, for instance a plan whose result type a migration changed under a running worker) forgets them, as
psycopg does, so the next request prepares afresh. The app changes no schema while it serves (migrations run as
a command of their own); a DROP, ALTER or DISCARD sent as a statement still clears them.

Leans on psycopg's private PrepareManager; tests/foundation/test_prepared_statements.py holds it to the
server's own list of prepared statements, so a psycopg that changes it fails there first."""

import psycopg
from psycopg._preparing import PrepareManager
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine


class _KeptOverRollback(PrepareManager):
    def __init__(self) -> None:
        super().__init__()
        self.keeping = False

    def clear(self) -> bool:
        if self.keeping:
            return False
        return super().clear()


class KeepingConnection(psycopg.Connection):
    """A psycopg connection whose rollback of a clean transaction leaves its prepared statements prepared."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kept = _KeptOverRollback()
        kept.prepare_threshold, kept.prepared_max = self._prepared.prepare_threshold, self._prepared.prepared_max
        self._prepared = kept

    def rollback(self) -> None:
        assert isinstance(self._prepared, _KeptOverRollback)
        self._prepared.keeping = self.pgconn.transaction_status == TransactionStatus.INTRANS
        try:
            super().rollback()
        finally:
            self._prepared.keeping = False


@event.listens_for(Engine, "do_connect")
def _connect(dialect, _record, cargs, cparams):
    """Every engine's psycopg connections are KeepingConnections (None: the dialect connects as usual)."""
    if dialect.driver != "psycopg":
        return None
    return KeepingConnection.connect(*cargs, **cparams)
