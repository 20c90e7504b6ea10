"""Text a person wrote (a title, a reason): whether it holds anything a reader can see, and its limits."""

import unicodedata
from typing import Literal, TypeGuard, overload

from app.errors import Refusal

# Spaces and line breaks, controls, format characters (U+200B, U+200D, U+FEFF, the bidi marks…), surrogates,
# private-use and unassigned code points, and combining marks, which show nothing on their own.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})
# Letters and symbols by their category that every font draws blank: the Hangul fillers, the Braille blank.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str | None) -> TypeGuard[str]:
    """Whether `text` has at least one character one can see: "\\u200b" or spaces alone are no reason, no title."""
    return text is not None and any(
        ch not in _BLANK and unicodedata.category(ch) not in _BLANK_CATEGORIES for ch in text
    )


@overload
def person_text(value: str | None, words: str, max_length: int, *, required: Literal[True] = True) -> str: ...
@overload
def person_text(value: str | None, words: str, max_length: int, *, required: bool) -> str | None: ...
def person_text(value: str | None, words: str, max_length: int, *, required: bool = True) -> str | None:
    """The text trimmed; refused (400) when required and nothing visible is left, or when too long."""
    text = (value or "").strip()
    if not visible(text):
        if required:
            raise Refusal("blank_text", f"请填写{words}")
        return None
    if len(text) > max_length:
        raise Refusal("text_too_long", f"{words}不能超过{max_length}个字")
    return text
