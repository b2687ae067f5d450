#!/usr/bin/env python3
"""Edge and cycle agreement of `mcpca-analyzer deps` with a reference, for bench/deps/run.sh.

compare.py madge   OURS.json MADGE.json MADGE_CIRCULAR.json LABEL
compare.py python  OURS.json AST_REF.json LABEL
compare.py jdeps   OURS.json JDEPS.txt LABEL        (OURS at --level directory of a sources tree whose
                                                     directories are package paths)
Prints one line: label, reference edges, ours, common, recall (common/reference), precision
(common/ours), cycles agreement, and up to 5 differing edges of each side on stderr.
"""
import json
import sys


def ours_edges(path, mapper=lambda s: s):
    d = json.load(open(path))
    edges = set()
    for n in d['nodes']:
        for e in n['dependsOn']:
            a, b = mapper(n['name']), mapper(e['to'])
            if a != b:
                edges.add((a, b))
    return d, edges


def report(label, ref, ours, cycles):
    common = ref & ours
    recall = 100.0 * len(common) / len(ref) if ref else 100.0
    precision = 100.0 * len(common) / len(ours) if ours else 100.0
    print(f"{label:<28} ref {len(ref):>5}  ours {len(ours):>5}  common {len(common):>5}  "
          f"recall {recall:6.2f}%  precision {precision:6.2f}%  cycles {cycles}")
    for name, diff in (('only in reference', sorted(ref - ours)), ('only ours', sorted(ours - ref))):
        for a, b in diff[:5]:
            print(f"    {name}: {a} -> {b}", file=sys.stderr)


def madge(ours_json, madge_json, circular_json, label):
    d, ours = ours_edges(ours_json)
    ref = {(a, b) for a, tos in json.load(open(madge_json)).items() for b in tos if a != b}
    madge_cycles = [set(c) for c in json.load(open(circular_json))]
    our_sccs = [set(c['members']) for c in d['cycles']]
    inside = sum(1 for m in madge_cycles if any(m <= s for s in our_sccs))
    files_m = set().union(*madge_cycles) if madge_cycles else set()
    files_o = set().union(*our_sccs) if our_sccs else set()
    same_files = 'same files' if files_m == files_o else f'files differ (+{len(files_o - files_m)} -{len(files_m - files_o)})'
    report(label, ref, ours, f"{inside}/{len(madge_cycles)} madge cycles inside our {len(our_sccs)} SCCs, {same_files}")


def python(ours_json, ref_json, label):
    d, ours = ours_edges(ours_json)
    ref = {(a, b) for a, tos in json.load(open(ref_json))['edges'].items() for b in tos if a != b}
    report(label, ref, ours, f"{len(d['cycles'])} SCCs")


def jdeps(ours_json, jdeps_txt, label):
    d, ours = ours_edges(ours_json, lambda s: s.replace('/', '.'))
    ref = set()
    for line in open(jdeps_txt):
        a, _, b = line.split()
        if a != b:
            ref.add((a, b))
    report(label, ref, ours, f"{len(d['cycles'])} SCCs")


if __name__ == '__main__':
    {'madge': madge, 'python': python, 'jdeps': jdeps}[sys.argv[1]](*sys.argv[2:])
