"""Indonesian is the default language: every UI string has a compiled translation."""

import ast
import gettext
from pathlib import Path

import lentera

LOCALE = Path(lentera.__file__).parent / "locale" / "id" / "LC_MESSAGES"


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as {'msgid', 'msgid_plural', 'msgstr', 'fuzzy'} dicts."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": [], "fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                key = "msgstr"
                entry["msgstr"].append(value)
            else:
                key = keyword
                entry[keyword] = value
    return [e for e in entries if "msgid" in e]


def test_every_string_is_translated_and_not_fuzzy():
    entries = [e for e in parse_po(LOCALE / "django.po") if e["msgid"]]
    assert len(entries) > 200
    untranslated = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])]
    assert untranslated == []


def test_compiled_catalog_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for entry in parse_po(LOCALE / "django.po"):
        if not entry["msgid"]:
            continue
        if entry["msgid_plural"]:
            assert catalog.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
        elif entry.get("msgctxt"):  # {% translate "Approve" context "button" %}
            assert catalog.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"][0]
        else:
            assert catalog.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
