"""Whole numbers typed by people or sent in a request.

``str.isdigit()`` is true for "²" and "١٢", which ``int()`` then refuses or reads as another
number; and a long run of digits overflows an integer column on PostgreSQL. One check for both."""


def plain_int(text, *, max_digits: int = 9) -> int | None:
    """The whole number ``text`` spells in ASCII digits (at most ``max_digits`` of them), else None."""
    text = str(text if text is not None else "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
