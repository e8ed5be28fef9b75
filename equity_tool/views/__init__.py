"""Blueprints: thin views that load, check, call one domain function, and redirect or render."""
