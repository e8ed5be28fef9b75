"""Words for the ids the database groups by: questionnaire titles, impact levels and flags,
asked of the questionnaires the registry offers (the engine's own labels)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from equity_tool.questionnaire import Questionnaire

NOT_KNOWN = "Not yet known"  # no level stored: the assessment has never been submitted


@dataclass(frozen=True)
class Labels:
    titles: dict[str, str] = field(default_factory=dict)  # questionnaire id -> title
    bands: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # -> [(id, label)]
    flags: dict[tuple[str, str], str] = field(default_factory=dict)  # (questionnaire, flag) ->

    @classmethod
    def of(cls, questionnaires: Iterable[Questionnaire],
           stored_titles: dict[str, str] | None = None) -> Labels:
        """From the questionnaires offered now; `stored_titles` name those no longer offered."""
        labels = cls(titles=dict(stored_titles or {}))
        for q in questionnaires:
            labels.titles[q.id] = q.title.get()
            level = q.scoring.level
            labels.bands[q.id] = [(b.id, b.label.get()) for b in level.bands] if level else []
            for flag in q.scoring.flags:
                labels.flags[(q.id, flag.id)] = flag.message.get()
        return labels

    def title(self, questionnaire_id: str) -> str:
        return self.titles.get(questionnaire_id) or questionnaire_id

    def level(self, questionnaire_id: str, band_id: str | None) -> str:
        if band_id is None:
            return NOT_KNOWN
        return dict(self.bands.get(questionnaire_id, ())).get(band_id, band_id.capitalize())

    def level_order(self, questionnaire_id: str, band_id: str | None) -> int:
        """Bands in the questionnaire's order (lowest first), unknown ones after, none last."""
        order = [b for b, _ in self.bands.get(questionnaire_id, ())]
        if band_id is None:
            return len(order) + 1
        return order.index(band_id) if band_id in order else len(order)

    def flag(self, questionnaire_id: str, flag_id: str) -> str:
        return self.flags.get((questionnaire_id, flag_id), flag_id.replace("_", " ").capitalize())
