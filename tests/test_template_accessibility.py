"""Template rules the axe walk (tests/browser/test_accessibility.py) cannot reach on every page."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCROLLING_TABLE = re.compile(r'<div class="table-responsive[^"]*"([^>]*)>')


def test_every_scrolling_table_can_be_reached_and_named_by_keyboard_and_screen_reader():
    """A table that scrolls sideways at 200 % zoom must take keyboard focus and have a name (WCAG 2.1.1, 1.4.10)."""
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in SCROLLING_TABLE.finditer(path.read_text()):
            attributes = match.group(1)
            named = "aria-labelledby=" in attributes or "aria-label=" in attributes
            if 'tabindex="0"' not in attributes or 'role="region"' not in attributes or not named:
                missing.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not missing, "\n".join(missing)
