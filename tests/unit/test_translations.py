"""Dutch is the default language: every message in the code has a Dutch translation with the same placeholders.

When this fails after adding text: run `make extract-messages`, translate the new entries in the catalogue of
the package that holds the text (``qms/<package>/translations/nl/LC_MESSAGES/messages.po`` when the package has
a translations folder, else ``qms/translations/nl/LC_MESSAGES/messages.po``), and run the tests again.
"""
import pathlib
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
PO = ROOT / "qms/translations/nl/LC_MESSAGES/messages.po"
#: The core catalogue and every package's own (Flask-Babel merges them: qms/i18n.py).
CATALOGUES = [PO] + sorted(ROOT.glob("qms/*/translations/nl/LC_MESSAGES/messages.po"))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("qms/**.py", "python"), ("qms/**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _read(po):
    with po.open("rb") as fh:
        return read_po(fh, locale="nl")


def _messages():
    """Every message of every Dutch catalogue."""
    return [message for po in CATALOGUES for message in _read(po)]


def _extracted() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add(message)
    return found


def test_every_message_in_the_code_has_a_dutch_translation():
    translated = {m.id for m in _messages() if m.id and m.string and all(m.string if isinstance(m.string, tuple)
                                                                        else [m.string]) and not m.fuzzy}
    missing = sorted(str(m) for m in _extracted() - translated)
    assert not missing, ("untranslated (run `make extract-messages` and translate):\n  " + "\n  ".join(missing))


def test_a_message_has_one_dutch_translation_in_every_catalogue():
    """Flask-Babel merges the catalogues into one, so the same English text in two packages gets one Dutch text:
    a later catalogue would silently overrule an earlier one. Words with different meanings need their own
    English wording (e.g. "Effective (worked)" against "Effective from")."""
    seen: dict[str, dict[str, str]] = {}
    for po in CATALOGUES:
        for message in _read(po):
            if message.id and message.string and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                value = message.string if isinstance(message.string, str) else "|".join(message.string)
                seen.setdefault(key, {})[str(po.relative_to(ROOT).parents[2])] = value
    clashes = sorted(f"{key!r}: {found}" for key, found in seen.items() if len(set(found.values())) > 1)
    assert not clashes, "one English text, several Dutch translations:\n  " + "\n  ".join(clashes)


def test_translations_keep_their_placeholders():
    wrong = []
    for message in _messages():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} → {string!r}")
    assert not wrong, "\n".join(wrong)


#: Addressing the reader as "u"/"uw" (formal); the interface says "je"/"jouw". Word boundaries keep "uur",
#: "uit", "nu" and placeholders such as %(u)s out; "8 u" (hours) after a digit is not an address either.
FORMAL_ADDRESS = re.compile(r"(?<![\w%(])(?<!\d )(u|uw|uzelf)(?![\w)])", re.IGNORECASE)


def _dutch_strings():
    for po in CATALOGUES:
        for message in _read(po):
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            yield po, msgid, [s for s in strings if s]


def test_dutch_texts_address_the_reader_as_je():
    formal = [(po.parent.parent.parent.parent.name, msgid, text) for po, msgid, texts in _dutch_strings()
              for text in texts if FORMAL_ADDRESS.search(text)]
    assert not formal, "use je/jouw, never u/uw: " + "; ".join(f"{pkg}: {text}" for pkg, _m, text in formal[:10])


@pytest.mark.parametrize("text, formal", [("Wilt u het beoordelen?", True), ("Uw melding", True),
                                          ("Dank u wel", True), ("8 u per dag", False), ("Gewerkte uren", False),
                                          ("Nu uit", False), ("Wil je het beoordelen?", False)])
def test_the_formal_address_check(text, formal):
    assert bool(FORMAL_ADDRESS.search(text)) is formal


def test_injury_frequency_has_one_dutch_word():
    """IF is "ongevallenfrequentie" everywhere, never "ongevalsfrequentie" or another variant."""
    other = re.compile(r"\b(?!ongevallenfrequentie\b)\w*frequentie\b", re.IGNORECASE)
    wrong = [(msgid, text) for _po, msgid, texts in _dutch_strings() for text in texts
             if "injury frequency" in msgid.lower() and "ongevallenfrequentie" not in text.lower()
             or other.search(text) and "frequency" in msgid.lower() and "injury" in msgid.lower()]
    wrong += [(msgid, text) for _po, msgid, texts in _dutch_strings() for text in texts
              if re.search(r"ongevalsfrequentie|letselfrequentie|ongevallen frequentie", text, re.IGNORECASE)]
    assert not wrong, wrong


@pytest.fixture
def compiled_catalogue():
    """Compile the .po files when `make` has not (a direct pytest run); the .mo is what Flask-Babel reads."""
    for po in CATALOGUES:
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with mo.open("wb") as fh:
                write_mo(fh, _read(po))
    return PO.with_suffix(".mo")


def test_interface_is_dutch_by_default_and_switches_to_english(compiled_catalogue, app_factory):
    import config

    assert config.Config.BABEL_DEFAULT_LOCALE == "nl"
    client = app_factory(BABEL_DEFAULT_LOCALE=config.Config.BABEL_DEFAULT_LOCALE).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Inloggen" in page
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page and "Inloggen" not in page


def _msgids(po: pathlib.Path) -> list[str]:
    """The msgids of a catalogue as written, continuation lines joined (read_po keeps only the last of two)."""
    ids, current = [], None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            current = [line[6:].strip()[1:-1]]
        elif current is not None and line.startswith('"'):
            current.append(line.strip()[1:-1])
        elif current is not None:
            ids.append("".join(current))
            current = None
    return [i for i in ids if i]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT).parents[2]))
def test_a_catalogue_defines_each_message_once(po):
    """A message written twice (a merge keeps both sides) silently loses one of its translations."""
    ids = _msgids(po)
    twice = sorted({i for i in ids if ids.count(i) > 1})
    assert not twice, f"defined twice in {po.relative_to(ROOT)}: {twice[:5]}"
