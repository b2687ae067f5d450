#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a generated history to stdout: COMMITS commits (default 10000) by 30
authors over ~3 years, on 200 Python files in 20 directories (each kept under ~400 lines); each commit changes 1-5 files (adds and
removes lines), every 400th renames a file, and files in pairs of directories change together. Deterministic (seeded)."""
import random
import sys

COMMITS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rng = random.Random(18)
authors = [(f"Dev {i:02d}", f"dev{i:02d}@example.com") for i in range(30)]
paths = [f"pkg{d:02d}/mod{f:02d}.py" for d in range(20) for f in range(10)]
files = {p: [f"def f0(x):\n", "    return x\n"] for p in paths}
out = sys.stdout.buffer
t = 1_700_000_000

def data(text):
    b = text.encode()
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")

for n in range(COMMITS):
    t += rng.randint(600, 18000)
    name, email = authors[min(int(rng.expovariate(0.15)), 29)]
    out.write(b"commit refs/heads/main\n")
    out.write(f"author {name} <{email}> {t} +0000\ncommitter {name} <{email}> {t} +0000\n".encode())
    data(f"change {n}")
    if n == 0:
        for p in paths:
            out.write(f"M 100644 inline {p}\n".encode())
            data("".join(files[p]))
        continue
    if n % 400 == 0:
        old = rng.choice(paths)
        new = old.replace(".py", f"_r{n}.py")
        paths[paths.index(old)] = new
        files[new] = files.pop(old)
        out.write(f"D {old}\n".encode())
        out.write(f"M 100644 inline {new}\n".encode())
        data("".join(files[new]))
        continue
    first = rng.choice(paths)
    touched = {first}
    d = int(first[3:5])
    for _ in range(rng.randint(0, 4)):
        # the neighbouring directory changes with this one more often than not
        pool = [p for p in paths if int(p[3:5]) in (d, (d + 1) % 20)] if rng.random() < 0.7 else paths
        touched.add(rng.choice(pool))
    for p in sorted(touched):
        lines = files[p]
        for _ in range(rng.randint(1, 6)):
            k = len(lines)
            lines.append(f"def f{k}(x):\n    if x > {k}:\n        return {k}\n    return x\n")
        for _ in range(rng.randint(0, 2) + max(0, len(lines) - 100)):
            # files stay within ~100 functions (~400 lines), as source files of real projects mostly do
            if len(lines) > 3:
                del lines[rng.randrange(2, len(lines))]
        out.write(f"M 100644 inline {p}\n".encode())
        data("".join(lines))
