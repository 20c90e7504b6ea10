"""Two members claiming the same open need at the same moment: one serves it, the other is told it is taken
(on SQLite and, with TEST_DATABASE_URL, on PostgreSQL)."""

import threading

from sqlalchemy import select

from app.extensions import db
from app.needs.models import Need, NeedServer, NeedStep
from tests.needs.conftest import T0


def test_of_members_claiming_at_once_exactly_one_wins(app, auth, make, ops, town):
    need, _ = ops.submit()
    ops("dispatch", town.secretary, need["id"], open_to_members=True, now=T0)
    crowd = [auth(town.server.account), auth(town.helper.account)] + [
        auth(make.member(town.community).account) for _ in range(4)
    ]
    answers, start = [], threading.Barrier(len(crowd))

    def tap(headers):
        client = app.test_client()
        start.wait()
        response = client.post(f"/api/v1/needs/{need['id']}/claim", headers=headers)
        answers.append((response.status_code, response.get_json()["code"] if response.status_code != 200 else None))

    threads = [threading.Thread(target=tap, args=(h,)) for h in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(answers, key=str) == [(200, None)] + [(409, "already_taken")] * (len(crowd) - 1)
    with app.app_context():
        assert db.session.get(Need, need["id"]).status == "taken"
        assert len(db.session.scalars(select(NeedServer).where(NeedServer.need_id == need["id"])).all()) == 1
        claims = db.session.scalars(select(NeedStep).where(NeedStep.need_id == need["id"], NeedStep.step == "claimed"))
        assert len(claims.all()) == 1
