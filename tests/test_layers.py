"""The layers stay apart: the engine knows neither files, YAML nor Streamlit (the import contracts in
pyproject.toml, checked by `lint-imports` in `make lint`), and holds no prices; and each room stays
small enough to read, or says why it is one."""

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
            for n in (
                "billing.py",
                "engine.py",
                "history.py",
                "usage.py",
                "meters.py",
                "addons.py",
                "features.py",
                "plan_lines.py",
                "infrastructure.py",
                "people.py",
                "overrides.py",
                "option_bill.py",
                "plan_choice.py",
                "lines.py",
                "limits.py",
            )
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


LONG = 600
"""A module longer than this states at its top why it is one file (`Why one file:`)."""


def test_every_long_module_says_why_it_is_one_file():
    """Files are split by responsibility; one past `LONG` lines says in its docstring why it is not."""
    import ast

    root = ROOT
    skip = {".venv", ".tools", "node_modules", ".git"}
    silent = []
    for path in root.rglob("*.py"):
        if skip & set(path.relative_to(root).parts):
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "Why one file:" not in doc:
            silent.append(f"{path.relative_to(root)} ({text.count(chr(10))} lines)")
    assert not silent, "split these, or say at their top why each is one file: " + ", ".join(sorted(silent))
