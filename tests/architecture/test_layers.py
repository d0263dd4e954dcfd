"""Layers point down: an app imports only the apps below it.

Every module under safeguarding/ (migrations aside) is parsed, and every import in it is
checked: at module level, inside functions and under ``if TYPE_CHECKING``, ``import x`` and
``from x import y``, absolute and relative. When a lower app must tell higher ones that
something happened, the higher apps register a reaction with it in ``AppConfig.ready``
instead of being imported (see docs/developers/architecture.md, "Layers").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "safeguarding"

# Bottom first. An app may import every app in a lower layer; within its own layer, only
# the apps named against it. The reasons for this order are in the architecture document.
LAYERS: list[dict[str, frozenset[str]]] = [
    # Foundations, which import no app: reading the environment, shared vocabulary, and
    # the GOV.UK kit.
    {"environment": frozenset(), "vocabulary": frozenset(), "govuk": frozenset()},
    {"audit": frozenset()},
    {"writes": frozenset()},
    # The registry of what each app holds about a person, which every such app fills.
    {"records": frozenset()},
    {"access": frozenset()},
    # The registry of work lists, which every app's provider fills for the home page.
    {"worklists": frozenset()},
    {"notifications": frozenset()},
    {"people": frozenset()},
    {"clocks": frozenset()},
    {"concerns": frozenset()},
    {"mash": frozenset(), "pathway": frozenset()},
    # The domain apps that build on concerns and each other.
    {
        "linkage": frozenset(),
        "networks": frozenset({"linkage"}),
        "exitpayments": frozenset(),
        "fund": frozenset({"exitpayments"}),
        "collaboration": frozenset(),
        "reportingduty": frozenset(),
        "warningnotices": frozenset(),
        "helpline": frozenset(),
        "therapy": frozenset(),
        "inspections": frozenset(),
        "chronology": frozenset(),
        "taskforce": frozenset({"helpline", "networks", "therapy", "warningnotices"}),
        # Structured case work in census codes, and the statutory returns made from it.
        "casework": frozenset(),
        "returns": frozenset({"casework"}),
        # Retention, legal holds, erasure and subject access, over the registry of holdings.
        "retention": frozenset(),
    },
    # The entry points: pages, the API, operators' commands, and the project package
    # (settings, the root URLconf, WSGI), which names every app.
    {
        "web": frozenset(),
        "api": frozenset(),
        "demo": frozenset(),
        "scheduled": frozenset(),
        "backup": frozenset(),
        "config": frozenset({"web"}),
        "cli": frozenset({"backup", "config", "demo", "scheduled"}),
    },
]

# Imports allowed against the order: (module, imported app) -> the reason. Keep it short.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _position() -> dict[str, int]:
    return {app: depth for depth, layer in enumerate(LAYERS) for app in layer}


def _modules() -> Iterator[tuple[Path, str, list[str]]]:
    """Each module under safeguarding/ but migrations: its path, its app and its package."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent)
        if "migrations" in relative.parts:
            continue
        parts = list(relative.with_suffix("").parts)
        if len(parts) < 2 or parts[1] == "__init__":
            continue  # safeguarding/__init__.py belongs to no app
        package = parts[:-1]
        yield path, Path(parts[1]).stem, package


def _imported(node: ast.AST, package: list[str]) -> list[str]:
    """The dotted names an import statement brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        if module == "safeguarding":
            return [f"safeguarding.{alias.name}" for alias in node.names]
        return [module]
    return []


def _imports() -> Iterator[tuple[str, int, str, str]]:
    """(module path, line, importing app, imported app) for each import of another app."""
    for path, app, package in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for name in _imported(node, package):
                parts = name.split(".")
                if parts[0] == "safeguarding" and len(parts) > 1 and parts[1] != app:
                    location = str(path.relative_to(ROOT.parent))
                    yield location, node.lineno, app, parts[1]


def test_every_app_has_a_place_in_the_layers():
    """A new app, or a new module at the top of the package, must be placed."""
    apps = {path.parent.name for path in ROOT.glob("*/__init__.py")} | {
        path.stem for path in ROOT.glob("*.py") if path.stem != "__init__"
    }
    placed = _position()
    assert sorted(apps - placed.keys()) == [], "apps with no layer"
    assert sorted(placed.keys() - apps) == [], "layers naming apps that do not exist"
    assert sum(len(layer) for layer in LAYERS) == len(placed), "an app is in two layers"


def test_the_sub_order_within_each_layer_has_no_cycle():
    for layer in LAYERS:
        for app, allowed in layer.items():
            assert allowed <= layer.keys(), f"{app} names an app outside its layer"
            seen: set[str] = set()
            stack = list(allowed)
            while stack:
                other = stack.pop()
                assert other != app, f"{app} can reach itself within its layer"
                if other not in seen:
                    seen.add(other)
                    stack.extend(layer[other])


def test_every_import_points_down():
    position = _position()
    offenders = []
    used = set()
    for location, line, app, imported in _imports():
        if imported not in position:
            continue  # reported by the test above
        below = position[imported] < position[app]
        layer = LAYERS[position[app]]
        same_layer_allowed = imported in layer and imported in layer[app]
        if below or same_layer_allowed:
            continue
        if (location, imported) in EXCEPTIONS:
            used.add((location, imported))
            continue
        offenders.append(f"{location}:{line} {app} imports {imported}")
    assert offenders == [], "imports of an app above or beside:\n" + "\n".join(offenders)
    assert sorted(EXCEPTIONS.keys() - used) == [], "exceptions no longer needed"


def test_the_scan_sees_imports_inside_functions():
    """The parser must find the imports that matter most: those hidden in a function."""
    found = {(location, imported) for location, _, _, imported in _imports()}
    assert ("safeguarding/scheduled.py", "clocks") in found
    assert ("safeguarding/cli.py", "demo") in found
