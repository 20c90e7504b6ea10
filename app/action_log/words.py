"""The action log's codes in Chinese, as the office reads them (a code not named here shows as it is)."""

ACTIONS = {
    "event.create": "创建活动",
    "event.update": "修改活动",
    "event.rotate_key": "作废旧码",
    "notice.publish": "发布通知",
    "leave.approve": "批准请假",
    "leave.refuse": "驳回请假",
    "registration.confirm": "确认注册",
    "registration.refuse": "驳回注册",
    "account.reset_password": "重置密码",
    "account.suspend": "停用账号",
    "account.unsuspend": "恢复账号",
    "account.name_secretary": "任命书记",
    "account.remove_secretary": "免去书记",
    "members.import": "导入名册",
    "period.close": "月度结账",
    "rule.change": "修改积分规则",
    "settings.change": "修改县级设置",
    "catalogue.change": "修改服务目录",
    "org.change": "修改组织架构",
}
ROLES = {"admin": "组织部", "secretary": "书记", "member": "党员", "system": "系统"}
