"""The word-level difference behind "What changed since the last submission" (review/diff.py):
pure, no app and no database."""

from __future__ import annotations

import lxml.html
import pytest

from equity_tool.review.diff import Segment, markdown_html, marked, text_html, tokens, word_diff


def joined(segments: list[Segment], *kinds: str) -> str:
    return "".join(s.text for s in segments if s.kind in kinds)


def kinds(segments: list[Segment]) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segments]


# --- segments -------------------------------------------------------------------------------


def test_one_word_replaced_is_deleted_then_inserted_and_the_rest_is_the_same():
    assert kinds(word_diff("We close at noon.", "We close at six.")) == [
        ("same", "We close at "), ("deleted", "noon"), ("inserted", "six"), ("same", ".")]


def test_words_added_and_words_taken_out():
    assert kinds(word_diff("Open on weekdays.", "Open on weekdays and Saturdays.")) == [
        ("same", "Open on weekdays"), ("inserted", " and Saturdays"), ("same", ".")]
    assert kinds(word_diff("a b c", "a c")) == [("same", "a "), ("deleted", "b "), ("same", "c")]


def test_a_phrase_rewritten_is_one_change_not_one_per_word():
    assert kinds(word_diff("the quick brown fox jumps", "a slow red dog jumps")) == [
        ("deleted", "the quick brown fox"), ("inserted", "a slow red dog"), ("same", " jumps")]


def test_punctuation_is_its_own_token_but_numbers_and_contractions_stay_whole():
    assert tokens("Cost: 85,000 USD, don't.") == [
        "Cost", ":", " ", "85,000", " ", "USD", ",", " ", "don't", "."]
    assert kinds(word_diff("It costs 85,000 USD.", "It costs 90,000 USD!")) == [
        ("same", "It costs "), ("deleted", "85,000"), ("inserted", "90,000"), ("same", " USD"),
        ("deleted", "."), ("inserted", "!")]


def test_whitespace_is_kept_so_the_pieces_give_back_both_texts():
    old = "Line one.\n\nLine  two\twith tabs."
    new = "Line one.\nLine two, with tabs and more.\n"
    segments = word_diff(old, new)
    assert joined(segments, "same", "deleted") == old
    assert joined(segments, "same", "inserted") == new


def test_empty_old_new_and_identical():
    assert kinds(word_diff("", "Now answered.")) == [("inserted", "Now answered.")]
    assert kinds(word_diff(None, "x")) == [("inserted", "x")]
    assert kinds(word_diff("Was answered.", "")) == [("deleted", "Was answered.")]
    assert word_diff("", "") == [] and word_diff(None, None) == []
    assert kinds(word_diff("Same words.", "Same words.")) == [("same", "Same words.")]


# --- as HTML --------------------------------------------------------------------------------


def test_plain_answers_are_escaped_and_each_change_is_announced():
    html = text_html(word_diff("Call <b>Dana</b> & co", "Call Luis & co\nnow"))
    assert "<b>" not in html
    assert html == (
        'Call <del><span class="visually-hidden">deleted: </span>&lt;b&gt;Dana&lt;/b&gt;</del>'
        '<ins><span class="visually-hidden">inserted: </span>Luis</ins> &amp; co<br>\n'
        '<ins><span class="visually-hidden">inserted: </span>now</ins>')
    # A word replaced by another: a space between them, so they are not read as one word.
    assert str(text_html(word_diff("at noon", "at six"))) == (
        'at <del><span class="visually-hidden">deleted: </span>noon</del> '
        '<ins><span class="visually-hidden">inserted: </span>six</ins>')


def test_spaces_at_the_ends_of_a_change_stay_outside_the_mark():
    html = text_html(word_diff("a c", "a b c"))
    assert html == 'a <ins><span class="visually-hidden">inserted: </span>b</ins> c'


def read(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_markdown_is_rendered_and_only_the_changed_words_are_marked():
    old = "We will **talk** to people in the Eastside.\n\n- one\n- two"
    new = "We will **talk** to *all* people in Riverbend.\n\n- one\n- three"
    html = markdown_html(old, new)
    assert "**" not in html and "- one" not in html
    page = read(html)
    assert [e.text_content() for e in page.iter("ins")] == [
        "inserted: all", "inserted: Riverbend", "inserted: three"]
    assert [e.text_content() for e in page.iter("del")] == [
        "deleted: the Eastside", "deleted: two"]
    assert page.xpath("string(//strong)") == "talk"
    assert page.xpath("//em/ins") and len(page.xpath("//ul/li")) == 2
    # Nothing but <li> directly in the list: a change always sits inside an element with text.
    assert all(child.tag == "li" for child in page.xpath("//ul/*"))


def test_markdown_cannot_inject_markup_and_deleted_words_are_escaped_again():
    html = markdown_html("Say <script>alert(1)</script> & go", "Say hello & go <img src=x>")
    assert "<script" not in html and "<img" not in html
    page = read(html)
    assert page.xpath("string(//del)") == "deleted: <script>alert(1)</script>"
    assert "inserted: <img src=x>" in [e.text_content() for e in page.iter("ins")]


def test_markdown_answered_for_the_first_time_or_no_more():
    page = read(markdown_html("", "New **text**"))
    assert [e.text_content() for e in page.iter("ins")] == ["inserted: New", "inserted: text"]
    page = read(markdown_html("Old **text**\n\n- a\n- b", ""))
    assert page.xpath("string(//p/del)") == "deleted: Old text\n\na\nb"


@pytest.mark.parametrize("old, new", [
    ("- a\n- b\n- c", "- a\n- c"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 3 |\n| 4 | 5 |"),
    ("# Title\n\nText", "Text\n\n> quoted words"),
    ("```\ncode\n```", "```\nnew code\n```"),
])
def test_every_change_sits_in_an_element_that_takes_text(old, new):
    page = read(markdown_html(old, new))
    for mark in page.xpath("//ins | //del"):
        assert mark.getparent().tag not in {"ul", "ol", "table", "thead", "tbody", "tr"}


def test_identical_markdown_marks_nothing_and_a_formatting_change_marks_no_words():
    assert "<ins>" not in markdown_html("Same *words*", "Same *words*")
    html = markdown_html("Make it bold", "Make it **bold**")
    assert "<ins>" not in html and "<del>" not in html and "<strong>bold</strong>" in html


def test_marked_chooses_by_how_the_answer_is_read():
    assert marked("a", "*b*", "markdown").startswith("<p>")
    assert "*b*" in marked("a", "*b*", "text")
