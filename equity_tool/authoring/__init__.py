"""Questionnaires written, checked, previewed, published and retired in the browser."""
