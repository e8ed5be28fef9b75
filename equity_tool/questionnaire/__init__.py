"""The questionnaire engine: load and check YAML files, evaluate answers, score them.

Pure Python: nothing here imports Flask, an ORM, WTForms or docxtpl, so every other part of
Equity Tool can depend on it and it can be tested on its own.
"""

from .answertypes import (
    TYPES,
    is_unanswered,
    picked_values,
    rows_by_choice,
    stored_rows,
    table_rows,
)
from .evaluate import Evaluation, evaluate
from .followup import TrackedRow, next_review_date, tracked_rows
from .loader import LoadResult, load_file, load_folder, load_paths, load_text, questionnaire_files
from .model import Band, Choice, Flag, Question, Questionnaire, Section, Text, Tracks
from .problems import Problem

__all__ = [
    "TYPES",
    "Band",
    "Choice",
    "Evaluation",
    "Flag",
    "LoadResult",
    "Problem",
    "Question",
    "Questionnaire",
    "Section",
    "Text",
    "TrackedRow",
    "Tracks",
    "evaluate",
    "is_unanswered",
    "load_file",
    "load_folder",
    "load_paths",
    "load_text",
    "next_review_date",
    "picked_values",
    "questionnaire_files",
    "rows_by_choice",
    "stored_rows",
    "table_rows",
    "tracked_rows",
]
