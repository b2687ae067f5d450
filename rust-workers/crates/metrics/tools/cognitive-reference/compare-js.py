import json, os, re, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ANALYZER = os.environ.get('MCPCA_ANALYZER', os.path.join(HERE, '../../../../target/release/mcpca-analyzer'))
from collections import defaultdict
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../../bench/corpus/.cache/src")
files = []
for d, dirs, fs in os.walk(root):
    dirs[:] = [x for x in dirs if x != "node_modules"]
    for f in fs:
        if re.search(r"\.(js|mjs|cjs|ts|tsx)$", f) and not f.endswith(".d.ts") and not f.endswith(".min.js"):
            files.append(os.path.join(d, f))
files.sort()
sonar = {}
for i in range(0, len(files), 200):
    out = subprocess.run(["node", os.path.join(HERE, "sonarjs-cognitive.mjs"), *files[i:i+200]], capture_output=True, text=True)
    sonar.update(json.loads(out.stdout))
ours = {}
for i in range(0, len(files), 500):
    out = subprocess.run([ANALYZER, "metrics", *files[i:i+500]], capture_output=True, text=True)
    data = json.loads(out.stdout)
    for r in (data if isinstance(data, list) else [data]):
        for f in r["files"]:
            ours[r["root"]] = f
agree = disagree = 0
samples = []
for path in files:
    s = sonar.get(path, [])
    if any("fatal" in m for m in s): continue
    sl = defaultdict(list)
    for m in s:
        v = int(re.search(r"from (\d+) to", m["message"]).group(1)); sl[m["line"]].append(v)
    ol = defaultdict(list)
    f = ours.get(path)
    if not f: continue
    for fn in f["functions"]:
        if fn["kind"] in ("class-field-initializer", "class-static-block"): continue
        ol[fn["startLine"]].append(fn["cognitive"])
    for line in set(sl) | set(ol):
        a = sorted(v for v in ol.get(line, []) if v > 0); b = sorted(sl.get(line, []))
        n = max(len(ol.get(line, [])), len(b), 1)
        if a == b: agree += n
        else:
            disagree += 1; samples.append((path.replace(root+"/", ""), line, "ours", a, "sonar", b))
print(f"lines agree {agree}, disagree {disagree}: {100*agree/(agree+disagree):.2f}%")
for x in samples[:15]: print(*x)
