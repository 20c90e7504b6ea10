"""The county's own settings (县级设置): pairing target, audit day, month cap, return-day hours."""

from sqlalchemy import select

from app.extensions import db
from app.org.models import CountySettings


def county_settings() -> CountySettings:
    """The county's row, or the defaults until a county has saved its own."""
    settings = db.session.scalars(select(CountySettings).limit(1)).first()
    return settings or CountySettings(
        pairing_target=10,
        audit_day=5,
        month_cap=100,
        return_day_start="09:00",
        return_day_end="11:30",
        visit_max_age_days=31,
    )
