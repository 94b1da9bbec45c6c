"""Text for a spreadsheet cell (every CSV and Excel export uses it)."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (C0 controls but tab, newline, carriage return): openpyxl
# raises IllegalCharacterError on them, which would fail the export for everyone.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell starting with one of these is run as a formula by spreadsheets (OWASP «CSV
# injection»); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text as users typed it, minus what breaks a workbook or runs as a formula."""
    value = ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
