"""Word exports of real assessments, opened with python-docx and read as a person would."""

from __future__ import annotations

import itertools

import pytest
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from equity_tool.publishing.export import export_assessment
from equity_tool.questionnaire import TYPES, evaluate, is_unanswered
from tests import factories
from tests.export.conftest import (
    QUESTIONNAIRE_IDS,
    all_paragraphs,
    all_text,
    approve,
    headings,
    open_docx,
)

MARKDOWN = MarkdownIt("js-default")


def markdown_lines(source: str) -> list[str]:
    """The text of each block of a markdown answer, as a reader sees it (marks dropped): a
    line break typed in the answer is a line break (a newline here), soft or hard."""
    lines = []
    for token in MARKDOWN.parse(source):
        if token.type == "inline":
            lines.append("".join("\n" if c.type in ("softbreak", "hardbreak") else c.content
                                 for c in token.children or []))
    return lines


def expected_texts(q, question, raw, answers) -> list[str]:
    """What the document must show for one answer, worked out from the questionnaire."""
    if question.type == "long_text":
        return markdown_lines(raw)
    if question.type == "table":
        cells = []
        for row in raw:
            for column in question.columns:
                cell = row.get(column.id)
                if not is_unanswered(cell):
                    shown = TYPES[column.type].display(column, cell, "en")
                    cells += markdown_lines(shown) if column.type == "long_text" else [shown]
        if question.rows_from:
            source = q.question(question.rows_from)
            cells += [c.label.get("en") for c in source.choices
                      if c.value in answers[question.rows_from]]
        return cells
    return [TYPES[question.type].display(question, raw, "en")]


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_every_answer_of_a_complete_assessment_is_in_the_document(session, people, answered,
                                                                   qid):
    q = factories.load_questionnaire(qid)
    a = approve(session, people, answered(people["staff"], q))
    document = open_docx(export_assessment(session, a, q))
    paragraphs = all_paragraphs(document)
    text = all_text(document)
    evaluation = evaluate(q, a.answers)
    question_headings = [t for s, t in headings(document) if s == "Heading 3"]
    checked = 0
    for question in q.questions():
        raw = a.answers.get(question.id)
        if not question.answerable or not evaluation.is_visible(question.id):
            continue
        assert question.label.get("en") in question_headings
        if is_unanswered(raw):
            continue
        for expected in expected_texts(q, question, raw, a.answers):
            assert expected in text, (question.id, expected)
            checked += 1
    assert checked > 20
    # the answers hold their formatting: no markdown syntax is left as text
    assert not [p for p in paragraphs if p.startswith(("- ", "* ", "**"))]


def test_headings_follow_the_page_order_without_skipping_levels(session, people, answered, full):
    a = answered(people["staff"], full)
    found = headings(open_docx(export_assessment(session, a, full)))
    assert found[0] == ("Title", "Summer library hours")
    assert [t for s, t in found if s == "Heading 1"] == [
        "Summary", "Answers", "Review record", "Sign-off"]
    evaluation = evaluate(full, a.answers)
    steps = [s.title.get() for s in full.sections if s.id not in evaluation.hidden_sections]
    answers_part = found.index(("Heading 1", "Answers"))
    review_part = found.index(("Heading 1", "Review record"))
    assert [t for s, t in found[answers_part:review_part] if s == "Heading 2"] == steps
    levels = [0 if s == "Title" else int(s.split()[-1]) for s, _ in found]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_tables_are_word_tables_whose_header_row_repeats(session, people, answered, rapid):
    a = answered(people["staff"], rapid)
    document = open_docx(export_assessment(session, a, rapid))
    by_header = {tuple(c.text for c in t.rows[0].cells): t for t in document.tables}
    matrix = by_header[("Group", "Benefit (0-3)", "Burden (0-3)",
                        "What supports these ratings?")]
    assert [c.text for c in matrix.rows[1].cells][:3] == ["Black or African American", "2", "0"]
    assert len(matrix.rows) == 1 + 4
    assert ("Score", "Value", "Maximum") in by_header
    for table in document.tables:
        first, *rest = table.rows
        assert first._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for row in rest)


