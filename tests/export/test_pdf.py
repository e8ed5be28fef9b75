"""PDF through LibreOffice: the text is there, page 1 is not blank, failures are bounded."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from equity_tool.publishing.export import ExportError, docx_to_pdf, pdf_available, render_docx
from tests import factories
from tests.export.conftest import need_program
from tests.export.test_templates import context_of


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    need_program("soffice", "pdftotext", "pdftoppm")
    q = factories.load_questionnaire(factories.FULL)
    context = context_of(q, title="Eastside pool & swim lessons — مسبح")
    path = tmp_path_factory.mktemp("pdf") / "assessment.pdf"
    path.write_bytes(docx_to_pdf(render_docx(context)))
    return path


def test_the_pdf_holds_the_title_and_the_answers(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Eastside pool & swim lessons" in text
    assert "Racial equity impact assessment, version 2026.3" in text
    assert "Eastside Pool renovation and free swim lessons" in text  # an answer
    assert "dana.whitfield@example.gov" in text
    assert "Benefit (0-3)" in text  # a table's header
    assert "DRAFT" not in text  # approved


def test_page_one_renders_and_is_not_blank(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    # The same page as raw pixels (PPM), to count the ink without an imaging library.
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "raw")], check=True)
    [ppm] = tmp_path.glob("raw*.ppm")
    data = ppm.read_bytes()
    header_end = data.index(b"\n", data.index(b"\n", data.index(b"\n") + 1) + 1) + 1
    pixels = data[header_end:]
    dark = sum(1 for i in range(0, len(pixels), 3) if pixels[i] < 128)
    assert dark > 500, f"page 1 looks blank: {dark} dark pixels"


def fake_soffice(folder: Path, script: str, monkeypatch) -> None:
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_a_conversion_that_hangs_is_stopped(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    fake_soffice(tmp_path, f"sleep 30 &\necho $! > {pid_file}\nwait\n", monkeypatch)
    started = time.monotonic()
    with pytest.raises(ExportError, match="took longer than 1 seconds"):
        docx_to_pdf(b"PK", timeout=1)
    assert time.monotonic() - started < 10
    pid = int(pid_file.read_text())
    for _ in range(50):  # the whole process group is killed, not just the launcher
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"process {pid} of the conversion is still running")


def test_a_conversion_that_fails_says_so(tmp_path, monkeypatch):
    fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2\nexit 3\n",
                 monkeypatch)
    with pytest.raises(ExportError, match="exit status 3: Error: source file could not"):
        docx_to_pdf(b"PK")
    fake_soffice(tmp_path, "exit 0\n", monkeypatch)
    with pytest.raises(ExportError, match="made no PDF"):
        docx_to_pdf(b"PK")


def test_without_libreoffice_the_message_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not pdf_available()
    with pytest.raises(ExportError, match="libreoffice-writer-nogui"):
        docx_to_pdf(b"PK")
