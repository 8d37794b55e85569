"""scripts/share_bytecode.py links into a new environment the bytecode another one has
compiled for the very same file (a hard link of it, as uv makes from its cache), and
nothing else: no other file's bytecode, no folder the new environment does not have; with
--compile-rest it compiles the modules it could not link, but for those an extension module
shadows; with --store it keeps the bytecode for the environments made later, linked from
there only into an environment whose file is the very same."""

import importlib.machinery
import os
import py_compile
import shutil
import time
from pathlib import Path

import pytest
from share_bytecode import (
    compile_all,
    compiled,
    keep,
    main,
    prune,
    share,
    store_folder,
    store_name,
)

SITE = "lib/python3.11/site-packages"


def environment(root: Path) -> Path:
    (root / SITE).mkdir(parents=True)
    return root


def written(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def module(venv: Path, name: str, text: str) -> Path:
    return written(venv / SITE / name, text)


def linked_from(cache: Path, venv: Path, name: str) -> Path:
    """The file `name` of `venv` as uv installs it: a hard link of the one in its cache."""
    path = venv / SITE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.link(cache / name, path)
    return path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    for name in ("pkg/__init__.py", "pkg/shared.py", "other/__init__.py"):
        written(cache / name, f"NAME = {name!r}\n")
    return cache


def test_the_bytecode_of_a_shared_file_is_linked(tmp_path: Path, cache: Path) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    for name in ("pkg/__init__.py", "pkg/shared.py"):
        py_compile.compile(str(linked_from(cache, first, name)))
        linked_from(cache, second, name)

    assert share(second, [first]) == 2
    for name in ("pkg/__init__.py", "pkg/shared.py"):
        mine = Path(compiled(str(second / SITE / name)))
        theirs = Path(compiled(str(first / SITE / name)))
        assert mine.read_bytes() == theirs.read_bytes()
        assert os.path.samefile(mine, theirs)


def test_a_file_of_the_same_name_and_other_content_is_left_to_compile(tmp_path: Path) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    py_compile.compile(str(module(first, "pkg/mod.py", "VALUE = 1\n")))
    module(second, "pkg/mod.py", "VALUE = 2\n")

    assert share(second, [first]) == 0
    assert not Path(compiled(str(second / SITE / "pkg/mod.py"))).exists()


def test_nothing_is_added_for_a_package_the_environment_lacks(tmp_path: Path, cache: Path) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    py_compile.compile(str(linked_from(cache, first, "other/__init__.py")))

    assert share(second, [first]) == 0
    # A folder holding only __pycache__ would import as an empty namespace package.
    assert not (second / SITE / "other").exists()


def test_bytecode_the_environment_has_already_is_kept(tmp_path: Path, cache: Path) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    py_compile.compile(str(linked_from(cache, first, "pkg/shared.py")))
    source = linked_from(cache, second, "pkg/shared.py")
    py_compile.compile(str(source))
    own = Path(compiled(str(source)))
    before = own.stat().st_ino

    assert share(second, [first]) == 0
    assert own.stat().st_ino == before


def test_an_environment_not_compiled_or_missing_gives_nothing(tmp_path: Path, cache: Path) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    linked_from(cache, first, "pkg/shared.py")
    linked_from(cache, second, "pkg/shared.py")

    assert share(second, [first, tmp_path / "missing", second]) == 0
    assert share(tmp_path / "missing", [first]) == 0


def test_compile_rest_compiles_what_is_not_linked_and_skips_what_does_not_compile(
    tmp_path: Path, cache: Path
) -> None:
    first, second = environment(tmp_path / "first"), environment(tmp_path / "second")
    py_compile.compile(str(linked_from(cache, first, "pkg/shared.py")))
    shared = linked_from(cache, second, "pkg/shared.py")
    own = module(second, "pkg/own.py", "VALUE = 2\n")
    broken = module(second, "pkg/python2.py", "print 'written for another Python'\n")

    assert main(["share_bytecode.py", "--compile-rest", str(second), str(first)]) == 0

    assert os.path.samefile(compiled(str(shared)), compiled(str(first / SITE / "pkg/shared.py")))
    assert Path(compiled(str(own))).exists()
    assert not Path(compiled(str(broken))).exists()


def test_without_compile_rest_nothing_is_compiled(tmp_path: Path) -> None:
    target = environment(tmp_path / "target")
    own = module(target, "pkg/own.py", "VALUE = 2\n")

    assert main(["share_bytecode.py", str(target)]) == 0
    assert not Path(compiled(str(own))).exists()


def test_many_modules_are_compiled_on_every_core(tmp_path: Path) -> None:
    target = environment(tmp_path / "target")
    sources = [str(module(target, f"pkg/m{i}.py", f"VALUE = {i}\n")) for i in range(300)]

    assert compile_all(sources) == len(sources)
    assert all(Path(compiled(source)).exists() for source in sources)


@pytest.mark.parametrize("suffix", importlib.machinery.EXTENSION_SUFFIXES)
def test_a_source_an_extension_module_shadows_is_not_compiled(tmp_path: Path, suffix: str) -> None:
    """mypy ships each module compiled (by mypyc) and as its source: imports load the former."""
    target = environment(tmp_path / "target")
    shadowed = module(target, "tool/checker.py", "VALUE = 1\n")
    shadowed_package = module(target, "tool/__init__.py", "VALUE = 2\n")
    for name in ("tool/checker", "tool/__init__"):
        written(target / SITE / f"{name}{suffix}", "")
    plain = module(target, "tool/plain.py", "VALUE = 3\n")

    assert main(["share_bytecode.py", "--compile-rest", str(target)]) == 0

    assert not Path(compiled(str(shadowed))).exists()
    assert not Path(compiled(str(shadowed_package))).exists()
    assert Path(compiled(str(plain))).exists()


def test_what_matches_a_skip_pattern_is_left_to_compile_on_import(tmp_path: Path) -> None:
    target = environment(tmp_path / "target")
    names = {
        "pkg/core.py": True,
        "pkg/tests/test_core.py": False,
        "pkg/sub/testing/fixtures.py": False,
        "highlight/lexers/python.py": False,
        "highlight/lexers/__init__.py": True,
        "highlight/lexers/_mapping.py": True,
        "highlight/lexers/_lua_builtins.py": False,
        # Only a folder of that name inside a package is a package's tests.
        "tests_helper.py": True,
    }
    sources = {name: module(target, name, "VALUE = 1\n") for name in names}
    skip = ["*/tests/*", "*/testing/*", "highlight/lexers/[a-z]*", "highlight/*_builtins.py"]

    arguments = [f"--skip={pattern}" for pattern in skip]
    assert main(["share_bytecode.py", "--compile-rest", *arguments, str(target)]) == 0

    for name, expected in names.items():
        assert Path(compiled(str(sources[name]))).exists() is expected, name


def test_the_store_gives_a_later_environment_the_bytecode_of_the_very_same_file(
    tmp_path: Path, cache: Path
) -> None:
    store = tmp_path / "store"
    first = environment(tmp_path / "first")
    linked_from(cache, first, "pkg/shared.py")
    assert main(["share_bytecode.py", "--compile-rest", "--store", str(store), str(first)]) == 0
    bytecode = Path(compiled(str(first / SITE / "pkg/shared.py"))).read_bytes()
    shutil.rmtree(first)  # `make clean`: the stored bytecode outlives its environment

    second = environment(tmp_path / "second")
    source = linked_from(cache, second, "pkg/shared.py")
    assert main(["share_bytecode.py", "--store", str(store), str(second)]) == 0

    mine = Path(compiled(str(source)))
    assert mine.read_bytes() == bytecode
    assert os.path.samefile(mine, store_folder(store) / store_name(str(source)))


def test_the_store_keeps_what_was_compiled_and_is_told_what_it_gave(
    tmp_path: Path, cache: Path
) -> None:
    """A later environment gets `pkg/shared.py` from the store, `pkg/__init__.py` from
    another environment and compiles `other/__init__.py`: the store names the one it gave,
    and ends up with the bytecode of all three files."""
    store = tmp_path / "store"
    first = environment(tmp_path / "first")
    py_compile.compile(str(linked_from(cache, first, "pkg/shared.py")))
    assert keep(first, store) == 1
    neighbour = environment(tmp_path / "neighbour")
    py_compile.compile(str(linked_from(cache, neighbour, "pkg/__init__.py")))
    names = ("pkg/__init__.py", "pkg/shared.py", "other/__init__.py")
    target = environment(tmp_path / "target")
    sources = {name: linked_from(cache, target, name) for name in names}

    from_store: set[str] = set()
    left: list[str] = []
    assert share(target, [neighbour], left, store, from_store=from_store) == 2
    assert from_store == {str(sources["pkg/shared.py"])}
    assert left == [str(sources["other/__init__.py"])]

    later = environment(tmp_path / "later")
    arguments = ["--compile-rest", "--store", str(store), str(later), str(neighbour)]
    for name in names:
        linked_from(cache, later, name)
    assert main(["share_bytecode.py", *arguments]) == 0
    for name in names:
        source = str(later / SITE / name)
        assert os.path.samefile(compiled(source), store_folder(store) / store_name(source))


def test_the_store_gives_nothing_to_a_copy_of_the_file(tmp_path: Path, cache: Path) -> None:
    """The same content in another file (pip copies rather than links) is another name in
    the store: its modification time, which the bytecode records, differs."""
    store = tmp_path / "store"
    first = environment(tmp_path / "first")
    py_compile.compile(str(linked_from(cache, first, "pkg/shared.py")))
    assert keep(first, store) == 1

    second = environment(tmp_path / "second")
    copy = module(second, "pkg/shared.py", (cache / "pkg/shared.py").read_text())
    os.utime(copy, ns=(0, os.stat(cache / "pkg/shared.py").st_mtime_ns + 10**9))
    assert share(second, [], store=store) == 0
    assert not Path(compiled(str(copy))).exists()


def test_the_store_gives_nothing_to_a_file_changed_since(tmp_path: Path, cache: Path) -> None:
    """The very same file, edited in place (its size kept), is another name in the store."""
    store = tmp_path / "store"
    first = environment(tmp_path / "first")
    shared = linked_from(cache, first, "pkg/shared.py")
    py_compile.compile(str(shared))
    assert keep(first, store) == 1

    stat = shared.stat()
    shared.write_text(shared.read_text().upper())
    os.utime(shared, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    second = environment(tmp_path / "second")
    source = linked_from(cache, second, "pkg/shared.py")
    assert share(second, [], store=store) == 0
    assert not Path(compiled(str(source))).exists()


def test_bytecode_older_than_its_source_is_not_stored(tmp_path: Path) -> None:
    store = tmp_path / "store"
    target = environment(tmp_path / "target")
    source = module(target, "pkg/mod.py", "VALUE = 1\n")
    py_compile.compile(str(source))
    stat = source.stat()
    source.write_text("VALUE = 2\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))

    assert keep(target, store) == 0
    assert not (store_folder(store) / store_name(str(source))).exists()


def test_bytecode_of_another_python_version_is_not_used(tmp_path: Path, cache: Path) -> None:
    store = tmp_path / "store"
    target = environment(tmp_path / "target")
    source = linked_from(cache, target, "pkg/shared.py")
    other_format = store / "cpython-39-610d0d0a" / store_name(str(source))
    written(other_format, "not this Python's bytecode")

    assert share(target, [], store=store) == 0
    assert not Path(compiled(str(source))).exists()


def test_prune_removes_only_old_entries_no_environment_links(tmp_path: Path) -> None:
    store = tmp_path / "store"
    folder = store_folder(store)
    used, unused_old, unused_new = (written(folder / f"{name}.pyc", "") for name in ("a", "b", "c"))
    os.link(used, tmp_path / "environment.pyc")
    now = time.time()
    for path in (used, unused_old):
        os.utime(path, (now - 31 * 86400, now - 31 * 86400))

    assert prune(store, days=30, now=now) == 1
    assert used.exists() and unused_new.exists()
    assert not unused_old.exists()
    assert prune(tmp_path / "no-store") == 0


def test_a_store_that_cannot_be_written_still_compiles(tmp_path: Path) -> None:
    blocked = written(tmp_path / "store", "a file where the folder would be")
    target = environment(tmp_path / "target")
    source = module(target, "pkg/mod.py", "VALUE = 1\n")

    assert main(["share_bytecode.py", "--compile-rest", "--store", str(blocked), str(target)]) == 0
    assert Path(compiled(str(source))).exists()
