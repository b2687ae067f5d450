"""Helpers shared by the bench/reference runners (stdlib only).

Each runner expands its arguments (files, or directories walked for the tool's extensions),
runs the tool with argument lists (never a shell string) and prints normalized JSON:
{"tool": "<name> <version>", "files": {"<path>": {...}}, "errors": [...]}.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Versions the expected fixture files are made with (METRIC-DEFINITIONS.md).
PINNED = {"cloc": "1.96", "pmd": "7.27.0", "eslint": "10.15.0", "radon": "5.1.0"}

SKIP_DIRS = {".git", "node_modules", "target", "__pycache__", ".venv", "venv"}


def expand(args, extensions):
    """Files given explicitly are kept whatever their extension; directories are walked
    (sorted, skipping SKIP_DIRS and symlinks) for files ending in one of extensions."""
    out = []
    for arg in args:
        if os.path.isdir(arg):
            for root, dirs, files in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                                 and not os.path.islink(os.path.join(root, d)))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(tuple(extensions)) and not os.path.islink(full):
                        out.append(full)
        elif os.path.isfile(arg):
            out.append(arg)
        else:
            sys.exit(f"no such file or directory: {arg}")
    return out


def run(cmd, ok_codes=(0,), **kwargs):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if proc.returncode not in ok_codes:
        sys.stderr.write(proc.stderr)
        sys.exit(f"{cmd[0]} exited with {proc.returncode}")
    return proc


def sort_functions(functions):
    functions.sort(key=lambda f: (f["line"], f.get("column", 0), f["name"]))
    return functions


def emit(tool, files, errors):
    doc = {"tool": tool, "files": files}
    if errors:
        doc["errors"] = errors
    json.dump(doc, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 1 if errors else 0
