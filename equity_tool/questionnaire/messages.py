"""Messages a person reads when an answer breaks a rule, in the languages we ship.

Questionnaires may name any language; messages fall back to English where we have no
translation yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# An example date in messages must not move with the clock, or the `score` output would.
EXAMPLE_DATE = "2026-03-27"

_MESSAGES: dict[str, dict[str, str]] = {
    "text": {"en": "Enter text", "es": "Escriba un texto"},
    "too_short": {
        "en": "Enter at least {n} characters",
        "es": "Escriba al menos {n} caracteres",
    },
    "too_long": {
        "en": "Enter {n} characters or fewer",
        "es": "Escriba {n} caracteres o menos",
    },
    "pattern": {"en": "Enter it in the format asked for", "es": "Escríbalo en el formato pedido"},
    "number": {
        "en": "Enter a number, like 25 or 1500.50",
        "es": "Escriba un número, como 25 o 1500.50",
    },
    "integer": {"en": "Enter a whole number", "es": "Escriba un número entero"},
    "number_min": {
        "en": "Enter a number of {n} or more",
        "es": "Escriba un número igual o mayor que {n}",
    },
    "number_max": {
        "en": "Enter a number of {n} or less",
        "es": "Escriba un número igual o menor que {n}",
    },
    "date": {
        "en": f"Enter a real date, for example {EXAMPLE_DATE}",
        "es": f"Escriba una fecha real, por ejemplo {EXAMPLE_DATE}",
    },
    "date_min": {
        "en": "Enter a date on or after {n}",
        "es": "Escriba una fecha igual o posterior a {n}",
    },
    "date_max": {
        "en": "Enter a date on or before {n}",
        "es": "Escriba una fecha igual o anterior a {n}",
    },
    "email": {
        "en": "Enter an email address in the correct format, like name@example.gov",
        "es": "Escriba un correo electrónico válido, como nombre@ejemplo.gov",
    },
    "url": {
        "en": "Enter a web address starting with https:// or http://",
        "es": "Escriba una dirección web que empiece por https:// o http://",
    },
    "yes_no": {"en": "Select yes or no", "es": "Seleccione sí o no"},
    "choice": {"en": "Select one of the options", "es": "Seleccione una de las opciones"},
    "choices": {
        "en": "Select only options from the list",
        "es": "Seleccione solo opciones de la lista",
    },
    "exclusive": {
        "en": "'{label}' cannot be selected with other options",
        "es": "'{label}' no se puede seleccionar junto con otras opciones",
    },
    "min_selected": {"en": "Select at least {n} options", "es": "Seleccione al menos {n} opciones"},
    "max_selected": {
        "en": "Select at most {n} options",
        "es": "Seleccione como máximo {n} opciones",
    },
    "scale": {"en": "Select a value from {a} to {b}", "es": "Seleccione un valor de {a} a {b}"},
    "table": {"en": "Enter the table's rows", "es": "Complete las filas de la tabla"},
    "unknown_column": {"en": "Unknown column '{n}'", "es": "Columna desconocida '{n}'"},
    "min_rows": {"en": "Add at least {n} rows", "es": "Añada al menos {n} filas"},
    "max_rows": {"en": "Add at most {n} rows", "es": "Añada como máximo {n} filas"},
    "cell_required": {"en": "Enter a value", "es": "Escriba un valor"},
    "row": {"en": "Row {n}", "es": "Fila {n}"},
    "yes": {"en": "Yes", "es": "Sí"},
    "no": {"en": "No", "es": "No"},
}


# How a date reads, one format per language, wherever people see one: answers on pages and in
# Word, and every date of the Word export. Data (the export's "iso") stays YYYY-MM-DD.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
DATE_FORMATS: dict[str, str] = {"en": "{day} {month} {year}", "es": "{day} de {month} de {year}"}


def long_date(value: dt.date, language: str | None = None) -> str:
    """`value` as people read it: "2 March 2027", "2 de marzo de 2027" (English where the
    language has no format of its own)."""
    language = language if language in DATE_FORMATS else "en"
    return DATE_FORMATS[language].format(day=value.day, month=MONTHS[language][value.month - 1],
                                         year=value.year)


def message(key: str, language: str | None = None, **params: Any) -> str:
    texts = _MESSAGES[key]
    template = texts.get(language or "en", texts["en"])
    return template.format(**params)
