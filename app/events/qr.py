"""QR codes for check-in: the URL a phone opens, drawn as PNG, SVG, or the module matrix for the poster.

Error correction M: enough to survive a crease or a smudge on a poster, while the code stays coarse
enough for a cheap phone to read from across a hall."""

import io

import qrcode
import qrcode.image.svg
from flask import current_app, request


def public_url(path: str) -> str:
    """{BASE_URL}{path}: the address a printed code opens; without BASE_URL, the origin the request came in on."""
    base = current_app.config.get("BASE_URL") or request.host_url
    return f"{base.rstrip('/')}{path}"


def checkin_url(token: str) -> str:
    """{BASE_URL}/c/{token}."""
    return public_url(f"/c/{token}")


def _code(data: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def png(data: str, box_size: int = 10) -> bytes:
    out = io.BytesIO()
    _code(data, box_size).make_image().save(out, format="PNG")
    return out.getvalue()


def svg(data: str) -> bytes:
    out = io.BytesIO()
    _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return out.getvalue()


def matrix(data: str) -> list[list[bool]]:
    """The modules, quiet zone included, for drawing the code as vectors."""
    return _code(data).get_matrix()
