"""Text a person wrote: whether it holds anything a reader can see."""
import unicodedata

# Spaces and line breaks, controls, format characters (U+200B, U+200D, U+FEFF, the bidi marks…), surrogates,
# private-use and unassigned code points, and combining marks, which show nothing on their own.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})
# Letters and symbols by their category that every font draws blank: the Hangul fillers, the Braille blank.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str | None) -> bool:
    """Whether `text` has at least one character one can see: "\\u200b" or spaces alone are no reason, no title."""
    return bool(text) and any(ch not in _BLANK and unicodedata.category(ch) not in _BLANK_CATEGORIES for ch in text)
