"""Chinese names for the ledger's codes, as members and secretaries read them."""

# A visit's category (四必访 and the routine one): the codes the API takes, in the order reports list them.
VISIT_CATEGORIES = {
    "hardship": "困难群众",
    "sickness": "生病群众",
    "abnormal_family": "异常家庭",
    "dispute": "邻里纠纷",
    "routine": "日常走访",
}

EVENT_KINDS = {"return_day": "回家日", "service": "服务活动"}

STATES = {"pending": "待审核", "posted": "已入账", "rejected": "已驳回"}

SOURCES = {"checkin": "活动签到", "visit": "入户走访", "manual": "人工调整", "rule": "制度积分"}

DECISIONS = {"approve": "通过", "reject": "驳回", "carry": "结转"}


def month_words(period: str) -> str:
    """ "2026-11" -> "2026年11月"; the period is assumed well formed."""
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"
