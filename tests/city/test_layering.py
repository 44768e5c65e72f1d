"""The city layer stands apart from the input-output engine and measures (ARCHITECTURE.md): no module of
dualcirc.city imports them, and the evaluation does not load them even indirectly (only the report, which uses the
shared report writers, does)."""
from __future__ import annotations

import ast
import subprocess
import sys

from shared_paths import REPO

CITY = REPO / "src" / "dualcirc" / "city"
FORBIDDEN = ("dualcirc.engine", "dualcirc.measures")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module or ""
            else:  # relative: resolve against dualcirc.city
                base = ["dualcirc", "city"][: 3 - node.level] if node.level <= 2 else []
                yield ".".join(base + ([node.module] if node.module else []))


def test_no_city_module_imports_the_engine_or_the_measures():
    for path in CITY.glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_the_evaluation_api_does_not_load_them():
    code = ("import sys, dualcirc.city, dualcirc.city.registry, dualcirc.city.evaluate, dualcirc.city.policy, "
            "dualcirc.city.screening, dualcirc.city.synthetic\n"
            f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
