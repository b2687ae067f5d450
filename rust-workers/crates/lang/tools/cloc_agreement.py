#!/usr/bin/env python3
"""Per-language agreement of our line counts with cloc on real files of this machine.

Usage: cloc_agreement.py ANALYZER [--per-lang N] [ROOTS...]
Collects up to N files per language (default 40) under ROOTS (default /usr/share /usr/lib/python3
/usr/share/cargo/registry /usr/include ~/.m2), copies them into a temp corpus (so .gitignore and
hidden directories do not hide them), runs `cloc --by-file --json --skip-uniqueness` and
`ANALYZER metrics --format json`, and prints per language: files compared, files exact on code
lines, and exact on all of code/comment/blank. Files cloc assigns another language are counted
apart ("cloc-lang-differs").
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    analyzer = args.pop(0)
    per_lang = 40
    if args and args[0] == "--per-lang":
        per_lang = int(args[1])
        args = args[2:]
    roots = args or ["/usr/share", "/usr/lib/python3", "/usr/share/cargo/registry", "/usr/include",
                     os.path.expanduser("~/.m2")]
    corpus = tempfile.mkdtemp(prefix="mcpca-cloc-")
    # detect by asking our analyzer per extension would be slow; group by extension and file name
    by_key = collections.defaultdict(list)
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for f in filenames:
                ext = f.rsplit(".", 1)[1].lower() if "." in f else f
                lst = by_key[ext]
                if len(lst) < per_lang:
                    p = os.path.join(dirpath, f)
                    if os.path.isfile(p) and not os.path.islink(p) and 0 < os.path.getsize(p) < 2_000_000:
                        lst.append(p)
    n = 0
    for key, paths in by_key.items():
        for p in paths:
            d = os.path.join(corpus, f"{n:06d}")
            os.mkdir(d)
            shutil.copy(p, os.path.join(d, os.path.basename(p)))
            n += 1
    ours = json.loads(subprocess.run([analyzer, "metrics", "--format", "json", corpus], capture_output=True, text=True, check=True).stdout)
    cloc = json.loads(subprocess.run(["cloc", "--by-file", "--json", "--skip-uniqueness", "--quiet", corpus], capture_output=True, text=True).stdout or "{}")
    stats = collections.defaultdict(lambda: collections.Counter())
    examples = collections.defaultdict(list)
    for f in ours["files"]:
        lang = f["language"]
        rec = cloc.get(os.path.join(corpus, f["path"]))
        if rec is None:
            stats[lang]["cloc-skipped"] += 1
            continue
        stats[lang]["files"] += 1
        ok_code = rec["code"] == f["lines"]["code"]
        ok_all = ok_code and rec["comment"] == f["lines"]["comment"] and rec["blank"] == f["lines"]["blank"]
        stats[lang]["code-exact"] += ok_code
        stats[lang]["all-exact"] += ok_all
        if not ok_code and len(examples[lang]) < 3:
            examples[lang].append((f["path"], rec["language"], rec["code"], f["lines"]["code"]))
    total = collections.Counter()
    print(f"{'language':<16}{'files':>7}{'code=':>7}{'all=':>7}{'%code':>8}")
    for lang in sorted(stats):
        s = stats[lang]
        total.update(s)
        pct = 100.0 * s["code-exact"] / s["files"] if s["files"] else 0
        print(f"{lang:<16}{s['files']:>7}{s['code-exact']:>7}{s['all-exact']:>7}{pct:>7.1f}%" + (f"  (cloc skipped {s['cloc-skipped']})" if s["cloc-skipped"] else ""))
    pct = 100.0 * total["code-exact"] / max(total["files"], 1)
    print(f"{'TOTAL':<16}{total['files']:>7}{total['code-exact']:>7}{total['all-exact']:>7}{pct:>7.1f}%")
    for lang, ex in sorted(examples.items()):
        for path, cl, cc, oc in ex:
            print(f"  differs {lang}: {path} cloc[{cl}]={cc} ours={oc}")
    shutil.rmtree(corpus)


main()
