"""Print requirements of this repository's projects for pip, one a line (make install).

    python scripts/pip_requirements.py            everything: what .venv/wheels holds
    python scripts/pip_requirements.py --build    the build backends of the projects
    python scripts/pip_requirements.py DIRECTORY  the runtime dependencies of one project

The projects are the root, libs/ and every service. The local projects themselves are left
out: they are on no package index, pip installs them from their directories. Everything is
the dependencies and the dev group of each project, with the build backends that pip needs
to install libs/ and the services as editable projects: with pip, `make install` downloads
all of it in one resolution into .venv/wheels, then installs each environment from there
(pip --no-index) instead of asking the index again for each one. A project's runtime
dependencies include those of the local projects it depends on (a service: libs/).
"""

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# What a backend asks for when pip builds an editable install (PEP 660), on top of the
# pyproject's build-system requires: hatchling needs the editables package.
EDITABLE_REQUIRES = {"hatchling.build": ["editables~=0.3"]}

NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")

Project = dict[str, Any]


def normalized(name: str) -> str:
    """The name as package indexes compare it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = NAME.match(requirement)
    return normalized(match.group(1)) if match else ""


def projects() -> dict[Path, Project]:
    """Every project of the repository by directory: the root, libs/, the services."""
    services = sorted(path.parent for path in (ROOT / "services").glob("*/pyproject.toml"))
    return {
        directory: tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))
        for directory in [ROOT, ROOT / "libs", *services]
    }


def name(project: Project) -> str:
    return normalized(str(project.get("project", {}).get("name", "")))


def dependencies(project: Project) -> list[str]:
    return list(project.get("project", {}).get("dependencies", []))


def group(groups: dict[str, list[Any]], group_name: str) -> list[str]:
    """A dependency group's requirements, with the groups it includes (PEP 735)."""
    requirements: list[str] = []
    for item in groups.get(group_name, []):
        if isinstance(item, str):
            requirements.append(item)
        else:
            requirements.extend(group(groups, str(item["include-group"])))
    return requirements


def build_requirements(project: Project) -> list[str]:
    build = project.get("build-system", {})
    backend = str(build.get("build-backend", ""))
    return [*build.get("requires", []), *EDITABLE_REQUIRES.get(backend, [])]


def runtime(directory: Path, every: dict[Path, Project]) -> list[str]:
    """The dependencies of one project and of the local projects it depends on."""
    by_name = {name(project): project for project in every.values()}
    pending, seen, found = [every[directory]], set[str](), list[str]()
    while pending:
        project = pending.pop(0)
        for requirement in dependencies(project):
            local = by_name.get(requirement_name(requirement))
            if local is None:
                found.append(requirement)
            elif name(local) not in seen:
                seen.add(name(local))
                pending.append(local)
    return found


def everything(every: dict[Path, Project]) -> list[str]:
    found: list[str] = []
    for project in every.values():
        found += build_requirements(project) + dependencies(project)
        found += group(project.get("dependency-groups", {}), "dev")
    return found


def main(arguments: list[str]) -> int:
    every = projects()
    local = {name(project) for project in every.values()}
    if not arguments:
        found = everything(every)
    elif arguments == ["--build"]:
        found = [item for project in every.values() for item in build_requirements(project)]
    elif len(arguments) == 1 and Path(arguments[0]).resolve() in every:
        found = runtime(Path(arguments[0]).resolve(), every)
    else:
        sys.stderr.write(f"usage: {sys.argv[0]} [--build | PROJECT_DIRECTORY]\n")
        return 2
    kept = [requirement for requirement in found if requirement_name(requirement) not in local]
    sys.stdout.write("".join(f"{requirement}\n" for requirement in dict.fromkeys(kept)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
