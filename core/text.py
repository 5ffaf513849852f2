"""Swedish text rules shared by every list the site shows or writes."""

import unicodedata

# Å, Ä and Ö come after Z in Swedish (and in that order); é sorts as e and ü as y.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    """A key that sorts names as a Swedish list does: Ålvik, Älmhult, Örebro after Zinkgruvan."""
    return text.casefold().translate(_SWEDISH_ORDER)


def normalise_email(address: str) -> str:
    """The one form an e-mail address is stored, compared and locked out by: Unicode NFKC (fullwidth
    letters and ligatures such as ﬁ become plain letters), case folded (``ß`` is ``ss``, ``A`` is
    ``a``) and without surrounding spaces. Two addresses are the same identity exactly when their
    normalised forms are equal; a dotless ``ı`` stays itself, so ``ıda@x.se`` is not ``ida@x.se``."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address.strip()).casefold())
    return folded.strip()
