"""One error shape for the whole API: {"code", "message"}, the message in Chinese; and the pages' one
rendering of a refusal. The family's base, `Refusal`, is the ledger's (ledger.errors)."""

import logging

from flask import jsonify, request

from ledger.errors import Refusal

__all__ = ["Refusal", "NotFound", "Forbidden", "Unauthenticated"]

log = logging.getLogger(__name__)


class NotFound(Refusal):
    status = 404

    def __init__(self, what: str = "记录"):
        super().__init__("not_found", f"{what}不存在")


class Forbidden(Refusal):
    status = 403

    def __init__(self, message: str = "没有权限进行此操作", code: str = "forbidden"):
        super().__init__(code, message)


class Unauthenticated(Refusal):
    status = 401

    def __init__(self, message: str = "请先登录", code: str = "unauthenticated"):
        super().__init__(code, message)


# marshmallow speaks English; a member reads Chinese.
_FIELD_MESSAGES = {
    "Missing data for required field.": "缺少必填项",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid string.": "应为文本",
    "Not a valid datetime.": "应为带时区的时间（ISO 8601）",
    "Not a valid date.": "应为日期（YYYY-MM-DD）",
    "Not a valid boolean.": "应为是或否",
    "Not a valid list.": "应为列表",
    "Field may not be null.": "不能为空",
    "Unknown field.": "未知字段",
    "Invalid input type.": "格式不对",
    "Invalid JSON body.": "请求体不是有效的 JSON",
}


def _chinese(messages) -> str:
    """Flatten webargs' {location: {field: [msg]}} into one readable Chinese line."""
    parts = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, path)
        else:
            text = str(node)
            if text.startswith("Must be one of"):
                text = "取值不在允许范围内"
            elif (
                text.startswith("Must be greater") or text.startswith("Must be less") or text.startswith("Length must")
            ):
                text = "超出允许范围"
            text = _FIELD_MESSAGES.get(text, text)
            fields = [p for p in path if p not in ("json", "query", "form", "headers", "_schema", "view_args")]
            parts.append(f"{'.'.join(fields)}：{text}" if fields else text)

    walk(messages, [])
    return "；".join(parts) or "请求内容有误"


def error_body(code: str, message: str, status: int, **extra):
    response = jsonify({"code": code, "message": message, **extra})
    response.status_code = status
    return response


def log_refusal(exc: Refusal) -> None:
    log.info("refused %s %s: %s (%s)", request.method, request.path, exc.code, exc.message)


def refusal_response(exc: Refusal):
    """A refusal as the API answers it, whichever domain or the ledger raised it."""
    log_refusal(exc)
    response = error_body(exc.code, exc.message, exc.status, **exc.extra)
    if exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


HTTP_CODES = {
    400: ("bad_request", "请求有误"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "没有权限进行此操作"),
    404: ("not_found", "找不到该地址"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与现有数据冲突"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请以 JSON 格式提交"),
    422: ("invalid_request", "请求内容有误"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
}


def http_error_response(status: int, messages=None):
    code, message = HTTP_CODES.get(status, ("error", "请求无法完成"))
    if messages:
        # Validation failures: every one answers 400 invalid_request, with the fields named.
        log.info("invalid %s %s: %s", request.method, request.path, messages)
        return error_body("invalid_request", "请求内容有误：" + _chinese(messages), 400)
    return error_body(code, message, status)
