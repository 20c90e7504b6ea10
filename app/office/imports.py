"""/office/import (名册导入): placeholder until the import pages land."""

from flask import Blueprint

bp = Blueprint("office_import", __name__)
