"""Loading and checking files: YAML 1.2 rules and every error class, with its line."""

from __future__ import annotations

from equity_tool.questionnaire import load_text
from tests.engine.conftest import HEADER, load, one_section, problems

YES_NO = """\
- id: q1
  type: yes_no
  label: Affects residents?
"""


def test_a_valid_file_loads_with_no_problem():
    questionnaire = load(one_section(YES_NO))
    assert [q.id for q in questionnaire.questions()] == ["q1"]
    assert questionnaire.version == "1"


def test_yes_no_on_and_off_stay_text_under_yaml_1_2():
    body = one_section("""\
        - id: q1
          type: single_choice
          label: Pick
          choices:
            - {value: yes, label: no}
            - {value: on, label: off}
        """)
    choices = load(body).questions()[0].choices
    assert [(c.value, c.label.get()) for c in choices] == [("yes", "no"), ("on", "off")]


def test_unquoted_digits_stay_as_written_where_text_is_expected():
    body = one_section("""\
        - id: zip
          type: text
          label: 02134
          default: 02134
        """)
    question = load(body).questions()[0]
    assert question.label.get() == "02134"
    assert question.default == "02134"


def test_an_unquoted_version_number_is_an_error_that_says_to_add_quotes():
    header = "id: t\nversion: 1.10\ntitle: T\n"
    assert problems(one_section(YES_NO), header) == [
        '2:10: error: version must be a quoted string: write version: "1.10" '
        "(unquoted, 1.10 is read as a number)"
    ]


def test_a_key_given_twice_is_an_error_naming_both_lines():
    body = one_section("""\
        - id: q1
          type: yes_no
          label: One
          label: Two
        """)
    assert problems(body) == [
        "11:9: error: the key 'label' is given twice in this mapping (first at line 10); keep one"
    ]


def test_a_yaml_syntax_error_gives_its_line():
    found = problems("sections: [\n  - id: x\n")
    assert len(found) == 1 and found[0].startswith("5:") and "not valid YAML" in found[0]


def test_python_tags_are_refused_and_nothing_is_constructed():
    found = problems("sections: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert found == [
        "4:11: error: the tag tag:yaml.org,2002:python/object/apply:os.system "
        "is not allowed; remove it"
    ]


def test_an_alias_bomb_is_refused_not_expanded():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    result = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert [str(p) for p in result.problems] == [
        "bomb.yaml:5:5: error: the file is too large or repeats an alias too often"
    ]


def test_unknown_keys_are_errors_with_did_you_mean():
    assert problems("titel: X\n" + one_section(YES_NO)) == [
        "4:1: error: unknown key 'titel' in the questionnaire (did you mean 'title'?)"
    ]
    body = one_section("""\
        - id: q1
          type: yes_no
          label: X
          requird: true
        """)
    assert problems(body) == [
        "11:9: error: unknown key 'requird' in a question (did you mean 'required'?)"
    ]


def test_missing_required_keys_are_reported():
    found = problems("sections:\n  - id: s\n    questions: []\n", header="title: T\n")
    assert "1:1: error: the questionnaire needs the key 'id'" in found
    assert "1:1: error: the questionnaire needs the key 'version'" in found
    assert "3:5: error: a section needs the key 'title'" in found
    assert "4:16: error: a section's questions needs at least one entry" in found


def test_every_problem_of_a_file_is_reported_in_one_run():
    body = one_section("""\
        - id: Q1
          type: txt
          label: X
        - id: q2
          type: number
          label: N
          min: ten
        """)
    found = problems(body)
    assert len(found) == 3
    assert found[0].startswith("8:13: error: the id of a question 'Q1' must start with")
    assert found[1].startswith("9:15: error: unknown question type 'txt' (did you mean 'text'?)")
    assert found[2] == "14:14: error: min must be a number, not 'ten'"


def test_question_ids_are_unique_across_sections():
    body = """\
    sections:
      - id: a
        title: A
        questions:
          - {id: q1, type: yes_no, label: One}
      - id: b
        title: B
        questions:
          - {id: q1, type: yes_no, label: Two}
    """
    assert problems(body) == [
        "12:14: error: the question id 'q1' is already used at line 8; ids are unique in the file"
    ]


def test_a_key_of_another_type_names_the_types_it_belongs_to():
    body = one_section("- {id: n, type: number, label: N, max_length: 3}\n")
    assert problems(body) == [
        "8:41: error: 'max_length' does not apply to a number question (it is for long_text, text)"
    ]


def test_choices_errors():
    body = "choice_lists:\n  impact:\n    - {value: a, label: A}\n    - {value: a, label: B}\n"
    body += one_section("""\
        - {id: c1, type: single_choice, label: C, choices: impakt}
        - {id: c2, type: multi_choice, label: D, choices: [{value: "x y", label: X}]}
        - {id: c3, type: single_choice, label: E}
        """)
    assert problems(body) == [
        "7:15: error: the value 'a' is used twice in this list of choices",
        "12:58: error: there is no choice list named 'impakt' in choice_lists "
        "(did you mean 'impact'?)",
        "13:66: error: a choice's value must be a short code of letters, digits, _ and -, "
        "like 'none_known'",
        "14:9: error: a choice question needs the key 'choices'",
    ]


