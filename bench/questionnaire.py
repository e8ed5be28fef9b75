"""Benchmark the questionnaire engine on a generated 1,000-question questionnaire.

Reports (a) load + check time as a ratio to parsing the same file with PyYAML's C loader
(the floor: no checking, no positions) and (b) the median time to evaluate visibility,
validation, scores and flags for a full set of answers. Targets: (a) <= 3x, (b) < 5 ms.

    .venv/bin/python bench/questionnaire.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equity_tool.questionnaire import evaluate, load_text

SECTIONS, PER_SECTION = 50, 20  # 1,000 questions

_QUESTION_SHAPES = [
    ("yes_no", "        points: {yes: 1, no: 0}\n", "yes"),
    ("single_choice", "        choices: impact\n", "mixed"),
    ("multi_choice", "        choices: groups\n", ["black", "latino"]),
    ("number", "        min: 0\n        max: 1000000\n", 1200),
    ("text", "        max_length: 200\n", "Some short text"),
    ("long_text", "        max_length: 4000\n", "A longer *markdown* answer. " * 10),
    ("date", "", "2026-07-01"),
    ("scale", "", 3),
]


def generate() -> tuple[str, dict]:
    """The YAML text of the questionnaire and a full set of answers for it."""
    lines = [
        'id: benchmark\nversion: "1"\ntitle: Benchmark\nchoice_lists:\n  impact:\n',
        "    - {value: benefit, label: Benefit, points: 0}\n",
        "    - {value: mixed, label: Mixed, points: 2}\n",
        "    - {value: burden, label: Burden, points: 4}\n  groups:\n",
        "    - {value: black, label: Black or African American, points: 2}\n",
        "    - {value: latino, label: Hispanic or Latino, points: 1}\n",
        "    - {value: none_known, label: None known, exclusive: true}\nsections:\n",
    ]
    answers: dict = {}
    for s in range(SECTIONS):
        lines.append(f"  - id: s{s}\n    title: Section {s}\n    questions:\n")
        for q in range(PER_SECTION):
            number = s * PER_SECTION + q
            kind, extra, answer = _QUESTION_SHAPES[number % len(_QUESTION_SHAPES)]
            lines.append(
                f"      - id: q{number}\n        type: {kind}\n"
                f"        label: Question {number}?\n        help: Some *help*.\n"
                f"        required: true\n{extra}"
            )
            if number % len(_QUESTION_SHAPES) == 1 and number > 8:
                # a choice question shown only when an earlier yes/no says yes
                lines.append(
                    f"        show_if: q{number - 1} == 'yes' or count(q{number - 7}) > 0\n"
                )
            if kind == "number":
                lines.append(
                    f"        validate:\n          - {{rule: 'q{number} >= 0', "
                    f"message: Must be positive}}\n"
                )
            answers[f"q{number}"] = answer
    lines.append(_scoring())
    return "".join(lines), answers


def _scoring() -> str:
    choices = [f"points(q{n})" for n in range(1, SECTIONS * PER_SECTION, len(_QUESTION_SHAPES))]
    return (
        "scoring:\n  scores:\n"
        f'    - {{id: exposure, label: Exposure, formula: "{" + ".join(choices[:60])}"}}\n'
        '    - {id: total, label: Total, formula: "exposure * 2 + points(q2)"}\n'
        "  level:\n    from: total\n    bands:\n"
        "      - {max: 50, id: low, label: Low}\n"
        "      - {max: 200, id: moderate, label: Moderate}\n"
        "      - {id: high, label: High}\n  flags:\n"
        + "".join(
            f"    - {{id: f{n}, when: \"q{n} == 'no' and total > 10\", severity: warning, "
            f"message: Flag {n}}}\n"
            for n in range(0, 400, 8)
        )
    )


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    text, answers = generate()
    result = load_text(text, "benchmark.yaml")
    assert result.ok, result.problems[:5]
    questionnaire = result.questionnaire
    floor = best_of(lambda: yaml.load(text, Loader=yaml.CSafeLoader), 7)
    load = best_of(lambda: load_text(text, "benchmark.yaml"), 7)
    evaluation = evaluate(questionnaire, answers)
    assert not evaluation.invalid and not evaluation.missing, evaluation.invalid
    runs = []
    for _ in range(200):
        start = time.perf_counter()
        evaluate(questionnaire, answers)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    questions = len(questionnaire.questions())
    print(
        f"questions: {questions}, file: {len(text) / 1024:.0f} KiB, "
        f"expressions: show_if {sum(q.show_if is not None for q in questionnaire.questions())}, "
        f"flags {len(questionnaire.scoring.flags)}"
    )
    print(
        f"(a) load+check {load * 1000:.1f} ms vs PyYAML CSafeLoader {floor * 1000:.1f} ms: "
        f"ratio {load / floor:.2f}x (target <= 3x)"
    )
    print(
        f"(b) evaluate full answers: median {median * 1000:.2f} ms over {len(runs)} runs "
        f"(target < 5 ms)"
    )


if __name__ == "__main__":
    main()
