"""A community with its deliberation days made, a unit paired with it, and the people the rules name."""

import pytest

from app.db import utcnow
from app.extensions import db
from app.org.models import Unit
from scheduler.jobs import JOBS


@pytest.fixture
def town(app, make):
    community = make.community("花石社区")
    paired = make.unit("县委组织部")
    with app.app_context():
        db.session.get(Unit, paired.id).community_id = community.id
        db.session.commit()
        JOBS["deliberation_days"].run(utcnow())
    return {
        "community": community,
        "secretary": make.secretary(community),
        "resident": make.member(community, name="林秀英"),
        "colleague": make.member(make.community(), unit=paired, name="黄文山"),
        "stranger": make.member(make.community()),
        "admin": make.admin(),
    }
