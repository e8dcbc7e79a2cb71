"""The floors of the house, read from every import in the source (function-level ones
included): each app imports only apps on floors below its own, so there is no circle,
no domain app imports a face, and the ground floor imports nothing above it."""

import ast
from pathlib import Path

import lentera

ROOT = Path(lentera.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
# docs/architecture.md draws these floors; news travels up as domain events.
FLOORS = {
    "organizations": 0,
    "audit": 0,
    "accounts": 1,  # logins, lockouts, passwords, sessions
    "sop": 1,  # SOPs as data and the policy: who may do what to which item
    "documents": 2,  # soft and hard copies
    "register": 3,  # items, the engine that moves them, what the public can reach
    "deadlines": 4,
    "search": 4,
    "office": 5,
    "portal": 5,
    "api": 5,
    "core": 5,
}
FACES = {app for app, floor in FLOORS.items() if floor == 5}


def imported_apps(path: Path, own: str) -> set[str]:
    """The other Lentera apps that one module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level >= 2:
            modules = [f"lentera.{node.module}"]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "lentera" and len(parts) > 1 and parts[1] in APPS and parts[1] != own:
                found.add(parts[1])
    return found


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the modules that import it (tests and migrations aside)."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in APPS}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                continue
            for other in imported_apps(path, app):
                graph[app].setdefault(other, []).append(str(path.relative_to(ROOT)))
    return graph


def reachable(graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for other in graph[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def test_every_app_has_a_floor():
    assert set(APPS) == set(FLOORS)


def test_every_import_goes_down_a_floor():
    graph = app_graph()
    upward_or_sideways = {
        (app, other): modules
        for app in APPS
        for other, modules in graph[app].items()
        if FLOORS[other] >= FLOORS[app]
    }
    assert upward_or_sideways == {}


def test_no_circle_between_apps():
    graph = app_graph()
    assert {app for app in APPS if app in reachable(graph, app)} == set()


def test_no_domain_app_imports_a_face():
    graph = app_graph()
    wrong = {
        (app, face): modules
        for app in set(APPS) - FACES
        for face, modules in graph[app].items()
        if face in FACES
    }
    assert wrong == {}


def test_the_graph_sees_imports_hidden_inside_functions(tmp_path):
    module = tmp_path / "hidden.py"
    module.write_text("def late():\n    from lentera.register.workflow import complete_step\n")
    assert imported_apps(module, "organizations") == {"register"}


def test_a_circle_would_be_seen():
    graph = {"sop": {"register": []}, "register": {"documents": []}, "documents": {"sop": []}}
    assert reachable(graph, "sop") == {"sop", "register", "documents"}
