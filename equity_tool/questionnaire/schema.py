"""Read a whole questionnaire from located YAML values, reporting every problem."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from .expressions import _KEYWORDS, FUNCTIONS, Scope
from .model import Question, Questionnaire, Rule, Section
from .problems import Problems, article, did_you_mean
from .questions import check_rows_from, read_choices, read_question
from .reader import LANGUAGE, Reader
from .scoring import read_scoring
from .yamlfile import YList, YMap

TOP_KEYS = {
    "id", "version", "title", "summary", "languages", "export", "choice_lists", "sections",
    "scoring", "review", "start", "follow_up", "publish",
}  # fmt: skip
SECTION_KEYS = {"id", "title", "intro", "show_if", "questions"}
# Extension `start`: what the start page asks -> the type of question that may ask it.
START_TYPES = {"title": "text", "decision_kind": "single_choice"}
START_VALUE_MAX = 100  # a decision kind's value is stored as the assessment's kind
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RESERVED = _KEYWORDS | set(FUNCTIONS)


def read_questionnaire(
    root: Any, problems: Problems, path: str, check_files: bool = True
) -> Questionnaire | None:
    """The questionnaire in `root`, or None when it has errors (all of them in `problems`)."""
    reader = Reader(problems)
    if not isinstance(root, YMap):
        problems.error(
            (1, 1), "a questionnaire file must be a mapping with id, version, title and sections"
        )
        return None
    reader.keys(root, TOP_KEYS, {"id", "version", "title", "sections"}, "the questionnaire")
    reader.languages = _languages(reader, root)
    choice_lists = _choice_lists(reader, root)
    sections = _sections(reader, root, choice_lists)
    questions = {q.id: q for s in sections for q in s.questions}
    fields = {
        "id": _slug(reader, root),
        "version": _version(reader, root),
        "title": reader.text(root, "title", "the title"),
        "summary": reader.text(root, "summary", "the summary"),
        "languages": reader.languages,
        "sections": tuple(sections),
        "scoring": read_scoring(reader, root, questions),
        "department_signoff": _signoff(reader, root),
        "start": _start(reader, root, sections),
        "next_review": _named(reader, root, "follow_up", "next_review", "date", sections),
        "public_summary": _named(reader, root, "publish", "summary", "long_text", sections),
        "export_template": _template(reader, root, path, check_files),
        "path": path,
    }
    if problems.has_errors:
        return None
    return Questionnaire(**fields)


def _slug(reader: Reader, root: YMap) -> str:
    value = reader.text_value(root, "id")
    reader.problems.declared_id = value
    if "id" in root and (value is None or not _SLUG.match(value)):
        reader.problems.error(
            root.at("id"),
            "the questionnaire id must use lower-case letters, "
            "digits and -, like 'rapid-equity-check'",
        )
    return value or ""


def _version(reader: Reader, root: YMap) -> str:
    value = root.get("version")
    if isinstance(value, str):
        return value
    if "version" in root:
        raw = root.raw.get("version", value)
        reader.problems.error(
            root.at("version"),
            f"version must be a quoted string: write "
            f'version: "{raw}" (unquoted, {raw} is read as a number)',
        )
    return ""


def _languages(reader: Reader, root: YMap) -> tuple[str, ...]:
    items = reader.listing(root, "languages", "languages")
    if not items:
        return ("en",)
    codes = []
    for index, code in enumerate(items):
        if not isinstance(code, str) or not LANGUAGE.match(code):
            reader.problems.error(items.at(index), f"'{code}' is not a language code like en or es")
        elif code in codes:
            reader.problems.error(items.at(index), f"the language '{code}' is listed twice")
        else:
            codes.append(code)
    return tuple(codes) or ("en",)


def _choice_lists(reader: Reader, root: YMap) -> dict[str, tuple]:
    lists = reader.mapping(root, "choice_lists", "choice_lists") or YMap()
    result = {}
    for name in lists:
        items = lists[name]
        if not isinstance(items, YList):
            reader.problems.error(
                lists.at(name), f"the choice list '{name}' must be a list of choices"
            )
            continue
        result[name] = read_choices(reader, items)
    return result


def _sections(reader: Reader, root: YMap, choice_lists: dict) -> list[Section]:
    """Sections with their questions; expressions are compiled once all ids are known."""
    items = reader.listing(root, "sections", "sections") or YList()
    read: list[tuple[YMap, list[tuple[YMap, Question]]]] = []
    section_ids: set[str] = set()
    question_lines: dict[str, int] = {}
    for index, node in enumerate(items):
        if not isinstance(node, YMap):
            reader.problems.error(
                items.at(index), "a section must be a mapping with id, title and questions"
            )
            continue
        reader.keys(node, SECTION_KEYS, {"id", "title", "questions"}, "a section")
        section_id = reader.identifier(node, "id", "a section id")
        if section_id in section_ids:
            reader.problems.error(node.at("id"), f"the section id '{section_id}' is used twice")
        section_ids.add(section_id)
        read.append((node, _questions(reader, node, choice_lists, question_lines)))
    every = {q.id: q for _, pairs in read for _, q in pairs}
    return _compile(reader, read, every)


def _questions(reader: Reader, section: YMap, choice_lists: dict, lines: dict[str, int]):
    items = reader.listing(section, "questions", "a section's questions") or YList()
    pairs = []
    for index, node in enumerate(items):
        if not isinstance(node, YMap):
            reader.problems.error(
                items.at(index), "a question must be a mapping with id, type and label"
            )
            continue
        question = read_question(reader, node, choice_lists)
        if question is None:
            continue
        if question.id in lines:
            reader.problems.error(
                node.at("id"),
                f"the question id '{question.id}' is already "
                f"used at line {lines[question.id]}; ids are unique in the file",
            )
        elif question.id in _RESERVED:
            reader.problems.error(
                node.at("id"),
                f"'{question.id}' is a word of the expression language; choose another id",
            )
        lines[question.id] = node.position[0]
        pairs.append((node, question))
    return pairs


def _compile(reader: Reader, read: list, every: dict[str, Question]) -> list[Section]:
    """Compile show_if, required and validate with the names each may use."""
    answerable = {qid: q for qid, q in every.items() if q.answerable}
    info = frozenset(qid for qid, q in every.items() if not q.answerable)
    earlier: dict[str, Question] = {}
    sections = []
    for node, pairs in read:
        show_if = None
        if "show_if" in node:
            show_if = reader.expression(
                node, "show_if", _scope(answerable, earlier, info, "show_if")
            )
        questions = []
        for qnode, question in pairs:
            questions.append(_compile_question(reader, qnode, question, answerable, earlier, info))
            check_rows_from(reader, qnode, question, earlier)
            if question.answerable:
                earlier[question.id] = question
        sections.append(
            Section(
                id=reader.text_value(node, "id") or "",
                title=reader.text(node, "title", "a section's title") or "",
                intro=reader.text(node, "intro", "a section's intro"),
                show_if=show_if,
                questions=tuple(questions),
                line=node.position[0],
            )
        )
    return sections


def _scope(answerable: dict, allowed: dict, info: frozenset, context: str) -> Scope:
    return Scope(questions=answerable, allowed=frozenset(allowed), info=info, context=context)


def _compile_question(reader, node: YMap, question: Question, answerable, earlier, info):
    changes: dict[str, Any] = {}
    if "show_if" in node:
        changes["show_if"] = reader.expression(
            node, "show_if", _scope(answerable, earlier, info, "show_if")
        )
    if "required" in node and not isinstance(node["required"], bool):
        changes["required"] = reader.expression(
            node, "required", _scope(answerable, earlier, info, "required")
        )
    elif isinstance(node.get("required"), bool):
        changes["required"] = node["required"]
    if "validate" in node:
        changes["validate"] = _rules(
            reader, node, _scope(answerable, answerable, info, "a validate rule")
        )
    return replace(question, **changes) if changes else question


def _rules(reader: Reader, node: YMap, scope: Scope) -> tuple[Rule, ...]:
    items = reader.listing(node, "validate", "validate") or YList()
    rules = []
    for index, item in enumerate(items):
        if not isinstance(item, YMap):
            reader.problems.error(
                items.at(index),
                "a validate entry must be a mapping like {rule: EXPRESSION, message: TEXT}",
            )
            continue
        reader.keys(item, {"rule", "message"}, {"rule", "message"}, "a validate entry")
        expression = reader.expression(item, "rule", scope) if "rule" in item else None
        message = reader.text(item, "message", "a validate message")
        if expression is not None and message is not None:
            rules.append(Rule(expression, message))
    return tuple(rules)


def _signoff(reader: Reader, root: YMap) -> bool:
    review = reader.mapping(root, "review", "review")
    if review is None:
        return False
    reader.keys(review, {"department_signoff"}, set(), "review")
    return (
        reader.boolean(review, "department_signoff", "department_signoff")
        if "department_signoff" in review
        else False
    )


def _start(reader: Reader, root: YMap, sections: list[Section]) -> dict[str, str]:
    """Extension: `start: {title: QUESTION_ID, decision_kind: QUESTION_ID}`, the questions the
    start page asks (in their own words) and stores as answers, so step 1 does not ask again."""
    if "start" not in root:
        return {}
    node = root.get("start")
    if not isinstance(node, YMap) or not node:
        reader.problems.error(
            root.at("start"),
            "start must be a mapping like {title: QUESTION_ID, decision_kind: QUESTION_ID}",
        )
        return {}
    reader.keys(node, set(START_TYPES), set(), "start")
    found = {q.id: (q, s) for s in sections for q in s.questions}
    result: dict[str, str] = {}
    for role, type_name in START_TYPES.items():
        if role not in node:
            continue
        question_id = reader.identifier(node, role, f"start: {role}")
        if question_id is None:
            continue
        where = node.at(role)
        if question_id not in found:
            hint = did_you_mean(question_id, found)
            reader.problems.error(
                where, f"start: {role} names '{question_id}', which is not a question of "
                f"this file{hint}"
            )
            continue
        question, section = found[question_id]
        if not question.type:  # its unknown type is reported already
            continue
        problem = _start_problem(role, type_name, question, section)
        if problem:
            reader.problems.error(where, f"start: {role}: {problem}")
        else:
            result[role] = question_id
    return result


def _start_problem(role: str, type_name: str, question: Question, section: Section) -> str | None:
    """Why `question` cannot be the start page's `role` question, or None."""
    name = f"'{question.id}' (line {question.line})"
    if question.type != type_name:
        return f"{name} is a {question.type} question; {role} needs a {type_name} question"
    if question.show_if is not None or section.show_if is not None:
        where = "it has" if question.show_if is not None else f"its section '{section.id}' has"
        return (f"{name} cannot be asked on the start page: {where} a show_if, and the start "
                "page always asks its questions")
    long = next((c.value for c in question.choices if len(c.value) > START_VALUE_MAX), None)
    if long:
        return (f"the choice value '{long[:20]}…' of {name} is too long: the value of a "
                f"decision kind has at most {START_VALUE_MAX} characters")
    return None


