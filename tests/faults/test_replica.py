"""READ_DATABASE_URL: the public ranking and the board are read on a streaming replica while it is in step,
and on the primary when it lags more than READ_MAX_LAG_SECONDS or is down; never a 5xx for it."""

import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from ledger import periods
from tests.factories import Make, check_in
from tests.faults.conftest import app_on, close


def names_on_board(client, period) -> set[str]:
    response = client.get(f"/api/v1/rankings?period={period}")
    assert response.status_code == 200, response.get_data(as_text=True)
    names = {row["name"] for row in response.get_json()["rows"]}
    board = client.get(f"/board?period={period}")
    assert board.status_code == 200
    assert all(name in board.get_data(as_text=True) for name in names)
    return names


def on_replica(replica, sql: str):
    engine = create_engine(replica.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def test_the_board_reads_the_replica_in_step_and_the_primary_when_it_lags_or_is_down(own_database, replica):
    primary = app_on(own_database)
    make = Make(primary)
    community = make.community(name="复制测试社区")
    first, second = make.member(community, name="先到的党员"), make.member(community, name="后到的党员")
    event = make.event(community)
    period = periods.month_of(datetime.now(UTC))
    check_in(primary, first, event)
    for _ in range(50):
        if on_replica(replica, f"SELECT count(*) FROM members WHERE id = {first.id}") and on_replica(
            replica, "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
        ):
            break
        time.sleep(0.1)
    # The replica stops replaying: what the primary writes next is on the primary only.
    on_replica(replica, "SELECT pg_wal_replay_pause()")
    check_in(primary, second, event)

    def client(**config):
        app = app_on(
            own_database, READ_DATABASE_URL=replica.url, READ_CHECK_SECONDS=0, RANKING_CACHE_SECONDS=0, **config
        )
        return app, app.test_client()

    try:
        in_step, reader = client(READ_MAX_LAG_SECONDS=30)
        for _ in range(50):
            # Paused after receiving the second check-in: seconds behind, within 30.
            if on_replica(replica, "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"):
                break
            time.sleep(0.1)
        assert names_on_board(reader, period) & {first.name, second.name} == {first.name}

        strict, strict_reader = client(READ_MAX_LAG_SECONDS=0)
        assert names_on_board(strict_reader, period) >= {first.name, second.name}
    finally:
        on_replica(replica, "SELECT pg_wal_replay_resume()")

    replica.stop()
    assert names_on_board(reader, period) >= {first.name, second.name}
    assert reader.get("/healthz").status_code == 200
    for app in (primary, in_step, strict):
        close(app)
