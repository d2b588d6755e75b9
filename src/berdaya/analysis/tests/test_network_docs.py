"""docs/analysis.md, section "Influence networks and critical mass", runs as written.

Only the blocks under that heading (up to the next "## " heading) are run, in order, in one
namespace and a temporary folder. A ```text block right after a ```python block is that
block's exact output. ```console lines starting with `berdaya analyze network` run through
the CLI. The section also has to name every public name and every CLI option.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from berdaya.analysis import network
from berdaya.analysis.network import _cli

DOCS = Path(__file__).resolve().parents[4] / "docs" / "analysis.md"
HEADING = "## Influence networks and critical mass"


def section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(HEADING)
    rest = text[start + len(HEADING) :]
    end = re.search(r"^## ", rest, flags=re.MULTILINE)
    return rest if end is None else rest[: end.start()]


def blocks() -> list[tuple[str, str]]:
    return re.findall(r"^```(\w+)\n(.*?)^```$", section(), flags=re.MULTILINE | re.DOTALL)


def run_cli(line: str) -> int:
    argv = shlex.split(line)
    assert argv[:3] == ["berdaya", "analyze", "network"], line
    try:
        from berdaya.analysis.cli import main
    except ImportError:  # the dispatcher's other subcommands are not there yet
        parser = argparse.ArgumentParser(prog="berdaya analyze")
        _cli.add_parser(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(argv[2:])
        args.run(args)
        return 0
    return main(argv[2:])


def test_the_section_runs_and_prints_what_it_shows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    found = blocks()
    assert sum(kind == "python" for kind, _ in found) >= 5
    namespace: dict[str, object] = {"__name__": "docs"}
    for number, (kind, body) in enumerate(found):
        if kind == "python":
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(body, f"docs/analysis.md block {number}", "exec"), namespace)  # noqa: S102
            following = found[number + 1] if number + 1 < len(found) else None
            if following is not None and following[0] == "text":
                shown = [line.rstrip() for line in following[1].rstrip("\n").splitlines()]
                got = [line.rstrip() for line in printed.getvalue().rstrip("\n").splitlines()]
                assert got == shown, f"block {number} prints something else than the docs show"
        elif kind == "console":
            for line in body.splitlines():
                if line.startswith("berdaya analyze network"):
                    assert run_cli(line) == 0, line
    assert (tmp_path / "champions.xlsx").exists()
    assert (tmp_path / "champions-cascade.xlsx").exists()
    capsys.readouterr()


def test_the_section_names_every_public_name():
    text = section()
    missing = [name for name in network.__all__ if name not in text]
    assert not missing, f"undocumented: {missing}"


def test_the_section_names_every_cli_option():
    parser = argparse.ArgumentParser()
    sub = _cli.add_parser(parser.add_subparsers())
    text = section()
    options = [o for action in sub._actions for o in action.option_strings if o.startswith("--")]
    missing = [o for o in options if o not in ("--help",) and f"`{o}" not in text]
    assert not missing, f"undocumented options: {missing}"


@pytest.mark.parametrize("name", ["analysis.md"])
def test_the_heading_is_there_once(name):
    assert (DOCS.parent / name).read_text(encoding="utf-8").count(HEADING) == 1
