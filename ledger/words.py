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

SOURCES = {"checkin": "活动签到", "visit": "入户走访", "manual": "人工调整", "rule": "制度积分", "order": "群众点单"}

# A resident's need (群众点单、联盟派单、支部接单、大众评单), its statuses in order, and the steps that move it.
NEED_STATUSES = {
    "received": "群众点单",
    "dispatched": "联盟派单",
    "open": "待认领",
    "taken": "支部接单",
    "done": "已办结",
    "closed": "大众评单",
    "refused": "不予受理",
}
NEED_STEPS = {
    "received": "群众点单",
    "dispatched": "派至帮帮团",
    "opened": "开放认领",
    "assigned": "单位指派",
    "claimed": "党员认领",
    "done": "办结",
    "rated": "群众评价",
    "closed": "超期未评价，书记结单",
    "refused": "不予受理",
}

DECISIONS = {"approve": "通过", "reject": "驳回", "carry": "结转"}


def month_words(period: str) -> str:
    """ "2026-11" -> "2026年11月"; the period is assumed well formed."""
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"
