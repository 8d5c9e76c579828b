"""Dates, numbers and money written for the account's locale and currency (Babel)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

from csplan.words import _

# Territories that print on US Letter; everyone else on A4.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "SV", "NI",
                      "DO", "PA", "BZ"}
_UNITS = {"hours": "duration-hour", "days": "duration-day"}


@dataclass(frozen=True)
class Formatter:
    """Write values for one locale and currency; every document uses the same instance."""

    locale: str
    currency: str

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale.replace("-", "_"))

    @property
    def page_size(self) -> str:
        return "Letter" if self.babel_locale.territory in LETTER_TERRITORIES else "A4"

    @property
    def text_direction(self) -> str:
        return "rtl" if self.babel_locale.text_direction == "rtl" else "ltr"

    def date(self, value: Optional[date]) -> str:
        """Return a medium-length date: ``Feb 1, 2026``, ``1 Feb 2026``, ``01.02.2026``."""
        return format_date(value, "medium", locale=self.babel_locale) if value else ""

    def month(self, value: date) -> str:
        """Return a month and year in the locale's order: ``Feb 2026``, ``Feb. 2026``,
        ``2026年2月``."""
        return format_skeleton("yMMM", value, locale=self.babel_locale)

    def months(self, start: date, end: date) -> str:
        """Return a span of months as the locale writes it: ``Apr – Nov 2026``,
        ``Apr 2026 – Jan 2027``, ``2026年4月～11月``."""
        if (start.year, start.month) == (end.year, end.month):
            return self.month(start)
        return format_interval(start, end, "yMMM", locale=self.babel_locale)

    def quarter(self, quarter: str) -> str:
        """Return a quarter written ``2026-Q4`` as the locale shows it: ``Q4 2026``,
        ``T4 2026``, ``2026/Q4``; any other text as it is."""
        found = re.fullmatch(r"(\d{4})-Q([1-4])", quarter.strip())
        if not found:
            return quarter
        first_day = date(int(found[1]), 3 * int(found[2]) - 2, 1)
        return format_skeleton("yQQQ", first_day, locale=self.babel_locale)

    def list(self, items: Iterable[str]) -> str:
        """Return the items as one list: ``A, B, and C``, ``A, B und C``, ``A、B、C``."""
        return format_list(list(items), locale=self.babel_locale)

    @property
    def currency_symbol(self) -> str:
        from babel.numbers import get_currency_symbol

        return get_currency_symbol(self.currency, locale=self.babel_locale).replace('"', "")

    @property
    def chart_money_format(self) -> str:
        """Return the Office number format of whole amounts on a chart's axis, the currency
        symbol where the locale's currency pattern puts it: ``"$"#,##0``, ``#,##0 "€"``,
        ``"€" #,##0``."""
        pattern = self.babel_locale.currency_formats["standard"].pattern.split(";")[0]
        sign = pattern.find("¤")
        digits = min(i for i in (pattern.find("#"), pattern.find("0")) if i >= 0)
        between = pattern[sign + 1:digits] if sign < digits else pattern[digits:sign]
        gap = " " if any(c.isspace() for c in between) else ""
        symbol = '"{}"'.format(self.currency_symbol)
        return f"{symbol}{gap}#,##0" if 0 <= sign < digits else f"#,##0{gap}{symbol}"

    def chart_format(self, unit: str, whole: bool) -> str:
        """Return the Office number format of a metric's values on a chart (its axis and
        its labels): whole numbers, or one decimal when a value has one (so that a label
        says 16.8%, as the text does, not 17%), with the unit as the locale writes it after
        a number: ``0"%"``, ``#,##0.0" Std."``, ``0"\u00a0%"``. The decimal and grouping
        marks are the reader's: Office writes them as the viewer's language does."""
        if unit == "money":
            return self.chart_money_format
        digits = "#,##0" if whole else "#,##0.0"
        sample = self.percent(0.02) if unit == "percent" else self.value(2, unit)
        if unit == "count" or not sample.startswith("2") or '"' in sample:
            return digits
        return f'{digits}"{sample[1:]}"'

    def number(self, value: float) -> str:
        return format_decimal(round(value, 2), locale=self.babel_locale)

    def money(self, value: float) -> str:
        """Return money in the account's currency, without cents for whole amounts."""
        loc = self.babel_locale
        if float(value).is_integer():
            pattern = loc.currency_formats["standard"].pattern
            pattern = pattern.replace(".00", "").replace(",00", "")
            return format_currency(value, self.currency, format=pattern, locale=loc,
                                   currency_digits=False)
        return format_currency(value, self.currency, locale=loc)

    def percent(self, share: float) -> str:
        """Return ``share`` (0.85) as a percentage (``85%``, ``85 %``), at most one decimal."""
        return format_percent(round(share, 3), locale=self.babel_locale,
                              decimal_quantization=False)

    def value(self, value: Optional[float], unit: str) -> str:
        """Return a metric value written for its unit: percent, money, hours, days, count."""
        if value is None:
            return ""
        if unit == "percent":
            return self.percent(value / 100)
        if unit == "money":
            return self.money(value)
        if unit in _UNITS:
            return format_unit(round(value, 2), _UNITS[unit], length="short",
                               locale=self.babel_locale)
        return self.number(value)

    def difference(self, value: Optional[float], unit: str) -> str:
        """Return the difference between two values of a metric: as ``value`` writes it,
        except that two percentages differ by percentage points (``8 pts``, ``8 Pp.``), not
        by a percent of one of them."""
        if unit == "percent" and value is not None:
            # Translators: a difference between two percentages in percentage points
            # ("up 8 pts"): the short form your business slides use
            return _("{number} pts").format(number=self.number(value))
        return self.value(value, unit)
