"""Renderers: each takes the customer-safe view and the brand, and returns a file's bytes.

Renderers never see the account itself, so they cannot print ``health`` or ``internal``.
"""

from __future__ import annotations

# What a DOCX or PPTX core property (title, author) holds; python-docx and python-pptx raise
# on longer values. The model keeps names well under it; this is the last defence.
CORE_PROPERTY_MAX = 255


def core_property(value: str) -> str:
    """Return ``value`` cut to what an Office core property holds."""
    return value[:CORE_PROPERTY_MAX]
