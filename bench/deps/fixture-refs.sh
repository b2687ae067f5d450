#!/usr/bin/env bash
# Regenerates the reference answers the deps crate's fixture tests compare with
# (rust-workers/crates/deps/tests/fixtures/<lang>/reference-*.json|txt):
#   js, ts  : madge 8 (npm; installed into a temp dir): `madge --json` and `madge --circular --json`
#   python  : bench/deps/py_ref.py (Python's own `ast` module)
#   java    : jdeps -verbose:package on the classes javac compiles from the fixture
# Usage: bench/deps/fixture-refs.sh [MADGE_DIR]  (a directory where `npm install madge@8 typescript` ran)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fx="$here/../../rust-workers/crates/deps/tests/fixtures"
madge_dir=${1:-}
if [ -z "$madge_dir" ]; then
  madge_dir=$(mktemp -d)
  (cd "$madge_dir" && npm install --silent --no-audit --no-fund madge@8 typescript >/dev/null)
fi
madge() { (cd "$madge_dir" && npx --no-install madge "$@"); }
madge --json "$fx/js" > "$fx/js/reference-madge.json"
# madge exits 1 when it finds a cycle
madge --circular --json "$fx/js" > "$fx/js/reference-madge-circular.json" || true
ts=(--ts-config "$fx/ts/tsconfig.json" --extensions ts,tsx)
madge --json "${ts[@]}" "$fx/ts" > "$fx/ts/reference-madge.json"
madge --circular --json "${ts[@]}" "$fx/ts" > "$fx/ts/reference-madge-circular.json" || true
python3 "$here/py_ref.py" "$fx/python" > "$fx/python/reference-ast.json"
classes=$(mktemp -d)
javac -d "$classes" $(find "$fx/java" -name '*.java')
# internal package edges only: "a.b -> c.d" lines whose target is in the compiled classes
jdeps -verbose:package -filter:none "$classes" | awk -v c="$(basename "$classes")" '$2 == "->" && $4 == c { print $1 " -> " $3 }' | sort > "$fx/java/reference-jdeps.txt"
rm -rf "$classes"
echo "references written under $fx"
