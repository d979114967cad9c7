"""The layers stay apart: the engine knows neither files, YAML nor Streamlit (the import contracts in
pyproject.toml, checked by `lint-imports` in `make lint`), and holds no prices."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_dollar_literal_in_the_engine():
    """Prices live in data/: no literal that looks like a price in the billing code (docstrings
    aside; unit definitions live in model/units.py, profile defaults in schema/profile.py)."""
    import ast

    suspicious = []
    billing = [
        *(ROOT / "model" / "vendors").glob("*.py"),
        *(
            ROOT / "model" / n
            for n in ("billing.py", "engine.py", "history.py", "usage.py", "meters.py", "lines.py", "limits.py")
        ),
    ]
    for path in billing:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in docstrings:
                if isinstance(node.value, float) and 0 < node.value < 1 and node.value not in (0.5,):
                    suspicious.append(f"{path.name}:{node.lineno} {node.value}")
                if isinstance(node.value, str) and "$" in node.value and any(c.isdigit() for c in node.value):
                    suspicious.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert not suspicious, suspicious
