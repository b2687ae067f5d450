"""Matches jscpd's clone pairs with ours (bench/clones/run) and says why the one-sided ones differ."""
import itertools
import json
import re
import sys

jscpd_path, ours_path, code = sys.argv[1:4]


def norm(path):
    path = path.replace("\\", "/")
    i = path.find("code/")
    return path[i + 5:] if i >= 0 else path


jscpd = json.load(open(jscpd_path))
theirs = []
for d in jscpd.get("duplicates", []):
    a, b = d["firstFile"], d["secondFile"]
    theirs.append(((norm(a["name"]), a["start"], a["end"]), (norm(b["name"]), b["start"], b["end"])))

ours_json = json.load(open(ours_path))
ours = []
for c in ours_json["clones"]:
    locs = [("/".join(l["file"].split("/")[1:]) if l["file"].startswith("code/") else l["file"], l["startLine"], l["endLine"]) for l in c["locations"]]
    for x, y in itertools.combinations(locs, 2):
        ours.append((x, y))


def overlaps(p, q):
    def same(a, b):
        return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]
    return (same(p[0], q[0]) and same(p[1], q[1])) or (same(p[0], q[1]) and same(p[1], q[0]))


def text(loc):
    try:
        lines = open(f"{code}/{loc[0]}", errors="replace").read().split("\n")
    except OSError:
        return ""
    return "\n".join(lines[loc[1] - 1:loc[2]])


def tokens(s):
    s = re.sub(r"//[^\n]*|/\*.*?\*/", " ", s, flags=re.S)
    return re.findall(r"[A-Za-z_$][\w$]*|\d[\w.]*|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`|\S", s)


def abstract(ts):
    keywords = {"if", "else", "for", "while", "return", "function", "var", "let", "const", "new", "this", "typeof", "in", "of",
                "switch", "case", "break", "continue", "try", "catch", "throw", "class", "extends", "import", "export", "from",
                "default", "null", "undefined", "true", "false", "async", "await", "yield", "do", "instanceof", "void", "delete"}
    out = []
    for t in ts:
        if t in keywords:
            out.append(t)
        elif re.match(r"[A-Za-z_$]", t):
            out.append("ID")
        elif re.match(r"[\d\"'`]", t):
            out.append("LIT")
        else:
            out.append(t)
    return out


# jscpd reports each copy against the first one (k-1 pairs for k copies), we list classes: both sides are
# compared as classes, so a pair counts as found by jscpd when its two ends lie in one jscpd class (the union of
# jscpd's pairs, locations that overlap in a file joined).
locs = sorted({l for q in theirs for l in q})
parent = {l: l for l in locs}


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


for a, b in theirs:
    parent[find(a)] = find(b)
by_file = {}
for l in locs:
    by_file.setdefault(l[0], []).append(l)
for same_file in by_file.values():
    for x, y in itertools.combinations(same_file, 2):
        if x[1] <= y[2] and y[1] <= x[2]:
            parent[find(x)] = find(y)


def classes_of(loc):
    return {find(l) for l in by_file.get(loc[0], []) if l[1] <= loc[2] and loc[1] <= l[2]}


def jscpd_has(p):
    return bool(classes_of(p[0]) & classes_of(p[1]))


direct = sum(1 for q in theirs if any(overlaps(p, q) for p in ours))
print(f"direct: {direct} of jscpd's {len(theirs)} pairs overlap one of ours on both ends")
# (joining overlapping locations chains big files together, so the class measure below is generous)
both = [p for p in ours if jscpd_has(p)]
ours_only = [p for p in ours if not jscpd_has(p)]
theirs_only = [q for q in theirs if not any(overlaps(p, q) for p in ours)]
print(f"clone pairs: jscpd {len(theirs)} reported ({len({find(l) for l in locs})} classes), ours {len(ours)} "
      f"(every pair of {len(ours_json['clones'])} classes); ours also in one jscpd class {len(both)}, "
      f"jscpd pairs we miss {len(theirs_only)}, ours only {len(ours_only)}")

reasons = {}
examples = {}
for p in ours_only:
    # ours only reports equal normalized token sequences: where the text differs, it differs in names or literals
    if tokens(text(p[0])) == tokens(text(p[1])):
        why = ("type-1 (same text) jscpd did not report: its defaults skip files over 1000 lines or 100 kB "
               "(--max-lines, --max-size), or its run ended elsewhere")
    else:
        why = "type-2: the copies differ in names or literals (jscpd compares tokens as written)"
    reasons[why] = reasons.get(why, 0) + 1
    examples.setdefault(why, p)
for q in theirs_only:
    lines = min(q[0][2] - q[0][1], q[1][2] - q[1][1]) + 1
    if q[0][0] == q[1][0] and q[0][1] <= q[1][2] and q[1][1] <= q[0][2]:
        why = "jscpd: overlapping copies in one file (we refuse a window that overlaps its earlier occurrence)"
    elif lines < 5:
        why = "jscpd: fewer than 5 lines by our count of the same span"
    else:
        why = "jscpd: a run our first-occurrence matching splits or ends elsewhere (tree-sitter tokens differ in number: template strings, regexes, JSX are one token for us)"
    reasons[why] = reasons.get(why, 0) + 1
    examples.setdefault(why, q)
for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
    e = examples[why]
    print(f"  {n:5d}  {why}\n         e.g. {e[0][0]}:{e[0][1]}-{e[0][2]} ~ {e[1][0]}:{e[1][1]}-{e[1][2]}")
