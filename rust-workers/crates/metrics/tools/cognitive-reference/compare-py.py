import ast, json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ANALYZER = os.environ.get('MCPCA_ANALYZER', os.path.join(HERE, '../../../../target/release/mcpca-analyzer'))
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from cognitive_complexity.api import get_cognitive_complexity
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../../bench/corpus/.cache/src")
files = []
for d, dirs, fs in os.walk(root):
    for f in fs:
        if f.endswith(".py"): files.append(os.path.join(d, f))
files.sort()
agree = total = 0
samples = []
for i in range(0, len(files), 400):
    chunk = files[i:i+400]
    data = json.loads(subprocess.run([ANALYZER, "metrics", *chunk], capture_output=True, text=True).stdout)
    results = data if isinstance(data, list) else [data]
    for path, r in zip(chunk, results):
        try:
            tree = ast.parse(open(path, "rb").read())
        except Exception:
            continue
        ref = {}
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                ref[n.lineno] = get_cognitive_complexity(n)
        for f in r["files"][0]["functions"] if r["files"] else []:
            if f["startLine"] in ref:
                total += 1
                if ref[f["startLine"]] == f["cognitive"]: agree += 1
                elif len(samples) < 10: samples.append((path.replace(root+"/", ""), f["startLine"], f["qualifiedName"], "ours", f["cognitive"], "ref", ref[f["startLine"]]))
print(f"python cognitive agreement with cognitive_complexity 1.2.0: {agree}/{total} = {100*agree/max(total,1):.2f}%")
for s in samples: print(*s)
