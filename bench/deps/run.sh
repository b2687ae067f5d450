#!/usr/bin/env bash
# bench/deps: `analyze-dependencies`' graph against established tools on real third-party code fetched through
# package managers, and its time against `metrics` of the same tree.
#   JS   : npm packages' sources (npm pack), edges and cycles against madge 8
#   TS   : rxjs 7's TypeScript sources (its npm package ships src/), against madge 8 with its tsconfig
#   Python: pure-Python wheels from pip (the sources they hold), against bench/deps/py_ref.py (Python's `ast`)
#   Java : Maven Central sources jars, package edges against jdeps on the same artifact's compiled jar
# Prints per tree: reference edges, ours, common, recall, precision, cycle agreement; then cold times
# (no cache) of `deps` and `metrics` on each tree, median of 3.
# Usage: bench/deps/run.sh [ANALYZER]   (default rust-workers/target/release/mcpca-analyzer; DEPS_BENCH_TIME=0 skips the times)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
analyzer=${1:-$here/../../rust-workers/target/release/mcpca-analyzer}
# DEPS_BENCH_WORK=DIR keeps the fetched trees there for another run (fetched once).
if [ -n "${DEPS_BENCH_WORK:-}" ]; then work=$DEPS_BENCH_WORK; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
cd "$work"
madge() { (cd "$work/tools" && npx --no-install madge "$@"); }
if [ ! -f .fetched ]; then

echo "fetching (npm, pip, maven) into $work" >&2
mkdir -p tools && (cd tools && npm install --silent --no-audit --no-fund madge@8 typescript >/dev/null)
for p in express@4.21.2 eslint@8.57.1 axios@1.7.9 rxjs@7.8.1; do
  name=${p%@*}
  mkdir -p "npm/$name" && (cd "npm/$name" && npm pack --silent "$p" >/dev/null && tar xzf ./*.tgz && rm ./*.tgz)
done
mkdir -p py && pip download --quiet --retries 0 --timeout 5 --no-deps requests==2.34.2 rich==15.0.0 -d py >/dev/null
for w in py/*.whl; do d=${w%.whl}; mkdir -p "$d" && (cd "$d" && python3 -m zipfile -e "../$(basename "$w")" . && rm -rf ./*.dist-info); done
mkdir -p java
for a in com.google.code.gson:gson:2.11.0 org.apache.commons:commons-lang3:3.14.0; do
  IFS=: read -r g art v <<<"$a"
  mvn -B -q dependency:copy -Dartifact="$g:$art:$v:jar:sources" -DoutputDirectory=java >/dev/null
  mvn -B -q dependency:copy -Dartifact="$g:$art:$v:jar" -DoutputDirectory=java >/dev/null
  mkdir -p "java/$art" && (cd "java/$art" && unzip -oq "../$art-$v-sources.jar" && rm -rf META-INF)
  # the analyzer's directory graph names packages by their directories; module-info is no package
  rm -f "java/$art/module-info.java"
  jdeps --multi-release 17 -verbose:package -filter:none "java/$art-$v.jar" | awk '$2 == "->" && NF >= 4 { print $1 " -> " $3 }' > "java/$art.jdeps.raw"
  # internal edges only: targets that are packages of the artifact itself
  (cd "java/$art" && find . -name '*.java' -printf '%h\n' | sed 's|^\./||; s|/|.|g' | sort -u) > "java/$art.packages"
  awk 'NR==FNR { p[$1] = 1; next } ($1 in p) && ($3 in p)' "java/$art.packages" "java/$art.jdeps.raw" > "java/$art.jdeps"
done
touch .fetched
fi

echo "== edge agreement"
js_tree() { # name dir
  "$analyzer" deps "$2" > "$1.ours.json"
  madge --json "$work/$2" > "$1.madge.json" 2>/dev/null
  madge --circular --json "$work/$2" > "$1.circular.json" 2>/dev/null || true
  python3 "$here/compare.py" madge "$1.ours.json" "$1.madge.json" "$1.circular.json" "js $1" 2>"$1.diff"
}
# whole packages: madge follows imports out of lib/ into conf/ and package.json, which must be in the tree
js_tree express npm/express/package
js_tree eslint npm/eslint/package
js_tree axios npm/axios/package
rx=$work/npm/rxjs/package/src
"$analyzer" deps "$rx" > rxjs.ours.json
madge --json --extensions ts --ts-config "$rx/tsconfig.base.json" "$rx" > rxjs.madge.json 2>/dev/null
madge --circular --json --extensions ts --ts-config "$rx/tsconfig.base.json" "$rx" > rxjs.circular.json 2>/dev/null || true
python3 "$here/compare.py" madge rxjs.ours.json rxjs.madge.json rxjs.circular.json "ts rxjs/src" 2>rxjs.diff
for d in py/*/; do
  name=$(basename "$d")
  "$analyzer" deps "$d" > "$name.ours.json"
  python3 "$here/py_ref.py" "$d" > "$name.ref.json"
  python3 "$here/compare.py" python "$name.ours.json" "$name.ref.json" "python $name" 2>"$name.diff"
done
for art in gson commons-lang3; do
  "$analyzer" deps --level directory "java/$art" > "$art.ours.json"
  python3 "$here/compare.py" jdeps "$art.ours.json" "java/$art.jdeps" "java $art (packages)" 2>"$art.diff"
done
echo "-- differing edges (first 5 per side per tree):"
cat ./*.diff | sed 's/^/  /'

[ "${DEPS_BENCH_TIME:-1}" = 0 ] && exit 0
echo "== time, cold (no cache), median of 3: deps vs metrics"
median() { sort -n | sed -n 2p; }
timeit() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
for t in npm/eslint/package npm/rxjs/package/src "py/$(ls py | grep rich | grep -v whl)" java/commons-lang3; do
  d=$(for i in 1 2 3; do timeit "$analyzer" deps "$t"; done | median)
  m=$(for i in 1 2 3; do timeit "$analyzer" metrics "$t"; done | median)
  awk -v t="$t" -v d="$d" -v m="$m" 'BEGIN { printf "%-32s deps %6d ms  metrics %6d ms  ratio %.2fx\n", t, d, m, d / m }'
done
