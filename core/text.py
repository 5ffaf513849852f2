"""Swedish text rules shared by every list the site shows or writes."""

# Å, Ä and Ö come after Z in Swedish (and in that order); é sorts as e and ü as y.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    """A key that sorts names as a Swedish list does: Ålvik, Älmhult, Örebro after Zinkgruvan."""
    return text.casefold().translate(_SWEDISH_ORDER)
