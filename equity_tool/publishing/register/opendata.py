"""The register as open data: CSV, JSON (docs/open-data.md) and an Atom feed of publications.

Built from `read.Entry` and `read.Item` only, which hold nothing private. No Flask: the view
passes the publisher, the licence and a function giving each assessment's public addresses.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from equity_tool.publishing.register.read import Entry, Item

SCHEMA_VERSION = "1.0"
ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # the newest publications; the JSON and CSV hold every one

CSV_COLUMNS = (
    "id", "title", "department", "decision_kind", "questionnaire_id", "questionnaire_version",
    "impact_level", "impact_level_label", "submitted_on", "approved_on", "published_on",
    "next_review_on", "summary", "follow_up_items", "follow_up_done", "follow_up_at_risk",
    "url", "docx_url",
)


@dataclass(frozen=True)
class Dataset:
    """Who publishes the register and under which licence, and where it lives."""

    title: str
    publisher: str
    license_name: str
    license_url: str
    home_url: str  # the register's list page
    self_url: str  # this file's own address
    # assessment id -> (page URL, .docx URL)
    urls: Callable[[int], tuple[str, str]]


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z") \
        if value else None


def _record(entry: Entry, items: list[Item], dataset: Dataset) -> dict[str, Any]:
    page, docx = dataset.urls(entry.id)
    return {
        "id": entry.id,
        "url": page,
        "docx_url": docx,
        "title": entry.title,
        "department": entry.department,
        "decision_kind": entry.decision_kind,
        "language": entry.language,
        "questionnaire": {"id": entry.questionnaire_id, "title": entry.questionnaire_title,
                          "version": entry.questionnaire_version},
        "impact_level": {"id": entry.level_id, "label": entry.level_label}
        if entry.level_id else None,
        "summary": entry.summary,
        "submitted_on": _day(entry.submitted_at),
        "approved_on": _day(entry.approved_at),
        "published_at": _instant(entry.published_at),
        "next_review_on": _day(entry.next_review_on),
        "follow_up": [{"id": i.id, "kind": str(i.kind), "title": i.title, "owner": i.owner,
                       "due_on": _day(i.due_on), "status": str(i.status),
                       "baseline": i.baseline, "target": i.target,
                       "latest_value": i.latest_value} for i in items],
    }


def to_json(entries: list[Entry], items: dict[int, list[Item]], dataset: Dataset,
            modified: datetime | None) -> str:
    """The JSON document of docs/open-data.md, schema version SCHEMA_VERSION."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": dataset.title,
        "publisher": dataset.publisher,
        "license": {"name": dataset.license_name, "url": dataset.license_url},
        "url": dataset.home_url,
        "modified": _instant(modified),
        "count": len(entries),
        "assessments": [_record(e, items.get(e.id, []), dataset) for e in entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def to_csv(entries: list[Entry], items: dict[int, list[Item]], dataset: Dataset) -> str:
    """One row per published assessment, columns CSV_COLUMNS, a header row first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        record = _record(entry, found := items.get(entry.id, []), dataset)
        level = record["impact_level"] or {}
        writer.writerow([
            entry.id, entry.title, entry.department, entry.decision_kind or "",
            entry.questionnaire_id, entry.questionnaire_version, level.get("id") or "",
            level.get("label") or "", record["submitted_on"] or "", record["approved_on"] or "",
            _day(entry.published_at), record["next_review_on"] or "",
            _plain(entry.summary), len(found),
            sum(1 for i in found if i.status == "done"),
            sum(1 for i in found if i.status == "at risk"),
            record["url"], record["docx_url"],
        ])
    return out.getvalue()


def _plain(text: str) -> str:
    # A cell a spreadsheet will not run: = + - @ at the start make a formula in Excel.
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_atom(entries: list[Entry], dataset: Dataset, modified: datetime | None) -> bytes:
    """An Atom feed (RFC 4287) of the newest publications, licence and publisher named."""
    ET.register_namespace("", ATOM)

    def add(parent, tag: str, text: str | None = None, **attributes: str):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "id", dataset.home_url)
    add(feed, "title", dataset.title)
    add(feed, "subtitle", f"Racial equity impact assessments published by {dataset.publisher}.")
    add(feed, "updated", _instant(modified) or "1970-01-01T00:00:00Z")
    add(add(feed, "author"), "name", dataset.publisher)
    add(feed, "rights", f"{dataset.license_name}: {dataset.license_url}")
    add(feed, "link", rel="self", type="application/atom+xml", href=dataset.self_url)
    add(feed, "link", rel="alternate", type="text/html", href=dataset.home_url)
    add(feed, "link", rel="license", href=dataset.license_url)
    for entry in entries[:FEED_SIZE]:
        page, docx = dataset.urls(entry.id)
        item = add(feed, "entry")
        add(item, "id", page)
        add(item, "title", entry.title)
        add(item, "published", _instant(entry.published_at))
        add(item, "updated", _instant(entry.published_at))
        add(item, "link", rel="alternate", type="text/html", href=page)
        add(item, "link", rel="enclosure", href=docx,
            type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        add(item, "category", term=entry.department, label="Department")
        if entry.level_label:
            add(item, "category", term=entry.level_id or "", label=entry.level_label)
        add(item, "summary", entry.summary or entry.title, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
