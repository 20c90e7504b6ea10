"""Reminders and flags in the inbox: a member reads theirs on /me and /me/notices beside notices, opening one
reads it, nobody reads another's; the notices API stays notices only; the database refuses a row with no
recipient or two."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.notices.models import InboxItem
from app.notices.operations import deliver
from tests.factories import log_in

NOW = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def _remind(app, dedupe="return_day-3d:event:1", **recipient):
    with app.app_context():
        return deliver(
            [
                {
                    "kind": "reminder",
                    "title": "回家日提醒",
                    "body": "11月29日 09:00 回家日",
                    "link": "/me/events",
                    "dedupe": dedupe,
                    **recipient,
                }
            ],
            NOW,
        )


def _item_id(app, **recipient):
    with app.app_context():
        return db.session.query(InboxItem.id).filter_by(**recipient).scalar()


def test_a_reminder_shows_on_the_home_page_and_the_list_and_opening_it_reads_it(app, client, auth, make):
    member = make.member()
    assert _remind(app, member_id=member.id) == 1
    assert _remind(app, member_id=member.id) == 0  # the same dedupe key: nothing added
    item_id = _item_id(app, member_id=member.id)
    log_in(client, member.account)
    home = client.get("/me").text
    assert 'data-unread-count="1"' in home and f"/me/inbox/{item_id}" in home
    listing = client.get("/me/notices").text
    assert f'data-inbox-id="{item_id}"' in listing and 'data-kind="reminder"' in listing
    assert 'data-read="false"' in listing and "data-notice-id" not in listing
    opened = client.get(f"/me/inbox/{item_id}")
    assert opened.status_code == 200 and "11月29日 09:00 回家日" in opened.text and 'href="/me/events"' in opened.text
    assert 'data-unread-count="0"' in client.get("/me").text
    # The API's contract is notices: a reminder is not one of them.
    assert client.get("/api/v1/me/notices", headers=auth(member.account)).get_json() == {"notices": [], "unread": 0}


def test_nobody_opens_another_members_reminder_nor_a_secretarys_flag(app, client, make):
    member, other, secretary = make.member(), make.member(), make.secretary(make.community())
    _remind(app, member_id=other.id)
    _remind(app, account_id=secretary.id, dedupe="audit-stale:2026-11-26")
    log_in(client, member.account)
    for item_id in (_item_id(app, member_id=other.id), _item_id(app, account_id=secretary.id)):
        assert client.get(f"/me/inbox/{item_id}").status_code == 404
    with app.app_context():
        assert db.session.get(InboxItem, _item_id(app, member_id=other.id)).read_at is None


def test_the_same_key_reaches_each_recipient_once(app, make):
    first, second = make.member(), make.member()
    assert _remind(app, member_id=first.id) == 1 and _remind(app, member_id=second.id) == 1


@pytest.mark.parametrize("recipient", [{}, "both"])
def test_an_inbox_row_has_exactly_one_recipient(app, make, recipient):
    member = make.member()
    if recipient == "both":
        recipient = {"member_id": member.id, "account_id": member.account.id}
    with app.app_context(), pytest.raises(IntegrityError):
        _remind(app, **recipient)
