"""The direction of the arrows, read from the source: the core neither names a norm nor keeps a norm's
registrations, and norm packages plug in through their app's registry only.

(That the core never *imports* a norm is proven in tests/integration/test_route_permissions.py.)
"""
import ast
import pathlib
import re

QMS_DIR = pathlib.Path(__file__).resolve().parents[2] / "qms"
#: The shipped norm packages; any other subpackage with a catalogue/ folder is a norm too.
NORM_PACKAGES = {"iso9001", "vca", "pso"} | {p.parent.name for p in QMS_DIR.glob("*/catalogue") if p.is_dir()}
#: A norm named by its code, title or level code: iso9001, ISO 9001, vca, vca2, VCA**, PSO-audit … (not "vcard").
NORM_NAME = re.compile(r"(?<![A-Za-z0-9])(iso[ _-]?9001|vca[0-9]*|pso[0-9]*)(?![A-Za-z0-9])", re.IGNORECASE)
#: Demo and benchmark data describe the demo company, which is certified for the three shipped norms; each
#: step asks the registry before it adds a norm's records. Everything else in the core is norm-free.
DEMO_DATA = re.compile(r"(^|/)(demo|seed)(\.py$|/)")
#: The core's import-time registration functions: for the core's own packages only. A norm registers on
#: ``registry(app)`` in its setup, so nothing it registers outlives its app.
CORE_ONLY = {"register_access_check", "register_restriction", "restrict_entity_type", "name_entity_type", "handler"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def norm_names_in_python(source: str) -> list[tuple[int, str]]:
    """(line, string) of every string literal that names a norm; docstrings and comments do not count."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and NORM_NAME.search(node.value)]


def norm_names_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of every template line that names a norm outside a {# comment #}."""
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), source, flags=re.DOTALL)
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if NORM_NAME.search(line)]


def _core_files(pattern: str):
    for path in sorted(QMS_DIR.rglob(pattern)):
        relative = path.relative_to(QMS_DIR)
        if relative.parts[0] not in NORM_PACKAGES and not DEMO_DATA.search(relative.as_posix()):
            yield relative, path


def test_the_scan_catches_a_norm_name_written_in_code():
    source = '"""Docstring about VCA."""\n# a comment on PSO\nLEVEL = "vca2"\nTITLE = _("ISO 9001 audit")\nok = "vcard"\n'
    assert [line for line, _ in norm_names_in_python(source)] == [3, 4]
    assert norm_names_in_python('x = f"{norm}: PSO-certificaat"') and not norm_names_in_python('x = "pseudo"')
    template = '{# ISO 9001 #}\n<span>QMS · VCA</span>\n<p>{{ _("Readiness") }}</p>\n'
    assert norm_names_in_template(template) == [(2, "<span>QMS · VCA</span>")]
    assert not DEMO_DATA.search("documents/views.py") and DEMO_DATA.search("documents/demo.py")


def test_the_core_names_no_norm():
    offenders = [f"qms/{relative}:{line}: {text[:80]!r}"
                 for relative, path in _core_files("*.py")
                 for line, text in norm_names_in_python(path.read_text(encoding="utf-8"))]
    offenders += [f"qms/{relative}:{line}: {text[:80]}"
                  for relative, path in _core_files("*.html")
                  for line, text in norm_names_in_template(path.read_text(encoding="utf-8"))]
    assert not offenders, ("the core must ask the registry instead of naming a norm (its code, title or texts "
                           "belong in the norm's package):\n  " + "\n  ".join(offenders))


def test_norms_register_on_their_apps_registry_only():
    offenders = []
    for norm in sorted(NORM_PACKAGES):
        for path in sorted((QMS_DIR / norm).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
                if name in CORE_ONLY or (isinstance(node, ast.alias) and node.name in CORE_ONLY):
                    offenders.append(f"{path.relative_to(QMS_DIR.parent)}:{node.lineno}: {name or node.name}")
    assert not offenders, "a norm registers in its setup on registry(app):\n  " + "\n  ".join(offenders)


def test_the_contract_keeps_no_unused_slot_or_signal():
    norms_source = (QMS_DIR / "norms" / "__init__.py").read_text(encoding="utf-8")
    for unused in ("dashboard_widgets", "pdf_sections", "norms_loaded"):
        assert unused not in norms_source
    signals = (QMS_DIR / "signals.py").read_text(encoding="utf-8")
    declared = re.findall(r"^(\w+) = _signals\.signal", signals, re.MULTILINE)
    for name in declared:
        receivers = [p for p in QMS_DIR.rglob("*.py") if p.name != "signals.py"
                     and re.search(rf"\b{name}\.connect\b|@{name}\.connect", p.read_text(encoding="utf-8"))]
        assert receivers, f"signal {name} has no receiver in qms/"
