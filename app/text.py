"""Text a person fills in (a title, a reason): visible characters required, a length limit always."""
import unicodedata

from app.errors import Refusal

# Letters that draw nothing: Hangul fillers and the blank Braille pattern pass as "letters" otherwise.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def visible(ch: str) -> bool:
    """A character that puts ink on the screen: not a space, a control or format character, a lone
    combining mark, or a blank letter."""
    return unicodedata.category(ch)[0] not in "ZCM" and ch not in _BLANK_LETTERS


def person_text(value: str | None, words: str, max_length: int, *, required: bool = True) -> str | None:
    """The text trimmed; refused (400) when required and nothing visible is left, or when too long."""
    text = (value or "").strip()
    if not any(visible(ch) for ch in text):
        if required:
            raise Refusal("blank_text", f"请填写{words}")
        return None
    if len(text) > max_length:
        raise Refusal("text_too_long", f"{words}不能超过{max_length}个字")
    return text
