"""/office/org: the organisation tree (组织架构) listed and edited, on the operations /api/v1/org calls."""

from flask import Blueprint, render_template

from app.office.access import office_actor
from app.office.forms import maybe_row_id, row_id, run, text
from app.org import operations, queries
from app.org.operations import REGION_KINDS, UNIT_KINDS
from app.pages import page_status

bp = Blueprint("office_org", __name__)


def _actions(actor) -> dict:
    return {
        "add_region": lambda: operations.add_region(actor, name=text("name"), kind=text("kind")),
        "edit_region": lambda: operations.update_region(actor, row_id("id", "街道或乡镇"), name=text("name")),
        "add_community": lambda: operations.add_community(
            actor, name=text("name"), region_id=row_id("region_id", "街道或乡镇"), address=text("address")
        ),
        "edit_community": lambda: operations.update_community(
            actor,
            row_id("id", "社区"),
            name=text("name"),
            region_id=maybe_row_id("region_id", "街道或乡镇"),
            address=text("address"),
        ),
        "add_grid": lambda: operations.add_grid(actor, community_id=row_id("community_id", "社区"), name=text("name")),
        "edit_grid": lambda: operations.update_grid(
            actor, row_id("id", "网格"), name=text("name"), community_id=maybe_row_id("community_id", "社区")
        ),
        "add_building": lambda: operations.add_building(actor, grid_id=row_id("grid_id", "网格"), name=text("name")),
        "edit_building": lambda: operations.update_building(actor, row_id("id", "楼栋"), name=text("name")),
        "add_unit": lambda: operations.add_unit(
            actor,
            name=text("name"),
            kind=text("kind") or "organ",
            party_org=text("party_org"),
            community_id=maybe_row_id("community_id", "社区"),
        ),
        "edit_unit": lambda: operations.update_unit(
            actor,
            row_id("id", "单位"),
            name=text("name"),
            kind=text("kind"),
            party_org=text("party_org"),
            community_id=maybe_row_id("community_id", "社区"),
        ),
    }


@bp.route("/office/org", methods=["GET", "POST"])
def org():
    actor = office_actor()
    outcome = run(_actions(actor))
    tree = queries.tree()
    communities = [c for region in tree["regions"] for c in region["communities"]]
    return render_template(
        "office/org.html",
        tree=tree,
        communities=communities,
        outcome=outcome,
        region_kinds=REGION_KINDS,
        unit_kinds=UNIT_KINDS,
    ), page_status(outcome)
