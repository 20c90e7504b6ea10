"""The month report's sheet 群众点单: the figures of residents' needs per work unit and per community, and
the scope's total under the communities (each need is recorded for one community, so they add up to it;
a need served by two units counts for both, so the units need not)."""

HEADERS = ["类别", "名称", "收到", "已派单", "办结", "办结天数中位数", "评价数", "平均评分"]
FIGURES = ("received", "dispatched", "done", "median_days_to_done", "rated", "average_rating")


def needs_table(needs: dict) -> tuple[list[str], list[list], list]:
    """(headers, rows, total row) of app.needs.figures.breakdown, for the report's sheet writer."""
    rows = [
        [kind, part["name"], *(part[name] for name in FIGURES)]
        for kind, parts in (("单位", needs["units"]), ("社区", needs["communities"]))
        for part in parts
    ]
    return HEADERS, rows, ["合计", "各社区合计", *(needs["total"][name] for name in FIGURES)]
