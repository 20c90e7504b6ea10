"""What the county office's home reads: the months, what waits for audit, this quarter's reporting rate
by community, and the last ledger check."""

from datetime import datetime

from app.integrity.queries import last_run
from app.periods.queries import overview
from app.stats.queries import figures_by
from ledger import periods

HOME_MONTHS = 6


def home(now: datetime) -> dict:
    quarter = periods.quarter_of(now)
    months = overview(now)
    return {
        **months,
        "months": months["months"][:HOME_MONTHS],
        "quarter": quarter,
        "quarter_words": f"{quarter[:4]}年第{quarter[-1]}季度",
        "rates": figures_by(quarter, "community"),
        "verify": last_run(),
    }
