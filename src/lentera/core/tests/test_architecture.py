"""The floors of the house, read from every import in the source (function-level ones
included): faces are never imported by domain apps, the ground floor imports nothing
above it, and the one circle left between domain apps does not grow (issue 19 removes it)."""

import ast
from pathlib import Path

import lentera

ROOT = Path(lentera.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
FACES = {"office", "portal", "api", "core"}
GROUND = {"organizations"}
# The apps that still import each other in a circle; the set may only shrink.
CIRCLE_TODAY = {"deadlines", "documents", "register", "sop"}


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


def test_no_domain_app_imports_a_face():
    graph = app_graph()
    wrong = {
        (app, face): modules
        for app in set(APPS) - FACES
        for face, modules in graph[app].items()
        if face in FACES
    }
    assert wrong == {}


def test_the_ground_floor_imports_nothing_above_it():
    graph = app_graph()
    assert {app: graph[app] for app in GROUND if set(graph[app]) - GROUND} == {}


def test_the_circle_between_apps_does_not_grow():
    graph = app_graph()
    in_circles = {app for app in APPS if app in reachable(graph, app)}
    assert in_circles <= CIRCLE_TODAY, {
        app: sorted(graph[app]) for app in in_circles - CIRCLE_TODAY
    }


def test_the_graph_sees_imports_hidden_inside_functions(tmp_path):
    module = tmp_path / "hidden.py"
    module.write_text("def late():\n    from lentera.sop.services import complete_step\n")
    assert imported_apps(module, "organizations") == {"sop"}
