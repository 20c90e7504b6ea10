"""The year-end record's part of pledges (for_record): every member named, their pledges with progress and
links, the review that counts, in one query per table whatever the number of members."""

from datetime import UTC, date, datetime

from sqlalchemy import event

from app.extensions import db
from app.pledges.models import Pledge, PledgeProgress, PledgeReview
from app.pledges.queries import for_record
from tests.factories import check_in

AT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _pledge(member, text, year=2026, category="政策宣传"):
    row = Pledge(member_id=member.id, year=year, category=category, text=text, created_at=AT, updated_at=AT)
    db.session.add(row)
    db.session.flush()
    return row


def test_for_record_gives_each_member_their_pledges_progress_links_and_the_last_review(app, make):
    community = make.community()
    zhang, li, idle = make.member(community), make.member(community), make.member(community)
    secretary = make.secretary(community)
    checkin_event = make.event(community, title="十一月回家日", starts_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))
    check_in(app, zhang, checkin_event)
    with app.app_context():
        from app.checkins.models import Checkin

        checkin_id = db.session.query(Checkin.id).filter_by(member_id=zhang.id).scalar()
        first = _pledge(zhang, "每季度入户走访联系户")
        _pledge(zhang, "参加一次义诊", category="义诊")
        _pledge(zhang, "去年的承诺", year=2025)
        _pledge(li, "宣讲一次政策")
        db.session.add_all(
            [
                PledgeProgress(
                    pledge_id=first.id,
                    done_on=date(2026, 11, 29),
                    note="回家日走访",
                    checkin_id=checkin_id,
                    created_at=AT,
                ),
                PledgeProgress(pledge_id=first.id, done_on=date(2026, 3, 1), note="春节后走访", created_at=AT),
                PledgeReview(
                    member_id=zhang.id, year=2026, grade="good", comment="不错", by_account_id=secretary.id, at=AT
                ),
                PledgeReview(
                    member_id=zhang.id,
                    year=2026,
                    grade="excellent",
                    comment="更正：优秀",
                    by_account_id=secretary.id,
                    at=AT,
                ),
            ]
        )
        db.session.commit()

        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        record = for_record([zhang.id, li.id, idle.id], 2026)
        selects = [s for s in statements if s.startswith("SELECT")]
        assert len(selects) == 3  # pledges, progress, reviews

    assert set(record) == {zhang.id, li.id, idle.id}
    assert record[idle.id] == {"pledges": [], "review": None}
    assert [p["text"] for p in record[li.id]["pledges"]] == ["宣讲一次政策"]
    pledges = record[zhang.id]["pledges"]
    assert [(p["category"], p["text"]) for p in pledges] == [
        ("政策宣传", "每季度入户走访联系户"),
        ("义诊", "参加一次义诊"),
    ]
    assert [s["note"] for s in pledges[0]["progress"]] == ["春节后走访", "回家日走访"]
    assert pledges[0]["progress"][0]["linked"] is None
    assert pledges[0]["progress"][1]["linked"] == {
        "kind": "checkin",
        "id": checkin_id,
        "words": "活动签到：十一月回家日（2026年11月29日）",
    }
    review = record[zhang.id]["review"]
    assert (review["grade"], review["grade_words"], review["comment"], review["by"]) == (
        "excellent",
        "优秀",
        "更正：优秀",
        secretary.name,
    )
    assert review["at"] == AT
