"""Pledges are private to the member, their secretaries and admins: a pledge, its progress and its review,
each with a text found nowhere else, appear in no answer to anyone not logged in (every GET route without a
parameter, the check-in page, the board and the public API), nor on the public pages to another member."""

from datetime import timedelta

from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.db import utcnow
from app.events import codes
from app.extensions import db
from app.pledges import operations
from ledger import periods
from tests.factories import local, log_in

SECRETS = ("独一无二的承诺文字甲乙丙", "独一无二的践诺记录丁戊己", "独一无二的评议意见庚辛壬")


def _public_urls(app, event) -> list[str]:
    plain = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )
    month = periods.month_of(utcnow())
    urls = [*plain, f"/c/{codes.printed(app.config['SECRET_KEY'], event.id, 1)}", f"/api/v1/periods/{month}"]
    for by in ("member", "unit", "community"):
        urls += [f"/board?period={month}&by={by}", f"/board?period={month}&by={by}&screen=1"]
        urls.append(f"/api/v1/rankings?period={month}&by={by}&limit=500")
    return urls


def test_no_public_answer_holds_a_pledge_its_progress_or_its_review(app, client, make):
    with app.app_context():
        db.session.add(ServiceCategory(name="政策宣传", position=1))
        db.session.commit()
    community = make.community()
    member, other = make.member(community), make.member(community)
    secretary = make.secretary(community)
    event = make.event(community, starts_at=utcnow() + timedelta(hours=1))
    now = utcnow()
    year = periods.local(now).year
    with app.app_context():
        account = db.session.get(Account, member.account.id)
        pledge = operations.add_pledge(account, year, "政策宣传", SECRETS[0], now)
        operations.mark_progress(account, pledge.id, periods.local(now).date(), SECRETS[1], now)
        reviewer = db.session.get(Account, secretary.id)
        operations.review(reviewer, member.id, year, "good", SECRETS[2], local(year, 12, 10, 10, 0))
    # The member's own page holds all three: the search below would find them if they leaked.
    log_in(client, member.account)
    own = client.get(f"/me/pledges?year={year}").get_data(as_text=True)
    assert all(s in own for s in SECRETS)
    client.post("/logout")

    urls = _public_urls(app, event)
    assert "/register" in urls and "/board" in urls
    for url in urls:
        answer = client.get(url)
        assert answer.status_code < 500, url
        text = answer.get_data(as_text=True)
        assert [s for s in SECRETS if s in text] == [], url
    log_in(client, other.account)
    for url in ("/board", "/me", "/me/pledges", f"/me/pledges?year={year}", *urls[-7:]):
        text = client.get(url).get_data(as_text=True)
        assert [s for s in SECRETS if s in text] == [], url