def test_texts_must_have_the_default_language_and_warn_on_missing_translations():
    header = 'id: t\nversion: "1"\ntitle: {en: Test, es: Prueba}\nlanguages: [en, es]\n'
    body = """\
    sections:
      - id: main
        title: {en: Main, es: Principal}
        questions:
          - id: q1
            type: yes_no
            label: {en: Affected}
            help: {es: Ayuda, fr: Aide}
    """
    assert problems(body, header) == [
        "11:16: warning: the label of a question has no 'es' translation; 'en' is shown",
        "12:15: error: help has no text in the default language 'en'",
        "12:27: error: 'fr' is not one of this file's languages (en, es)",
    ]


def test_a_file_with_only_warnings_loads():
    header = HEADER + "languages: [en, es]\n"
    result = load_text(header + one_section(YES_NO), "q.yaml")
    assert result.ok and result.problems and not result.errors
    assert result.questionnaire.questions()[0].label.get("es") == "Affects residents?"


def test_table_errors():
    body = one_section("""\
        - {id: groups, type: multi_choice, label: G, choices: [{value: a, label: A}]}
        - id: t
          type: table
          label: T
          rows_from: grups
          columns:
            - {id: a, type: table, label: Nested}
            - {id: b, type: text, label: B, show_if: "groups == 'a'"}
            - {id: b, type: text, label: B2}
        """)
    assert problems(body) == [
        "12:20: error: rows_from must name an earlier multi_choice question; 'grups' is not "
        "one (did you mean 'groups'?)",
        "14:27: error: a table column cannot be of type 'table'",
        "15:43: error: a table column cannot have 'show_if'",
        "16:18: error: the column id 'b' is used twice in this table",
    ]


def test_bounds_and_patterns_are_checked():
    body = one_section("""\
        - {id: n, type: number, label: N, min: 10, max: 5}
        - {id: t, type: text, label: T, pattern: "[a-z"}
        - {id: d, type: date, label: D, min: yesterday}
        - {id: s, type: scale, label: S, labels: {1: Low, 9: High}}
        """)
    found = problems(body)
    assert found[0] == "8:55: error: max must not be less than min"
    assert found[1].startswith("9:48: error: pattern is not a valid regular expression")
    assert found[2] == "10:44: error: min must be a date like 2026-03-27, or today"
    assert (
        found[3] == "11:57: error: a scale label's key must be a whole number from 1 to 5, not '9'"
    )


def test_a_default_must_be_a_valid_answer():
    body = one_section(
        "- {id: c, type: single_choice, label: C, default: z, choices: [{value: a, label: A}]}\n"
    )
    assert problems(body) == [
        "8:57: error: the default is not a valid answer: Select one of the options"
    ]


def test_an_export_template_must_exist(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(HEADER + "export: {template: missing.docx}\n" + one_section(YES_NO))
    from equity_tool.questionnaire import load_file

    [problem] = load_file(path).problems
    assert (
        problem.line == 4 and "the export template 'missing.docx' was not found" in problem.message
    )


def test_content_hash_ignores_comments_and_layout_but_not_content():
    first = load(one_section(YES_NO))
    reformatted = load(
        "# a comment\n" + one_section("- {id: q1, type: yes_no, label: 'Affects residents?'}\n")
    )
    changed = load(one_section(YES_NO.replace("Affects", "Touches")))
    assert first.content_hash == reformatted.content_hash
    assert first.content_hash != changed.content_hash
    assert len(first.content_hash) == 64


def test_a_duplicate_key_does_not_hide_the_other_problems():
    body = one_section("""\
        - id: q1
          type: yes_no
          label: One
          label: Two
        - {id: q2, type: txt, label: X}
        """)
    found = problems(body)
    assert found[0].startswith("11:9: error: the key 'label' is given twice")
    assert found[1].startswith("12:24: error: unknown question type 'txt'")


def test_a_missing_escalation_target_is_reported_beside_other_errors(tmp_path):
    from equity_tool.questionnaire import load_folder

    (tmp_path / "rapid.yaml").write_text(HEADER + one_section(YES_NO, extra="""
scoring:
  flags:
    - {id: big, when: "q1 == 'yes'", severity: severe, message: M, escalate_to: nowhere}
"""))
    [result] = load_folder(tmp_path)
    messages = sorted(f"{p.line}: {p.message}" for p in result.problems)
    assert messages == [
        "14: severity must be one of info, warning, high, not 'severe'",
        "14: the flag 'big' escalates to 'nowhere', which is not a questionnaire in this folder",
    ]
