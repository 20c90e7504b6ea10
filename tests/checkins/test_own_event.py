"""Nobody earns points alone: a check-in at an event the member runs themself waits for someone else's audit."""

from app.db import utcnow


def test_a_secretary_who_is_a_member_earns_nothing_alone_at_their_own_communitys_events(
    make, client, auth, screen, scan, ledger_verifies
):
    community = make.community()
    secretary = make.secretary(community, member=make.member(community, with_account=False))
    answers = [scan(secretary, screen(make.event(community, kind="service", title=f"服务活动{i}"))) for i in range(3)]
    assert [(a.status_code, a.get_json()["status"]) for a in answers] == [(201, "pending")] * 3
    me = client.get("/api/v1/me", headers=auth(secretary)).get_json()
    assert (me["points_month"], me["rank_month"]) == (0, None)
    entry_id = answers[0].get_json()["entry_id"]
    own = client.post(f"/api/v1/ledger/entries/{entry_id}/approve", headers=auth(secretary))
    assert own.status_code == 403 and own.get_json()["code"] == "own_entry"
    approved = client.post(f"/api/v1/ledger/entries/{entry_id}/approve", headers=auth(make.admin()))
    assert approved.status_code == 200 and approved.get_json()["state"] == "posted"
    # At another community's event they are a member like any other.
    elsewhere = scan(secretary, screen(make.event(make.community())))
    assert elsewhere.status_code == 201 and elsewhere.get_json()["status"] == "posted"
    ledger_verifies()


def test_an_admin_who_is_a_member_earns_nothing_alone_at_an_event_they_made(make, printed, scan, ledger_verifies):
    community = make.community()
    admin = make.account(role="admin", member=make.member(community, with_account=False))
    theirs = make.event(community, kind="service", created_by=admin.id)
    someone_elses = make.event(community, kind="service", title="义诊", created_by=make.admin().id, starts_at=utcnow())
    assert scan(admin, printed(theirs)).get_json()["status"] == "pending"
    assert scan(admin, printed(someone_elses)).get_json()["status"] == "posted"
    ledger_verifies()
