"""Base marshmallow schema for the API: unknown fields are ignored, so older clients keep working."""

import re
from datetime import UTC

from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema
from marshmallow import Schema as _Schema

from app.text import visible
from ledger.periods import MAX_YEAR, MIN_YEAR, local

# Ids are INTEGER columns: a larger number names nothing, and must not reach the driver (which overflows).
ID_MAX = 2**31 - 1
# For routes: `<int:…>` would accept any size of number.
ID_PATH = f"int(max={ID_MAX})"

# The shapes of a month and a quarter, for the OpenAPI document; ledger.periods parses and refuses them.
# The years are exactly those it takes, MIN_YEAR to MAX_YEAR (1900–9998), so a month the document allows
# is one the API answers.
_YEAR = "(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
MONTH = {"pattern": rf"^{_YEAR}-(0[1-9]|1[0-2])$", "description": "YYYY-MM"}
YEAR = {"pattern": rf"^{_YEAR}$", "description": "YYYY"}
QUARTER = {"pattern": rf"^{_YEAR}-Q[1-4]$", "description": "YYYY-Qn"}
MONTH_OR_QUARTER = {"pattern": rf"^{_YEAR}-((0[1-9]|1[0-2])|Q[1-4])$", "description": "YYYY-MM 或 YYYY-Qn"}
# A month, a quarter or a code word (`by`, a category) is checked where it is used, which says what is wrong
# with it (invalid_period, invalid_category…); this bound only keeps a page of junk from getting that far.
CODE_MAX = 32
# For `route(..., parameters=PERIOD_IN_PATH)`: a month in the path, `<period>`.
PERIOD_IN_PATH = [{"in": "path", "name": "period", "schema": {"type": "string", "maxLength": 7, **MONTH}}]


class Schema(_Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True

    @validates_schema
    def refuse_unstorable_text(self, data, **_):
        bad = {
            name: ["不能包含空字符、控制字符或无效的 Unicode 字符"]
            for name, value in data.items()
            if _unstorable(value)
        }
        if bad:
            raise ValidationError(bad)


# U+0000, which PostgreSQL text cannot hold; the other control characters but tab, line feed and carriage
# return, which no workbook's XML can carry (a stored one would spoil every spreadsheet that shows it); and
# lone surrogates ("\ud800" in JSON), which no database driver can encode as UTF-8. No person types any.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _unstorable(value) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(map(_unstorable, value))
    return False


class Error(Schema):
    """Every JSON error of the API: a stable code for programs, a Chinese message for people."""

    code = fields.String(required=True, metadata={"example": "invalid_request"})
    message = fields.String(required=True, metadata={"example": "请求内容有误：quarter：缺少必填项"})


class _Visible(validate.Validator):
    error = "须填写看得见的文字（不能只有空格或不可见字符）"

    def __call__(self, value):
        if not visible(value):
            raise ValidationError(self.error)
        return value


class Text(fields.String):
    """Text in a request, at most `max` characters. `required_visible`: text a person must fill in (a title,
    a reason, a name) needs a character a reader can see, so spaces or "\u200b" alone are a 400."""

    def __init__(self, *, max: int, required_visible: bool = False, **kwargs):
        checks: list[validate.Validator] = [
            validate.Length(
                min=1 if required_visible else None,
                max=max,
                error=f"应为1–{max}个字符" if required_visible else f"最多{max}个字符",
            )
        ]
        if required_visible:
            checks.append(_Visible())
        super().__init__(validate=checks, **kwargs)


class Id(fields.Integer):
    """A row id in a request: a JSON integer, positive, within the column's range."""

    def __init__(self, *, strict: bool = True, **kwargs):
        # A query string carries text, so there an id may come as digits.
        super().__init__(strict=strict, validate=validate.Range(min=1, max=ID_MAX), **kwargs)


class Limit(fields.Integer):
    """How many rows one page holds: 1 to `most`."""

    def __init__(self, default: int, most: int, **kwargs):
        super().__init__(load_default=default, validate=validate.Range(min=1, max=most), **kwargs)


class Offset(fields.Integer):
    """How many rows a page skips; bounded, as no list is longer than the ids it could hold."""

    def __init__(self, **kwargs):
        super().__init__(load_default=0, validate=validate.Range(min=0, max=ID_MAX), **kwargs)


class Coordinate(fields.Float):
    """A latitude (limit 90) or longitude (limit 180) in degrees, WGS-84 as phones report it."""

    default_error_messages = {"special": "应为数字"}

    def __init__(self, limit: float, **kwargs):
        super().__init__(allow_none=True, validate=validate.Range(-limit, limit), **kwargs)


class LocalDateTime(fields.AwareDateTime):
    """A time in, with its offset (a naive time is refused); out, in China Standard Time (+08:00)."""

    default_error_messages = {
        "invalid_awareness": "应为带时区的时间（如 2026-11-29T09:00:00+08:00）",
        "out_of_range": "时间超出范围",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            in_range = MIN_YEAR <= parsed.astimezone(UTC).year <= MAX_YEAR
        except OverflowError:
            in_range = False
        if not in_range:
            raise self.make_error("out_of_range")
        return parsed

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else local(value).isoformat()


class ScopeQuery(Schema):
    """?community_id= / ?unit_id=: the community or work unit a secretary's view is cut to."""

    community_id = Id(strict=False)
    unit_id = Id(strict=False)
