"""`flask demo`: load the demo county, print its accounts."""

import json
import sys
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from app.db import utcnow
from app.demo import loader

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar() returns


@click.command("demo")
@click.option(
    "--members",
    "members",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="在职党员账号数（role member）",
)
@click.option("--password", default="demo1234", show_default=True, help="所有演示账号的密码")
@click.option("--json", "as_json", is_flag=True, help="每个账号一行 JSON，仅输出到标准输出")
@with_appcontext
def demo(members: int, password: str, as_json: bool):
    """载入演示县（永春县）：组织架构、单位、社区网格、党员与结对户、积分规则、本月回家日及前三个月的历史。"""
    bars: list[ProgressBar[int]] = []

    def progress(added: int, missing: int):
        if not bars:
            bars.append(click.progressbar(length=missing, label="载入党员及其历史", file=sys.stderr))
        bars[0].update(added)

    loaded = loader.load(members, password, utcnow(), progress=progress)
    if bars:
        bars[0].render_finish()
    listed = loader.accounts(members, password)
    if as_json:
        for account in listed:
            click.echo(json.dumps(account, ensure_ascii=False))
        return
    staff = [a for a in listed if a["role"] != "member"]
    click.echo(
        f"永春县演示数据：{loaded.communities} 个社区、{loaded.grids} 个网格、{loaded.units} 个单位、"
        f"{members} 名在职党员（本次新增 {loaded.members_added} 人，写入积分 {loaded.entries_written} 条）。"
    )
    click.echo(
        f"管理员 {staff[0]['phone']}，社区书记 {staff[1]['phone']} 等 {len(staff) - 1} 个书记账号；"
        f"党员账号 {listed[len(staff)]['phone']} 起；密码均为 {password}。"
    )
