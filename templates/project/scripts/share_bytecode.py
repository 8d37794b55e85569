"""Give a new environment the compiled bytecode another environment already has.

Usage: share_bytecode.py TARGET_VENV OTHER_VENV...   (run with any Python 3.11+)

The services' environments hold mostly the same packages, and uv links each package's
files into every one of them from its cache: the same file, not a copy. Compiling those
modules (`uv sync --compile-bytecode`) is most of an environment's install time, and the
result is the same in each environment. So before the target is compiled, each of its
modules whose source file *is* the file of another environment (the same inode), and
that has been compiled there, gets that `.pyc` linked in. The compile step that follows
compiles only what is left.

A `.pyc` records its source's modification time and size, and Python checks them on
import, so a linked one is only ever used for the very file it was compiled from.
Anything that cannot be linked (another file system, no hard links) is left to the
compile step: this only saves time, it never decides what runs.
"""

import importlib.util
import os
import sys
from pathlib import Path


def site_packages(venv: Path) -> Path | None:
    """The environment's site-packages: lib/pythonX.Y/site-packages, or Lib/site-packages."""
    found = [*sorted(venv.glob("lib/python3.*/site-packages")), *venv.glob("Lib/site-packages")]
    return found[0] if found else None


def compiled(source: str) -> str:
    return importlib.util.cache_from_source(source)


def share(target: Path, others: list[Path]) -> int:
    """Link into `target` each `.pyc` an environment in `others` has for the same file;
    return how many were linked."""
    target_site = site_packages(target)
    if target_site is None:
        return 0
    other_sites = [site for site in map(site_packages, others) if site and site != target_site]
    if not other_sites:
        return 0
    linked = 0
    for directory, _, files in os.walk(target_site):
        relative = os.path.relpath(directory, target_site)
        for name in files:
            if not name.endswith(".py"):
                continue
            source = os.path.join(directory, name)
            destination = compiled(source)
            if os.path.exists(destination):
                continue
            for other_site in other_sites:
                other_source = os.path.join(other_site, relative, name)
                other_compiled = compiled(other_source)
                try:
                    if not os.path.samefile(source, other_source):
                        continue
                    os.makedirs(os.path.dirname(destination), exist_ok=True)
                    os.link(other_compiled, destination)
                except OSError:
                    continue  # not there, not compiled there, or no hard links: compiled later
                linked += 1
                break
    return linked


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    target, *others = (Path(arg) for arg in argv[1:])
    share(target, others)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
