"""YAML that libyaml refuses but the format accepts, and explicit tags on scalars."""

from __future__ import annotations

import pytest

from equity_tool.questionnaire import load_text
from equity_tool.questionnaire.yamlfile import YAMLLoadError, parse, to_plain
from tests.engine.conftest import load, one_section, problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{label: Is it used?}", {"label": "Is it used?"}),
        ("{url: http://example.org}", {"url": "http://example.org"}),
        ("{time: 10:30}", {"time": "10:30"}),
        ("[a?, b:c, {w: a?b}]", ["a?", "b:c", {"w": "a?b"}]),
    ],
)
def test_question_marks_and_colons_in_flow_collections_are_plain_text(text, expected):
    assert to_plain(parse(text)) == expected


def test_a_file_libyaml_refuses_keeps_its_lines_and_columns():
    text = "a: 1\nchoices:\n  - {value: used, label: Is it used?}\n  - {url: http://example.org}\n"
    root = parse(text)
    assert root["choices"][0]["label"] == "Is it used?"
    assert root.at("choices") == (3, 3)
    assert root["choices"].at(1) == (4, 5)
    assert root["choices"][1].at("url") == (4, 11)


def test_a_choice_label_with_a_question_mark_in_a_flow_mapping_loads():
    body = one_section("""\
        - id: q1
          type: single_choice
          label: Which?
          choices:
            - {value: used, label: Is it used?}
            - {value: site, label: See http://example.org}
        """)
    choices = load(body).questions()[0].choices
    assert [c.label.get() for c in choices] == ["Is it used?", "See http://example.org"]


def test_when_both_parsers_refuse_the_pure_parser_message_is_given_in_one_line():
    with pytest.raises(YAMLLoadError) as caught:
        parse("a: {b: c\nd: [1, 2\n")
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("this is not valid YAML: ")
    assert caught.value.position[0] >= 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str 123", "123"),
        ("! 12", "12"),
        ("[! 12, 12, !!str true, !!str '']", ["12", 12, "true", ""]),
        ("{! a: ! 1.5}", {"a": "1.5"}),
        ("!!int 0x1F", 31),
        ("!!int '7'", 7),
        ("!!float 1", 1.0),
        ("!!bool true", True),
        ("!!null ''", None),
        ("!!map {a: !!seq [1]}", {"a": [1]}),
        ("%TAG !y! tag:yaml.org,2002:\n---\n!y!str 5", "5"),
        ("!<tag:yaml.org,2002:str> 5", "5"),
    ],
)
def test_core_schema_tags_are_honoured(text, expected):
    assert to_plain(parse(text)) == expected


def test_a_tagged_number_stays_text_where_text_is_expected():
    body = one_section("""\
        - id: zip
          type: text
          label: ! 02134
          default: !!str 2134
        """)
    question = load(body).questions()[0]
    assert question.label.get() == "02134"
    assert question.default == "2134"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int ten", "1:4: the tag !!int needs a whole number, not 'ten'; remove the tag"),
        ("a: !!bool yes", "1:4: the tag !!bool needs true or false, not 'yes'; remove the tag"),
        ("a: !!map x", "1:4: the tag !!map does not fit a single value"),
        ("a: !!str [1]", "1:4: the tag !!str does not fit a list"),
        ("a: !!seq {b: 1}", "1:4: the tag !!seq does not fit a mapping"),
        ("a: !local x", "1:4: the tag !local is not allowed; remove it"),
        ("a: !!binary aGk=", "1:4: the tag tag:yaml.org,2002:binary is not allowed; remove it"),
        ("a: !!timestamp 2026-01-01",
         "1:4: the tag tag:yaml.org,2002:timestamp is not allowed; remove it"),
        ("a: 1\n---\nb: 2\n",
         "2:1: a second YAML document starts here; a file holds one document: remove it"),
    ],
)
def test_what_the_format_refuses_has_its_own_message_and_place(text, message):
    with pytest.raises(YAMLLoadError) as caught:
        parse(text)
    line, column = caught.value.position
    assert f"{line}:{column}: {caught.value.message}" == message


def test_a_refused_tag_is_reported_with_the_file_line_and_column():
    found = problems(one_section("- {id: q1, type: yes_no, label: !!binary aGk=}\n"))
    assert found == [
        "8:39: error: the tag tag:yaml.org,2002:binary is not allowed; remove it"
    ]


def test_tabs_separate_but_do_not_indent():
    assert to_plain(parse("- foo:\t bar\n-\tbaz\n")) == [{"foo": "bar"}, "baz"]
    for text in ("a:\n\tb: 1\n", "-\t- x\n", "? a\n:\tb: c\n"):
        with pytest.raises(YAMLLoadError) as caught:
            parse(text)
        assert "tab" in caught.value.message


def test_a_questionnaire_that_needs_the_pure_parser_loads_like_any_other():
    result = load_text(
        'id: t\nversion: "1"\ntitle: {en: Is it fair?}\nsections:\n  - id: s\n    title: S\n'
        "    questions:\n      - {id: q1, type: yes_no, label: Used at 10:30?}\n",
        "q.yaml",
    )
    assert result.ok, [str(p) for p in result.problems]
    assert result.questionnaire.questions()[0].label.get() == "Used at 10:30?"
