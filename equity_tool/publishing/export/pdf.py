"""PDF from the .docx through LibreOffice headless, bounded in time, never hanging a request.

Each conversion gets a throwaway LibreOffice profile of its own: two conversions at once
would otherwise fight over one profile's lock, and a crashed run could leave it broken.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from equity_tool.publishing.export.errors import ExportError

TIMEOUT = 60.0  # seconds; a long assessment converts in a few
_PROGRAMS = ("soffice", "libreoffice")
MISSING_MESSAGE = ("LibreOffice is not installed, so no PDF can be made: install the Debian "
                   "package libreoffice-writer-nogui (`make system-deps`). The .docx export "
                   "still works.")


def _program() -> str | None:
    return next((found for name in _PROGRAMS if (found := shutil.which(name))), None)


def available() -> bool:
    """Whether LibreOffice is installed, so a PDF can be offered."""
    return _program() is not None


def docx_to_pdf(docx: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF of a .docx; ExportError if LibreOffice is missing, fails or takes too long."""
    program = _program()
    if program is None:
        raise ExportError(MISSING_MESSAGE)
    with tempfile.TemporaryDirectory(prefix="equity-tool-pdf-") as work:
        folder = Path(work)
        source = folder / "assessment.docx"
        source.write_bytes(docx)
        command = [
            program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
            "--norestore", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
            "--outdir", str(folder / "out"), str(source),
        ]
        _run(command, folder, timeout)
        result = folder / "out" / "assessment.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ExportError("LibreOffice ran but made no PDF from the document. Download the "
                              ".docx instead.")
        return result.read_bytes()


def _run(command: list[str], folder: Path, timeout: float) -> None:
    # Its own session, so that on a timeout the whole group (oosplash and soffice.bin) is
    # stopped, not just the launcher; HOME points into the throwaway folder too.
    env = {**os.environ, "HOME": str(folder)}
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ExportError(f"LibreOffice took longer than {timeout:g} seconds to make the PDF, "
                          "so it was stopped. Download the .docx instead, or try again "
                          "later.") from None
    finally:
        _stop(process)
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"LibreOffice could not make the PDF (exit status "
                          f"{process.returncode}{': ' + detail[-1] if detail else ''}). "
                          "Download the .docx instead.")


def _stop(process: subprocess.Popen) -> None:
    """Kill what is left of the conversion's own process group, if anything."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.communicate()
