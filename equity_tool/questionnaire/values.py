"""How values behave in expressions: the format's null, comparison and arithmetic rules.

`None` is the language's `null` ("cannot tell yet"); it spreads through arithmetic and
ordering, and `and`/`or`/`not` follow three-valued logic, so an unanswered question never
decides a rule by accident.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_date(value: Any) -> dt.date | None:
    """A date from a date or from text of the form 'YYYY-MM-DD'."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _comparable(a: Any, b: Any) -> tuple[Any, Any] | None:
    """The pair in one type that can be compared, or None when the types differ."""
    if is_number(a) and is_number(b):
        return a, b
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        da, db = as_date(a), as_date(b)
        return (da, db) if da is not None and db is not None else None
    if type(a) is type(b):
        return a, b
    return None


def equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    pair = _comparable(a, b)
    return pair is not None and pair[0] == pair[1]


def order(a: Any, b: Any, compare: Callable[[Any, Any], bool]) -> bool | None:
    if a is None or b is None or isinstance(a, bool | list | dict) or isinstance(b, bool | list):
        return None
    pair = _comparable(a, b)
    return compare(*pair) if pair is not None else None


def finite(result: Any) -> Any:
    """`result`, or None for an infinity, NaN, or a whole number beyond a float's range:
    a formula that overflows counts as unanswered rather than stopping the page."""
    try:
        return result if result is None or math.isfinite(result) else None
    except OverflowError:  # an int too large to compare with a float
        return None


def _numeric(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        if not (is_number(a) and is_number(b)):
            return None
        try:
            return finite(fn(a, b))
        except OverflowError:  # a float operation beyond the float range
            return None

    return apply


add = _numeric(lambda a, b: a + b)
subtract = _numeric(lambda a, b: a - b)
multiply = _numeric(lambda a, b: a * b)
divide = _numeric(lambda a, b: a / b if b != 0 else None)


def truth(value: Any) -> bool | None:
    """true, false or null (cannot tell) for any value."""
    if value is None or isinstance(value, bool):
        return value
    if is_number(value):
        return value != 0
    return bool(value)


def negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def all_of(parts: Iterable[Any]) -> bool | None:
    unknown = False
    for part in parts:
        value = truth(part)
        if value is False:
            return False
        unknown = unknown or value is None
    return None if unknown else True


def any_of(parts: Iterable[Any]) -> bool | None:
    unknown = False
    for part in parts:
        value = truth(part)
        if value is True:
            return True
        unknown = unknown or value is None
    return None if unknown else False


def contains(container: Any, item: Any) -> bool:
    if isinstance(container, list):
        return any(equal(item, element) for element in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def count(value: Any) -> int:
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1


def length(value: Any) -> int | None:
    return len(value) if isinstance(value, list | str) else None


def total(value: Any) -> Any:
    if not isinstance(value, list) or not all(is_number(x) for x in value):
        return None
    try:
        return finite(sum(value))
    except OverflowError:
        return None


def extreme(pick: Callable, args: list[Any]) -> Any:
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    if not items or any(x is None for x in items):
        return None
    if all(is_number(x) for x in items):
        return pick(items)
    dates = [as_date(x) for x in items]
    if all(d is not None for d in dates) and any(isinstance(x, dt.date) for x in items):
        return pick(dates)
    if all(isinstance(x, str) for x in items):
        return pick(items)
    return None


def round_half_up(number: Any, places: Any) -> Any:
    """Round like people do (2.5 -> 3), not like Python's banker's rounding."""
    if not is_number(number) or not is_number(places) or int(places) != places:
        return None
    if abs(places) > 15:
        return None
    try:
        quantum = Decimal(1).scaleb(-int(places))
        rounded = Decimal(str(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return int(rounded) if places <= 0 else float(rounded)


def plain_number(value: Any) -> Any:
    """3.0 -> 3, so scores print as people write them."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