def test_scores_level_and_flags_are_summarised(session, people, answered, rapid):
    answers = {**factories.example_answers(rapid), "worsens_disparity": "dont_know",
               "unintended_consequences": [{"what": "Longer queues"}]}
    a = answered(people["staff"], rapid, answers=answers)
    document = open_docx(export_assessment(session, a, rapid))
    scores = next(t for t in document.tables if t.rows[0].cells[0].text == "Score")
    assert [[c.text for c in r.cells] for r in scores.rows[1:]] == [
        ["Highest burden on any group (0-3)", "1", "3"], ["Level of concern (0-5)", "2", "5"]]
    text = all_text(document)
    assert "Impact level: Some concern" in text
    assert "Some groups bear a real burden" in text
    found = headings(document)
    assert ("Heading 3", "High") in found and ("Heading 3", "Warning") in found
    assert "A possible consequence has no mitigation yet." in text
    assert "This decision needs the full racial equity impact assessment" in text


def test_a_draft_is_marked_and_an_approved_assessment_is_not(session, people, answered, rapid):
    draft = answered(people["staff"], rapid)
    document = open_docx(export_assessment(session, draft, rapid))
    assert document.paragraphs[0].text == "DRAFT"
    assert document.sections[0].header.paragraphs[0].text.startswith("Draft: not approved")
    approved = approve(session, people, answered(people["staff"], rapid, title="Other one"))
    document = open_docx(export_assessment(session, approved, rapid))
    assert "DRAFT" not in all_paragraphs(document)
    assert "Draft" not in document.sections[0].header.paragraphs[0].text
    assert document.sections[0].header.paragraphs[0].text == "Other one"
    assert document.paragraphs[0].text == "Other one"


def test_the_review_record_holds_decisions_comments_replies_and_conditions(
        session, people, answered, full):
    a = approve(session, people, answered(people["staff"], full))
    document = open_docx(export_assessment(session, a, full))
    text = all_text(document)
    decisions = next(t for t in document.tables if t.rows[0].cells[0].text == "When")
    whats = [row.cells[2].text for row in decisions.rows[1:]]
    assert whats[0] == "started (draft)"
    assert "returned (in review → returned)" in whats
    assert whats[-1] == "approved (in review → approved)"
    assert "See my comment." in [row.cells[3].text for row in decisions.rows]
    assert "Name of the proposal (About the proposal)" in text
    assert "Say which branches, please." in text
    assert "Reply, Ana Staff" in text and "Named all three branches." in text
    assert "submission 1: Addressed" in text
    assert "needs changes" in text and "(submission 1)" in text and "(submission 2)" in text
    verdicts = next(t for t in document.tables if t.rows[0].cells[0].text == "Step")
    assert [r.cells[1].text for r in verdicts.rows[1:]] == ["needs changes", "acceptable"]
    assert "Report the swim test results." in text
    signoff = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    assert [[c.text for c in r.cells][:2] for r in signoff.rows[1:]] == [
        ["Department director", "Dee Director"], ["Equity officer", "Olu Officer"]]
    assert a.approved_at is not None
    assert f"Approved: {a.approved_at.day} " in text


HOSTILE = [
    "{{ 7*7 }}", "{% for x in y %}", "{%p endfor %}", "{{p q.formatted }}", "<w:p>",
    "</w:t></w:r></w:p>", "A & B < C > D", "\"double\" and 'single' quotes",
    "Emoji 🏊🏾‍♀️ and 🚲", "مرحبا بكم في المكتبة", "שלום", "]]><!--",
]


