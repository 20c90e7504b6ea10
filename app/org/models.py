"""The organisation tree: county → street/township → community → grid → building, and work units."""

from sqlalchemy import DDL, BigInteger, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model


class Region(Model):
    """县 county (the root) and its 街道 streets / 乡镇 townships."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # county | street | township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    __table_args__ = (UniqueConstraint("parent_id", "name"),)


class Community(Model):
    """社区 (社区党委): where in-service members report, and whose events they attend."""

    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[Region] = relationship()
    grids: Mapped[list["Grid"]] = relationship(back_populates="community", order_by="Grid.id")


class Grid(Model):
    """网格 (网格党支部) inside a community."""

    __tablename__ = "grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    community: Mapped[Community] = relationship(back_populates="grids")
    __table_args__ = (UniqueConstraint("community_id", "name"),)


class Building(Model):
    """楼栋 (楼栋党小组) inside a grid."""

    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("grid_id", "name"),)


class Unit(Model):
    """单位: an organ, enterprise or institution (机关企事业单位) employing members, with its Party organisation."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="organ")  # organ | enterprise | institution
    party_org: Mapped[str | None] = mapped_column(String(100))
    # 双报到: the unit's Party organisation also reports to a community.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))


class CountySettings(Model):
    """The county's own numbers, set by the organisation department (one row)."""

    __tablename__ = "county_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_target: Mapped[int] = mapped_column(default=10)  # 1+10: households per member
    audit_day: Mapped[int] = mapped_column(default=5)  # a month closes after this day of the next month
    month_cap: Mapped[int | None] = mapped_column(default=100)  # points per member per month, all rules
    return_day_start: Mapped[str] = mapped_column(String(5), default="09:00")
    return_day_end: Mapped[str] = mapped_column(String(5), default="11:30")
    # A visit logged later than this many days after it happened is refused (too_old): a late entry lands
    # in the open month, but a past month's cap must not price it afresh.
    visit_max_age_days: Mapped[int] = mapped_column(default=31)


class ConfigVersion(Model):
    """One row whose number changes whenever the points rules or the county settings change, in the same
    transaction (database triggers below), so a process may keep them and prove its copy fresh by one read."""

    __tablename__ = "config_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    # A random stamp, not a count: a count would come round again after a rolled-back change, and a copy read
    # inside that transaction would pass for the next change's.
    version: Mapped[int] = mapped_column(BigInteger)


# The triggers fire on every write to these tables, by the app, a migration or a hand in psql: nothing to call,
# nothing to forget. The row may be missing (a new or emptied database): the first change creates it.
def _bump(stamp: str) -> str:
    return (
        f"INSERT INTO config_version (id, version) VALUES (1, {stamp}) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version"
    )


_BUMP_FUNCTION = (
    "CREATE OR REPLACE FUNCTION config_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN {_bump('(random() * 9e18)::bigint')}; RETURN NULL; END $$"
)


def config_triggers(table: str) -> dict[str, list[str]]:
    """The statements that make every change to `table` move the version, by dialect."""
    return {
        "sqlite": [
            f"CREATE TRIGGER {table}_bump_{verb.lower()} AFTER {verb} ON {table} BEGIN {_bump('random()')}; END"
            for verb in ("INSERT", "UPDATE", "DELETE")
        ],
        "postgresql": [
            _BUMP_FUNCTION,
            f"CREATE TRIGGER {table}_bump AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION config_version_bump()",
        ],
    }


VERSIONED_TABLES = ("points_rules", "county_settings")


def versioned(table) -> None:
    """Every change to `table` moves the config version: for `create_all`; the migration runs the same statements."""
    for dialect, statements in config_triggers(table.name).items():
        for statement in statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


versioned(CountySettings.__table__)
