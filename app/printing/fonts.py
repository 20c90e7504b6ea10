"""The CJK TrueType font for PDFs. Embedded (subset) by reportlab, so a printed page reads the same anywhere."""

import os
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

CJK = "WenQuanYiZenHei"
_CANDIDATES = (
    os.environ.get("CJK_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


class FontMissing(RuntimeError):
    def __init__(self):
        super().__init__("找不到中文字体：请安装 fonts-wqy-zenhei（scripts/install-system-packages）或设置 CJK_FONT")


@cache
def cjk_font() -> str:
    """Register the font once per process and return its reportlab name."""
    for path in _CANDIDATES:
        if path and os.path.exists(path):
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont(CJK, path, **kwargs))
            return CJK
    raise FontMissing()
