"""Reads of the county's service catalogue (服务项目), for the forms that offer its categories."""

from sqlalchemy import select

from app.catalogue.models import ServiceCategory
from app.extensions import db


def category_names() -> list[str]:
    """The categories in the county's order; empty while the county has loaded no catalogue."""
    return list(db.session.scalars(select(ServiceCategory.name).order_by(ServiceCategory.position, ServiceCategory.id)))
