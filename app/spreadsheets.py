"""Workbooks the software writes (.xlsx): every text is saved as text, so no name in one becomes a formula."""

from io import BytesIO

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What Excel and LibreOffice take for the start of a formula when a cell is typed in or re-entered.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _hold_as_text(cell) -> None:
    """A text cell kept as the text it is: openpyxl makes "=…" a formula and "#N/A" an error value."""
    if not isinstance(cell.value, str):
        return  # numbers, dates and empty cells the software wrote stay as they are
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_LEADS):
        # The same flag as a typed leading apostrophe: an edit in Excel or LibreOffice keeps it text too,
        # while the value itself stays unchanged.
        cell.quotePrefix = True


def _writable(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


class _Sheet(Worksheet):
    """A sheet whose rows keep every text but the control characters a workbook's XML cannot carry: no person
    types them, a forged form may have stored one, and openpyxl would refuse the whole file for it."""

    def append(self, iterable) -> None:
        if isinstance(iterable, dict):
            super().append({key: _writable(value) for key, value in iterable.items()})
        else:
            super().append([_writable(value) for value in iterable])


class Workbook(openpyxl.Workbook):
    """openpyxl's workbook, saved with every text cell as text. The software writes no formula of its
    own (totals are summed in Python), so a cell that would be one holds user data: a member's name, a
    unit's, a community's. Every writer in the app builds its workbook from this class."""

    def __init__(self) -> None:
        super().__init__()
        self.remove(self.active)
        self.create_sheet()

    def create_sheet(self, title=None, index=None) -> Worksheet:
        sheet = _Sheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename) -> None:
        for sheet in self.worksheets:
            # openpyxl has no public view of only the cells that exist: iter_rows would create and
            # write every empty cell of the sheet's rectangle.
            for cell in sheet._cells.values():
                _hold_as_text(cell)
        super().save(filename)

    def to_bytes(self) -> bytes:
        out = BytesIO()
        self.save(out)
        return out.getvalue()
