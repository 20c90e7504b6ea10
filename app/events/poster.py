"""A4 posters with a code to scan: the check-in poster (签到海报: title, time, place, community and the printed
code) and any other one page of the kind (the residents' needs poster), in Chinese.

The code is drawn as vector squares, so it prints sharp at any size; the CJK font is embedded as a
subset, so the poster prints the same from any computer."""

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from app.events import qr
from app.printing.fonts import cjk_font
from ledger.periods import local

MARGIN = 48
CODE_SIZE = 400


def time_words(starts_at: datetime, ends_at: datetime) -> str:
    """ "2026年11月29日 09:00–11:30", the date repeated only when the event runs past midnight."""
    start, end = local(starts_at), local(ends_at)
    day = f"{start.year}年{start.month}月{start.day}日"
    if start.date() == end.date():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {end.year}年{end.month}月{end.day}日 {end:%H:%M}"


def _lines(text: str, font: str, size: int, width: float) -> list[str]:
    """Wrap by character: Chinese has no spaces to break at."""
    lines, line = [], ""
    for char in text:
        if line and stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines


def _centred(pdf: canvas.Canvas, text: str, y: float, size: int, width: float) -> float:
    """Draw `text` centred, wrapped to the page; returns the y below it."""
    font = cjk_font()
    for line in _lines(text, font, size, width - 2 * MARGIN):
        pdf.setFont(font, size)
        pdf.drawCentredString(width / 2, y, line)
        y -= size * 1.35
    return y


def _draw_code(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    modules = qr.matrix(url)
    step = size / len(modules)
    pdf.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(modules):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x + col * step, y + size - (row + 1) * step, step, step, stroke=0, fill=1)


def sheet(title: str, lines: list[str], url: str, call: str, *, name: str, footer: str | None = None) -> bytes:
    """One A4 page named `name`: the title, its lines, the code of `url` as large as they leave room for, the
    call to scan beneath it, and a footer line under that (e.g. the address typed out for who cannot scan)."""
    width, height = A4
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(name)
    y = _centred(pdf, title, height - MARGIN - 30, 30, width)
    for number, line in enumerate(lines):
        y = _centred(pdf, line, y - (10 if number == 0 else 0), 20, width)
    # A long title or place shrinks the code rather than pushing it off the page.
    size = max(min(CODE_SIZE, y - MARGIN - 50 - (40 if footer else 0)), 200)
    # The code's own white border is part of the matrix, so it needs no gap of its own.
    _draw_code(pdf, url, (width - size) / 2, y - size, size)
    y = _centred(pdf, call, y - size - 40, 32, width)
    if footer:
        _centred(pdf, footer, y - 4, 14, width)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def render(event, url: str) -> bytes:
    lines = [f"时间：{time_words(event.starts_at, event.ends_at)}"]
    if event.place:
        lines.append(f"地点：{event.place}")
    lines.append(event.community.name)
    return sheet(event.title, lines, url, "请用微信扫一扫签到", name=f"{event.title} 签到码")
