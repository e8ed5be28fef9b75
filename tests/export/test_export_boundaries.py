"""The export package takes a session and plain objects: it never loads Flask."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_export_package_imports_no_web_framework():
    code = ("import sys, equity_tool.publishing.export\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    loaded = set(done.stdout.split())
    assert "docxtpl" in loaded
    assert not loaded & {"flask", "flask_wtf", "flask_login", "wtforms", "werkzeug"}
