"""Identifiers of Python files, scope by scope, in a fixed order.

Reads {"path": "source", ...} as JSON on stdin and prints {"path": [[scope, name], ...]}:
every identifier the file binds or mentions (names, arguments, imports, definitions,
attributes), each with the scope it lives in. Two renders of one template that differ only
in the entity name give lists of the same length, position by position, which is how the
tests see whether an entity name collides with another identifier of the same scope.

Scopes: the module, each class body and each function (comprehensions and lambdas belong to
the function around them). Decorators, defaults and annotations are counted in the
scope around the function, where Python evaluates them. Attributes and keyword arguments
are told apart from plain names (`attribute:name`, `keyword:name`): they are other
namespaces.
"""

import ast
import json
import sys


class Collector:
    def __init__(self) -> None:
        self.out: list[tuple[str, str]] = []
        self.counter = 0

    def add(self, scope: str, name: str) -> None:
        self.out.append((scope, name))

    def new_scope(self, parent: str, name: str) -> str:
        self.counter += 1
        return f"{parent}/{name}#{self.counter}"

    def visit(self, node: ast.AST, scope: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.add(scope, node.name)
            inner = self.new_scope(scope, node.name)
            for decorator in node.decorator_list:
                self.visit(decorator, scope)
            self.visit_arguments(node.args, scope, inner)
            if node.returns is not None:
                self.visit(node.returns, scope)
            for statement in node.body:
                self.visit(statement, inner)
            return
        if isinstance(node, ast.ClassDef):
            self.add(scope, node.name)
            for expression in [*node.decorator_list, *node.bases, *node.keywords]:
                self.visit(expression, scope)
            inner = self.new_scope(scope, node.name)
            for statement in node.body:
                self.visit(statement, inner)
            return
        if isinstance(node, ast.Name):
            self.add(scope, node.id)
        elif isinstance(node, ast.Attribute):
            # Attributes live in their objects, not in the scope: `self.update` is no `update`.
            self.add(scope, f"attribute:{node.attr}")
        elif isinstance(node, ast.alias):
            # `import a.b` binds `a`; `from m import x as y` binds `y` and mentions `x`.
            self.add(scope, node.asname or node.name.split(".")[0])
            if node.asname:
                self.add(scope, node.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            self.add(scope, f"module:{node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.add(scope, f"module:{alias.name}")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.add(scope, node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            self.add(scope, f"keyword:{node.arg}")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self.add(scope, name)
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope)

    def visit_arguments(self, args: ast.arguments, outer: str, inner: str) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [arg for arg in (args.vararg, args.kwarg) if arg is not None]
        for arg in every:
            self.add(inner, arg.arg)
            if arg.annotation is not None:
                self.visit(arg.annotation, outer)
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.visit(default, outer)


def identifiers(source: str, path: str) -> list[tuple[str, str]]:
    collector = Collector()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        # Reported as a scope of its own, which no other render has.
        return [("syntax-error", f"{error.msg} at line {error.lineno}")]
    collector.visit(tree, "module")
    return collector.out


def main() -> None:
    files: dict[str, str] = json.load(sys.stdin)
    json.dump({path: identifiers(text, path) for path, text in files.items()}, sys.stdout)


if __name__ == "__main__":
    main()