def _named(
    reader: Reader, root: YMap, block: str, key: str, type_name: str, sections: list[Section]
) -> str | None:
    """`follow_up: {next_review: ID}` and `publish: {summary: ID}`: a block with one key that
    names a question of the file of the type `type_name`; the question's id, or None."""
    if block not in root:
        return None
    node = root.get(block)
    if not isinstance(node, YMap):
        reader.problems.error(
            root.at(block),
            f"{block} must be a mapping like {{{key}: QUESTION_ID}}, naming a {type_name} "
            "question",
        )
        return None
    reader.keys(node, {key}, {key}, block)
    if key not in node:
        return None
    question_id = reader.text_value(node, key)
    found = {q.id: q for s in sections for q in s.questions}
    problem = _named_problem(question_id, key, type_name, found, public=block == "publish")
    if problem:
        reader.problems.error(node.at(key), f"{block}: {key} {problem}")
        return None
    return question_id if question_id in found and found[question_id].type else None


def _named_problem(
    question_id: str | None, key: str, type_name: str, found: dict[str, Question], public: bool
) -> str | None:
    """What is wrong with the question `key` names (the message's end), or None."""
    if question_id is None:
        return f"must be the id of a {type_name} question, as text"
    question = found.get(question_id)
    if question is None:
        return (f"names '{question_id}', which is not a question of this file"
                f"{_not_found_hint(question_id, type_name, found)}")
    name = f"'{question_id}' (line {question.line})"
    if question.type and question.type != type_name:  # no type: reported already
        return (f"names {name}, {article(question.type)} question; {key} needs "
                f"{article(type_name)} question")
    if public and question.private:
        return f"names {name}, which is private: true; the public summary cannot be private"
    return None


def _not_found_hint(question_id: str, type_name: str, found: dict[str, Question]) -> str:
    """Why an id is not a question: a table's column, a near miss, or the ids to choose from."""
    tables = [q.id for q in found.values() if any(c.id == question_id for c in q.columns)]
    if tables:
        return f"; it is a column of the table '{tables[0]}', and a column is not a question"
    candidates = [q.id for q in found.values() if q.type == type_name]
    hint = did_you_mean(question_id, candidates)
    if hint or not candidates:
        return hint or f"; the file has no {type_name} question"
    return f"; the {type_name} questions are {', '.join(candidates)}"


def _template(reader: Reader, root: YMap, path: str, check_files: bool) -> str | None:
    export = reader.mapping(root, "export", "export")
    if export is None:
        return None
    reader.keys(export, {"template"}, set(), "export")
    name = reader.text_value(export, "template")
    if name is None:
        return None
    template = (Path(path).parent / name).resolve()
    if template.suffix.lower() != ".docx":
        reader.problems.error(
            export.at("template"), f"the export template must be a .docx file, not '{name}'"
        )
    elif check_files and not template.is_file():
        reader.problems.error(
            export.at("template"),
            f"the export template '{name}' was not found next to this file ({template})",
        )
    return str(template)
