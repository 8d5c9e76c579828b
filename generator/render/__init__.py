"""Renderers: each takes the customer-safe view and the brand, and returns a file's bytes.

Renderers never see the account itself, so they cannot print ``health`` or ``internal``.
"""

from __future__ import annotations
