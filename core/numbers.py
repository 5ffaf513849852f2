"""Numbers as the survey publishes them: shares rounded half up with `Decimal`, never `round()`."""

from decimal import ROUND_HALF_UP, Decimal


def percent(*, part: int, whole: int, places: int = 1) -> Decimal | None:
    """`part` of `whole` in percent, rounded half up to `places` decimals; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def whole_number(text: str | None) -> int | None:
    """The whole number `text` writes in ASCII digits (surrounding spaces allowed), or None.

    Not `str.isdigit()`: it also accepts "²" and "①", which `int()` refuses (a 500), and digits of
    other scripts, which no one types here on purpose."""
    text = (text or "").strip()
    return int(text) if text and text.isascii() and text.isdigit() else None
