"""The county's data: the service catalogue (服务项目) and the points rules."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model
from app.org.models import versioned


class ServiceCategory(Model):
    """A service category, e.g. 政策宣传 (Yongchun has 8 categories with 45 sub-items)."""

    __tablename__ = "service_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    items: Mapped[list["ServiceItem"]] = relationship(order_by="ServiceItem.position")


class ServiceItem(Model):
    __tablename__ = "service_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("service_categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    __table_args__ = (UniqueConstraint("category_id", "name"),)


class PointsRule(Model):
    """A points rule as data (ledger.rules.Rule). A change is a new row from a date; the past keeps its rule."""

    __tablename__ = "points_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(20))
    match: Mapped[str | None] = mapped_column(String(60))
    points: Mapped[int]
    needs_audit: Mapped[bool] = mapped_column(default=False)
    cap_month: Mapped[int | None]
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("code", "valid_from"),)


versioned(PointsRule.__table__)
