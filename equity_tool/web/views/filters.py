"""List filters from a query string: every value must be one of the options offered."""

from __future__ import annotations

from collections.abc import Mapping


def chosen_filters(args: Mapping[str, str], choices: Mapping[str, Mapping[str, str]],
                   names: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(filter -> value chosen, errors): `names` maps each filter to words like "a state"."""
    chosen, errors = {}, []
    for name, words in names.items():
        value = args.get(name, "")
        if value and value not in choices[name]:
            errors.append((f"filter-{name}", f"Choose {words} from the list: "
                           f"“{value[:50]}” is not one of them."))
        elif value:
            chosen[name] = value
    return chosen, errors
