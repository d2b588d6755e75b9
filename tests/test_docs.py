"""The docs say what the code does: settings, commands, apps and the two README commands."""

import re
from pathlib import Path

from django.apps import apps
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_DIR = ROOT / "src" / "berdaya" / "config" / "settings"
DJANGO_DEFAULT_OPTIONS = {
    "--version",
    "-v",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
    "-h",
    "--help",
}


def _read(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def test_every_environment_variable_is_documented():
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"(?:env(?:\.\w+)?|secret)\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        names |= set(re.findall(r"os\.environ\.setdefault\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
    assert {
        "DATABASE_URL",
        "BERDAYA_FIELD_KEYS",
        "BERDAYA_SECRET_KEY",
    } <= names  # the scan itself works
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", _read("docs/settings.md")))
    assert names - documented == set(), "add these to docs/settings.md"


def _berdaya_commands():
    for name, app in get_commands().items():
        if app.startswith("berdaya."):
            yield name, load_command_class(app, name)


def test_every_berdaya_command_and_option_is_documented():
    cli_doc = _read("docs/cli.md")
    commands = dict(_berdaya_commands())
    assert {"load_areas", "demo"} <= set(commands)
    for name, command in commands.items():
        spelled = name.replace("_", "-")
        assert f"### `berdaya {spelled}`" in cli_doc, f"document `berdaya {spelled}`"
        assert str(command.help) in cli_doc, f"docs/cli.md should quote the help of {spelled}"
        parser = command.create_parser("berdaya", name)
        for action in parser._actions:
            for option in action.option_strings:
                if option not in DJANGO_DEFAULT_OPTIONS:
                    assert f"`{option}" in cli_doc, f"document {spelled} {option}"


def test_readme_leads_with_the_two_commands_and_ci_runs_the_test_command():
    readme = _read("README.md")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    makefile = _read("Makefile")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in _read(".ci/run")


def test_architecture_names_every_app():
    architecture = _read("docs/ARCHITECTURE.md")
    ours = [c.label for c in apps.get_app_configs() if c.name.startswith("berdaya.")]
    assert ours
    for label in ours:
        assert f"`{label}`" in architecture, f"docs/ARCHITECTURE.md should describe `{label}`"


def test_documented_paths_exist():
    for doc in ("README.md", "docs/ARCHITECTURE.md"):
        for target in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", _read(doc)):
            base = ROOT if doc == "README.md" else ROOT / "docs"
            assert (base / target).exists() or (ROOT / target).exists(), f"{doc} → {target}"
