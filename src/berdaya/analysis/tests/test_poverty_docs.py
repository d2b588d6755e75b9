"""docs/analysis.md, section "Poverty, inequality and coverage", runs as written.

Only the blocks under that heading (up to the next "## " heading) are used, in order, in one
namespace and a temporary folder: every ```python block runs, and a ```text block right
after one is exactly what it prints. The ```toml block is the global MPI as a file and must
read back as `GLOBAL_MPI`; ```console lines run through the CLI. The section must also name
every public name of `berdaya.analysis.poverty` and every option of `berdaya analyze mpi`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

from berdaya.analysis import poverty
from berdaya.analysis.cli import main
from berdaya.analysis.poverty import GLOBAL_MPI, MPISpec, _cli

DOCS = Path(__file__).resolve().parents[4] / "docs" / "analysis.md"
HEADING = "## Poverty, inequality and coverage"


def section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    rest = text[text.index(HEADING) + len(HEADING) :]
    end = re.search(r"^## ", rest, flags=re.MULTILINE)
    return rest if end is None else rest[: end.start()]


def blocks() -> list[tuple[str, str, str]]:
    """(kind, body, the text between this block and the previous one)."""
    found, last = [], 0
    text = section()
    for match in re.finditer(r"^```(\w+)\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL):
        found.append((match.group(1), match.group(2), text[last : match.start()]))
        last = match.end()
    return found


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_the_python_examples_run_and_print_what_the_page_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs"}
    printed = None
    checked = 0
    found = blocks()
    assert sum(kind == "python" for kind, _, _ in found) >= 6
    for kind, body, between in found:
        if kind == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(body, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
            printed = output.getvalue()
        elif kind == "text" and printed is not None and not between.strip():
            assert lines(body) == lines(printed)
            checked += 1
            printed = None
        else:
            printed = None
    assert checked >= 6


def test_the_toml_block_is_the_global_mpi():
    (toml,) = [body for kind, body, _ in blocks() if kind == "toml"]
    assert MPISpec.from_toml_string(toml) == GLOBAL_MPI


def test_the_console_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    first_python = next(body for kind, body, _ in blocks() if kind == "python")
    exec(compile(first_python, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    namespace["households"].to_csv(tmp_path / "households.csv", index=False)
    commands = [
        line[2:]
        for kind, body, _ in blocks()
        if kind == "console"
        for line in body.splitlines()
        if line.startswith("$ berdaya analyze mpi")
    ]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        assert main(argv[2:]) == 0
    assert (tmp_path / "mpi_by_village.xlsx").exists()
    assert "M0 = 0.2123, H = 0.4643, A = 0.4573" in capsys.readouterr().out


def test_every_public_name_and_cli_option_is_documented():
    text = section()
    for name in poverty.__all__:
        assert f"`{name}" in text, name
    parser = argparse.ArgumentParser()
    mpi = _cli.add_parser(parser.add_subparsers())
    for action in mpi._actions:
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert f"`{option}" in text, option
