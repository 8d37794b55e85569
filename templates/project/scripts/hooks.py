"""Run the project's linters on the files of a commit (pre-commit calls this).

    python scripts/hooks.py ruff-check|ruff-format|mypy|lint-imports FILE...

Each service, libs/ and the root have their own settings (pyproject.toml) and each
service its own virtual environment, so the files are grouped by the project they belong
to and each group is checked from that project's directory with the tools of its
environment: what `make lint` runs, on the changed projects only. mypy and lint-imports
check a changed project as a whole (types and imports cross files). Nothing is downloaded:
run `make install` first.
"""

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """A directory with its own pyproject.toml, and the environment whose tools check it."""

    label: str
    directory: Path
    venv: Path


def project_of(file: str) -> Project:
    parts = Path(file).resolve().relative_to(ROOT).parts
    if len(parts) > 2 and parts[0] == "services":
        directory = ROOT / "services" / parts[1]
        return Project(f"services/{parts[1]}", directory, directory / ".venv")
    if parts[0] == "libs":
        return Project("libs", ROOT / "libs", ROOT / ".venv")
    return Project("the root", ROOT, ROOT / ".venv")


def command(tool: str, project: Project, files: list[str]) -> list[str] | None:
    """The command checking `files` of `project` with `tool`, or None when it does not apply."""
    bin_dir = project.venv / "bin"
    is_root = project.directory == ROOT
    match tool:
        case "ruff-check":
            # --show-fixes names what --fix changed (F401 for a removed import, ...).
            options = ["--fix", "--show-fixes", "--force-exclude"]
            return [str(bin_dir / "ruff"), "check", *options, *files]
        case "ruff-format":
            return [str(bin_dir / "ruff"), "format", "--force-exclude", *files]
        case "mypy":
            return [str(bin_dir / "mypy"), *(["tests", "scripts"] if is_root else ["."])]
        case "lint-imports":
            # The root has no layers of its own.
            return None if is_root else [str(bin_dir / "lint-imports"), "--no-logo"]
    raise ValueError(f"unknown tool {tool!r}")


def main(arguments: Sequence[str]) -> int:
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    tool, files = arguments[0], arguments[1:]
    groups: dict[Project, list[str]] = {}
    for file in files:
        project = project_of(file)
        relative = Path(file).resolve().relative_to(project.directory)
        groups.setdefault(project, []).append(str(relative))
    status = 0
    for project, group in groups.items():
        argv = command(tool, project, group)
        if argv is None:
            continue
        if not Path(argv[0]).exists():
            print(f"{project.label}: no {argv[0]}: run `make install` first", file=sys.stderr)
            status = 1
            continue
        print(f"{tool} in {project.label}", flush=True)
        status = max(status, subprocess.run(argv, cwd=project.directory, check=False).returncode)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
