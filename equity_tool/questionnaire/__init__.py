"""The questionnaire engine: load and check YAML files, evaluate answers, score them.

Pure Python: nothing here imports Flask, an ORM, WTForms or docxtpl, so every other part of
Equity Tool can depend on it and it can be tested on its own.
"""
