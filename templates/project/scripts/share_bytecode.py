"""Give a new environment the compiled bytecode another environment already has.

Usage: share_bytecode.py [--compile-rest [--skip PATTERN]...] TARGET_VENV OTHER_VENV...
(any Python 3.11+)

The services' environments hold mostly the same packages, and uv links each package's
files into every one of them from its cache: the same file, not a copy. Compiling those
modules is most of an environment's install time, and the result is the same in each
environment. So each module of the target whose source file *is* the file of another
environment (the same inode), and that has been compiled there, gets that `.pyc` linked
in. With --compile-rest, the modules left are then compiled, in parallel, as
`uv sync --compile-bytecode` would (a module that does not compile, written for another
Python, is skipped as uv and pip skip it, and so is a source an extension module beside it
shadows); without it they compile on first import.

A `.pyc` records its source's modification time and size, and Python checks them on
import, so a linked one is only ever used for the very file it was compiled from.
Anything that cannot be linked (another file system, no hard links) is compiled instead:
sharing only saves time, it never decides what runs.
"""

import argparse
import compileall
import fnmatch
import importlib.machinery
import importlib.util
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Modules per worker process below which starting one costs more than it saves.
MODULES_PER_WORKER = 64


def site_packages(venv: Path) -> Path | None:
    """The environment's site-packages: lib/pythonX.Y/site-packages, or Lib/site-packages."""
    found = [*sorted(venv.glob("lib/python3.*/site-packages")), *venv.glob("Lib/site-packages")]
    return found[0] if found else None


def compiled(source: str) -> str:
    return importlib.util.cache_from_source(source)


def shadowed(source: str) -> bool:
    """Whether an extension module beside `source` is what an import loads instead (the
    import system tries extension modules before sources: mypy ships its modules both ways,
    compiled by mypyc and as the sources they were compiled from, which nothing imports)."""
    stem = source[: -len(".py")]
    return any(os.path.exists(stem + suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def link_from(others: list[Path], relative: str, source: str, destination: str) -> bool:
    """Link the bytecode the first of `others` has for this very file; False if none has."""
    for other_site in others:
        other_source = os.path.join(other_site, relative)
        try:
            if not os.path.samefile(source, other_source):
                continue
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            os.link(compiled(other_source), destination)
        except OSError:
            continue  # not there, not compiled there, or no hard links
        return True
    return False


def share(target: Path, others: list[Path], left: list[str] | None = None) -> int:
    """Link into `target` each `.pyc` an environment in `others` has for the same file;
    return how many were linked. The sources still without bytecode go to `left`."""
    target_site = site_packages(target)
    if target_site is None:
        return 0
    other_sites = [site for site in map(site_packages, others) if site and site != target_site]
    if not other_sites and left is None:
        return 0
    linked = 0
    for directory, _, files in os.walk(target_site):
        for name in files:
            if not name.endswith(".py"):
                continue
            source = os.path.join(directory, name)
            destination = compiled(source)
            if os.path.exists(destination) or shadowed(source):
                continue
            relative = os.path.relpath(source, target_site)
            if link_from(other_sites, relative, source, destination):
                linked += 1
            elif left is not None:
                left.append(source)
    return linked


def compile_module(source: str) -> bool:
    return bool(compileall.compile_file(source, quiet=2))


def compile_all(sources: list[str]) -> int:
    """Compile `sources` on every core; return how many compiled."""
    workers = min(os.cpu_count() or 1, len(sources) // MODULES_PER_WORKER)
    if workers <= 1:
        return sum(map(compile_module, sources))
    with ProcessPoolExecutor(workers) as pool:
        return sum(pool.map(compile_module, sources, chunksize=32))


def to_compile(sources: list[str], site: Path, skip: list[str]) -> list[str]:
    """`sources` but for those whose path in `site` matches a pattern of `skip`."""
    return [
        source
        for source in sources
        if not any(fnmatch.fnmatchcase(os.path.relpath(source, site), pattern) for pattern in skip)
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile-rest", action="store_true", help="compile what is not linked")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="PATTERN",
        help="with --compile-rest, leave the modules whose path in site-packages matches "
        "(fnmatch: * matches / too) to compile on first import",
    )
    parser.add_argument("target", type=Path)
    parser.add_argument("others", type=Path, nargs="*")
    arguments = parser.parse_args(argv[1:])
    left: list[str] | None = [] if arguments.compile_rest else None
    share(arguments.target, arguments.others, left)
    site = site_packages(arguments.target)
    if left and site is not None:
        compile_all(to_compile(left, site, arguments.skip))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
