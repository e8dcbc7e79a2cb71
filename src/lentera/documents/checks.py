"""System checks: is OCR (Tesseract and its Indonesian language data) available?"""

import shutil
import subprocess

from django.conf import settings
from django.core.checks import Warning

WITHOUT_OCR = (
    "OCR of scanned PDFs and images is off; everything else works, including the text "
    "of PDFs with a text layer and of office files."
)
SILENCE_HINT = "Set LENTERA_OCR=off to turn OCR off on purpose and silence this warning."


def tesseract_languages() -> set[str] | None:
    """The languages the installed Tesseract can read; None when it is not installed."""
    program = shutil.which("tesseract")
    if program is None:
        return None
    try:
        listed = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # The first line is a header ("List of available languages in ...").
    lines = (listed.stdout or listed.stderr).splitlines()[1:]
    return {line.strip() for line in lines if line.strip() and " " not in line.strip()}


def configured_languages() -> list[str]:
    return [code for code in settings.LENTERA_OCR_LANGUAGES.split("+") if code]


def ocr_languages() -> str:
    """The configured OCR languages that Tesseract has ("ind+eng"); "" when OCR is off."""
    if not settings.LENTERA_OCR:
        return ""
    installed = tesseract_languages() or set()
    return "+".join(code for code in configured_languages() if code in installed)


def check_ocr(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when OCR is wanted but Tesseract or its language data is missing."""
    if not settings.LENTERA_OCR:
        return []
    installed = tesseract_languages()
    if installed is None:
        return [
            Warning(
                "Tesseract is not installed. " + WITHOUT_OCR,
                hint="On Debian or Ubuntu: apt-get install tesseract-ocr tesseract-ocr-ind. "
                + SILENCE_HINT,
                id="lentera.W010",
            )
        ]
    missing = [code for code in configured_languages() if code not in installed]
    if missing:
        usable = [code for code in configured_languages() if code in installed]
        effect = f"OCR reads only: {'+'.join(usable)}." if usable else WITHOUT_OCR
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        return [
            Warning(
                f"Tesseract has no language data for: {', '.join(missing)} "
                f"(LENTERA_OCR_LANGUAGES={settings.LENTERA_OCR_LANGUAGES}). " + effect,
                hint=f"On Debian or Ubuntu: apt-get install {packages}. " + SILENCE_HINT,
                id="lentera.W011",
            )
        ]
    return []
