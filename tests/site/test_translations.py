"""The committed .mo catalogs match their .po sources, and Korean is complete."""

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_compiled_catalog_is_up_to_date(tmp_path, language):
    assert shutil.which("msgfmt"), "gettext is missing: make test installs it"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-c", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == (po.with_suffix(".mo")).read_bytes(), f"run: make messages ({language})"


def test_korean_catalog_has_no_untranslated_or_fuzzy_messages():
    po = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
