"""The return day's hot path: the few statements every scan sends, run on PostgreSQL's driver without SQLAlchemy's
work per execution, which cost more than the driver's own (bench/burst)."""

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound

from app.db import connection as session_connection


class HotStatement:
    """A statement of the hot path, run on the session's connection and in its transaction. On PostgreSQL it is
    compiled once and sent on the psycopg connection itself: SQLAlchemy's execution (its cursor result's
    metadata, its events, its parameter handling) cost about as much CPU again as psycopg's, and two thirds of
    a scan's statements are these. A driver error is translated as SQLAlchemy translates its own, a lost
    connection invalidated as it would invalidate it, so the 503s and the pool's recovery hold alike.
    Only for statements whose values need no conversion on PostgreSQL: numbers, text, booleans, aware
    datetimes. SQLite runs it as Core."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: tuple[str, dict] | None = None

    def run(self, params: dict):
        """The result: its rows iterated, first(), one(), scalar() and scalar_one(), rows read by attribute."""
        connection = session_connection()
        if connection.dialect.name != "postgresql":
            return connection.execute(self.statement, params)
        if self._compiled is None:
            compiled = self.statement.compile(dialect=connection.dialect)
            self._compiled = (compiled.string, compiled.params)
        sql, defaults = self._compiled
        values = defaults | params
        driver: psycopg.Connection = connection.connection.driver_connection  # type: ignore[assignment]
        cursor = driver.cursor(row_factory=namedtuple_row)
        try:
            cursor.execute(sql, values)
        except psycopg.Error as error:
            lost = connection.dialect.is_disconnect(error, driver, cursor)  # type: ignore[arg-type]
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                sql, values, error, psycopg.Error, connection_invalidated=lost, dialect=connection.dialect
            ) from error
        return _Rows(cursor)


class _Rows:
    """What the hot path reads of a result, as SQLAlchemy's Result answers it."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def __iter__(self):
        return iter(self._cursor)

    def first(self):
        return self._cursor.fetchone()

    def one(self):
        rows = self._cursor.fetchmany(2)
        if not rows:
            raise NoResultFound("No row was found when one was required")
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return rows[0]

    def scalar(self):
        row = self._cursor.fetchone()
        return None if row is None else row[0]

    def scalar_one(self):
        return self.one()[0]
