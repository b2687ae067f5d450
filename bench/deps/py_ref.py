#!/usr/bin/env python3
"""Reference Python import edges built from Python's own `ast` module, independent of the analyzer.

Usage: py_ref.py DIR  ->  JSON {"edges": {file: [file, ...]}} with paths relative to DIR.

Semantics (what `import` executes, as `importlib` finds modules inside the tree):
* a file's absolute imports start at the parent of its outermost package (walk up while the directory has
  `__init__.py`): the directory a script runs from, or the one a package is installed from;
* `import a.b.c` imports the deepest existing module of a.b.c (a module file `x.py`, or a package's
  `__init__.py`); `from M import n` imports M and, where `M.n` is a module, M.n too;
* relative imports go up `level - 1` directories from the file's directory;
* a module importing itself (`from . import x` in `__init__.py`) is no edge;
* namespace packages (a directory without `__init__.py`) give no file edge; stubs `.pyi` count as modules.
Hidden directories and what .gitignore would hide are not filtered here: run it on trees without them.
"""
import ast
import json
import os
import sys


def files_under(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith('.'))
        for n in names:
            if n.endswith(('.py', '.pyi')) and not n.startswith('.'):
                out.append(os.path.relpath(os.path.join(d, n), root).replace(os.sep, '/'))
    return sorted(out)


def main(root):
    files = set(files_under(root))

    def is_file(p):
        return p in files

    def module_file(base, parts):
        p = '/'.join([x for x in [base] + parts if x])
        if not parts:
            for c in (p + '/__init__.py', p + '/__init__.pyi'):
                c = c.lstrip('/')
                if is_file(c):
                    return c
            return None
        for c in (p + '.py', p + '.pyi', p + '/__init__.py', p + '/__init__.pyi'):
            if is_file(c):
                return c
        return None

    def import_root(path):
        d = os.path.dirname(path)
        while d and (is_file(d + '/__init__.py') or is_file(d + '/__init__.pyi')):
            d = os.path.dirname(d)
        return d

    edges = {}
    for f in sorted(files):
        try:
            tree = ast.parse(open(os.path.join(root, f), 'rb').read(), f)
        except (SyntaxError, ValueError):
            continue
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split('.')
                    # the deepest existing module of a.b.c
                    for k in range(len(parts), 0, -1):
                        m = module_file(import_root(f), parts[:k])
                        if m:
                            found.add(m)
                            break
            elif isinstance(node, ast.ImportFrom):
                parts = node.module.split('.') if node.module else []
                if node.level:
                    base = os.path.dirname(f)
                    ok = True
                    for _ in range(node.level - 1):
                        if not base:
                            ok = False
                            break
                        base = os.path.dirname(base)
                    if not ok:
                        continue
                else:
                    base = import_root(f)
                m = module_file(base, parts)
                if m:
                    found.add(m)
                for alias in node.names:
                    if alias.name == '*':
                        continue
                    sub = module_file(base, parts + [alias.name])
                    if sub:
                        found.add(sub)
        found.discard(f)  # `from . import x` in a package's __init__ is no edge to itself
        edges[f] = sorted(found)
    json.dump({'edges': edges}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == '__main__':
    main(sys.argv[1])