def test_hostile_answers_appear_literally_and_the_file_opens(session, people, answered, rapid):
    answers = factories.example_answers(rapid)
    answers["title"] = " | ".join([*HOSTILE[:4], "{_{ %_}"])
    answers["decision_summary"] = "\n\n".join(HOSTILE)
    answers["places"] = "Line one\nLine two {{ 7*7 }}"
    answers["unintended_consequences"] = [{"what": "{{ 7*7 }} <w:tbl>", "who": "&amp;"}]
    a = answered(people["staff"], rapid, answers=answers,
                 title="{{ 7*7 }} & <b>bold</b> {_{ مرحبا")
    document = open_docx(export_assessment(session, a, rapid))
    paragraphs = all_paragraphs(document)
    for hostile in HOSTILE:
        assert hostile in paragraphs, hostile
    text = all_text(document)
    assert "49" not in text.replace("2049", "")
    assert " | ".join([*HOSTILE[:4], "{_{ %_}"]) in paragraphs  # docxtpl rewrites {_{
    assert "Line one\nLine two {{ 7*7 }}" in paragraphs  # a typed line break stays one
    assert "{{ 7*7 }} <w:tbl>" in paragraphs and "&amp;" in paragraphs
    assert document.core_properties.title == "{{ 7*7 }} & <b>bold</b> {_{ مرحبا"
    assert "{{ 7*7 }} & <b>bold</b> {_{ مرحبا" in paragraphs  # the title page
    arabic = next(p for p in document.element.body.iter(qn("w:p"))
                  if "".join(t.text for t in p.iter(qn("w:t"))) == "مرحبا بكم في المكتبة")
    assert arabic.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None


def test_markdown_becomes_word_formatting(session, people, answered, rapid):
    answers = factories.example_answers(rapid)
    answers["decision_summary"] = (
        "First paragraph with **bold**, *italic* and a [link](https://example.org/a?b=1&c=2)."
        "\n\nSecond paragraph.\n\n- apples\n- pears\n\n1. one\n2. two\n\n3. three\n\n"
        "Text\n\n5. five\n6. six\n\n<script>alert(1)</script> [bad](javascript:alert(1))"
    )
    a = answered(people["staff"], rapid, answers=answers)
    document = open_docx(export_assessment(session, a, rapid))
    paragraphs = document.paragraphs
    first = next(p for p in paragraphs if p.text.startswith("First paragraph"))
    assert [r.text for r in first.runs if r.bold] == ["bold"]
    assert [r.text for r in first.runs if r.italic] == ["italic"]
    [link] = first.hyperlinks
    assert (link.text, link.address) == ("link", "https://example.org/a?b=1&c=2")
    styles = {p.text: p.style.name for p in paragraphs}
    assert styles["apples"] == styles["pears"] == "List Bullet"
    assert styles["one"] == styles["five"] == "List Number"
    assert "Second paragraph." in styles

    def num_id(text):
        p = next(p for p in paragraphs if p.text == text)
        return p._p.pPr.numPr.numId.val

    # one list keeps counting (a loose list), the next starts again at its own number
    assert num_id("one") == num_id("two") == num_id("three") != num_id("five")
    assert "<script>alert(1)</script> [bad](javascript:alert(1))" in styles


def test_spanish_assessment_is_in_spanish_and_says_so(session, people, answered, rapid):
    a = answered(people["staff"], rapid, language="es")
    document = open_docx(export_assessment(session, a, rapid))
    text = all_text(document)
    assert "Negro o afroamericano" in text and "Respuestas" in text
    assert ("Heading 2", "La decisión") in headings(document)
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "es-US"
    assert document.core_properties.language == "es-US"
    assert document.core_properties.title == "Summer library hours"


def test_other_texts_follow_their_choice(session, people, answered, rapid):
    answers = {**factories.example_answers(rapid), "groups": ["black", "another_group"],
               "benefits_burdens": [{"row": "black", "benefit": 1, "burden": 0},
                                    {"row": "another_group", "benefit": 1, "burden": 0}]}
    a = answered(people["staff"], rapid, answers=answers,
                 other_texts={"groups": "Cambodian elders"})
    text = all_text(open_docx(export_assessment(session, a, rapid)))
    assert ("Black or African American; Another group (describe it): Cambodian elders"
            in text)


def test_hidden_and_unanswered_questions(session, people, answered, full):
    answers = {k: v for k, v in factories.example_answers(full).items() if k != "team"}
    a = answered(people["staff"], full, answers=answers)
    document = open_docx(export_assessment(session, a, full))
    paragraphs = all_paragraphs(document)
    team = paragraphs.index("Who else is on the assessment team?")
    assert paragraphs[team + 1] == "Not answered"
    hidden = evaluate(full, answers).hidden
    labels = {t for _, t in headings(document)}
    assert hidden and not {full.question(h).label.get() for h in hidden} & labels
