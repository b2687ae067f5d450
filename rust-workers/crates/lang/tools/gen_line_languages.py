#!/usr/bin/env python3
"""Generates crates/lang/src/others.rs (the line-counting languages) from cloc's own tables.

Usage: python3 crates/lang/tools/gen_line_languages.py /usr/bin/cloc > crates/lang/src/others.rs

Reads cloc 1.96's %Language_by_Extension, %Language_by_File, %Language_by_Script,
%EOL_continuation_re and %Filters_by_Language for the languages in WANTED, maps each filter to a
`Filter` of `lang::others`, and fails loudly on a filter it cannot express, so the table never
claims cloc agreement it does not have. `rm_comments_in_strings` and `remove_inline` are skipped:
cloc runs them only with --strip-str-comments / --inline.
"""
import re
import sys

# (our wire id, cloc language name)
WANTED = [
    ("perl", "Perl"), ("make", "make"), ("cmake", "CMake"), ("dockerfile", "Dockerfile"),
    ("yaml", "YAML"), ("toml", "TOML"), ("r", "R"), ("awk", "awk"), ("starlark", "Starlark"),
    ("bazel", "Bazel"), ("crystal", "Crystal"), ("coffeescript", "CoffeeScript"), ("fish", "Fish Shell"),
    ("gdscript", "GDScript"), ("meson", "Meson"), ("tcl", "Tcl/Tk"), ("powershell", "PowerShell"),
    ("nix", "Nix"), ("elixir", "Elixir"), ("julia", "Julia"), ("graphql", "GraphQL"), ("hcl", "HCL"),
    ("dart", "Dart"), ("objective-c", "Objective-C"), ("objective-cpp", "Objective-C++"), ("cuda", "CUDA"),
    ("glsl", "GLSL"), ("hlsl", "HLSL"), ("haxe", "Haxe"), ("protobuf", "Protocol Buffers"),
    ("solidity", "Solidity"), ("zig", "Zig"), ("verilog", "Verilog-SystemVerilog"), ("vala", "Vala"),
    ("json5", "JSON5"), ("less", "LESS"), ("scss", "SCSS"), ("sass", "Sass"), ("css", "CSS"), ("d", "D"),
    ("thrift", "Thrift"), ("actionscript", "ActionScript"), ("apex", "Apex Class"),
    ("ada", "Ada"), ("sql", "SQL"), ("lua", "Lua"), ("haskell", "Haskell"), ("elm", "Elm"),
    ("purescript", "PureScript"), ("agda", "Agda"), ("idris", "Idris"), ("vhdl", "VHDL"), ("lean", "Lean"),
    ("lisp", "Lisp"), ("clojure", "Clojure"), ("clojurescript", "ClojureScript"), ("scheme", "Scheme"),
    ("racket", "Racket"), ("emacs-lisp", "Emacs Lisp"), ("ini", "INI"), ("llvm-ir", "LLVM IR"),
    ("autohotkey", "AutoHotkey"), ("fennel", "Fennel"), ("erlang", "Erlang"), ("matlab", "MATLAB"),
    ("prolog", "Prolog"), ("tex", "TeX"), ("html", "HTML"), ("xml", "XML"), ("xsd", "XSD"), ("xslt", "XSLT"),
    ("svg", "SVG"), ("dtd", "DTD"), ("maven", "Maven/XML"), ("ant", "Ant/XML"), ("xaml", "XAML"),
    ("xhtml", "XHTML"), ("fsharp", "F#"), ("coq", "Coq"), ("mathematica", "Mathematica"),
    ("visual-basic", "Visual Basic .NET"), ("vbscript", "VBScript"), ("batch", "DOS Batch"),
    ("vim", "vim script"), ("json", "JSON"), ("markdown", "Markdown"), ("ocaml", "OCaml"),
    ("fortran77", "Fortran 77"), ("fortran90", "Fortran 90"), ("fortran95", "Fortran 95"),
    ("nim", "Nim"), ("smarty", "Smarty"), ("m4", "m4"), ("sed", "sed"), ("csh", "C Shell"),
    ("raku", "Raku"),
    ("jinja", "Jinja Template"), ("erb", "ERB"), ("mustache", "Mustache"), ("handlebars", "Handlebars"),
    ("twig", "Twig"), ("typst", "Typst"), ("odin", "Odin"), ("v", "V"), ("pascal", "Pascal"),
    ("ocaml-interface", "OCaml"), ("containerfile", "Containerfile"), ("jam", "Jam"), ("expect", "Expect"),
    ("asciidoc", "AsciiDoc"), ("gleam", "Gleam"), ("futhark", "Futhark"), ("mercury", "Mercury"),
    ("qml", "QML"), ("properties", "Properties"), ("xquery", "XQuery"), ("yacc", "yacc"), ("lex", "lex"),
    ("bison", "Bison"), ("cython", "Cython"), ("kotlin-script-gradle", "Gradle"), ("groovy", "Groovy"),
    ("svelte", "Svelte"), ("vue", "Vuejs Component"), ("cucumber", "Cucumber"), ("puppet", "Puppet"),
    ("sml", "Standard ML"), ("assembly", "Assembly"), ("tsql", "T-SQL"), ("plsql", "PL/SQL"),
    ("ipython-like-rmd", "Rmd"), ("stylus", "Stylus"), ("wgsl", "WGSL"), ("mojo", "Mojo"),
]

# cloc maps these extensions to several languages and decides by content; we take the common one.
AMBIGUOUS = {"jl": "Julia", "pl": "Perl", "d": "D", "fs": "F#", "f": "Fortran 77", "m": "Objective-C",
             "v": "Verilog-SystemVerilog", "pro": "Prolog", "inc": "Pascal"}

# Our own grammar languages already cover these cloc names (not regenerated).
GRAMMAR_CLOC = {"Java", "Python", "JavaScript", "TypeScript", "Rust", "Go", "C", "C++", "C/C++ Header",
                "C#", "Kotlin", "Scala", "Swift", "Ruby", "PHP", "Bourne Shell"}


def perl_strings(text):
    """The quoted strings of a Perl list literal, unescaped as Perl would."""
    out = []
    for m in re.finditer(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", text):
        if m.group(1) is not None:
            out.append(m.group(1).replace("\\\\", "\\").replace("\\'", "'"))
        else:
            out.append(m.group(2).replace("\\\\", "\\").replace('\\"', '"'))
    return out


def section(src, start_pat):
    i = src.index(start_pat)
    j = src.index("\n# 1}}}", i)
    return src[i:j]


def parse_map(sec):
    return {k: v for k, v in re.findall(r"""^\s*['"]([^'"]+)['"]\s*=>\s*['"]([^'"]+)['"]""", sec, re.M)}


def parse_filters(sec):
    """language -> list of filter tuples."""
    result = {}
    for m in re.finditer(r"^    '([^']+)'\s*=>\s*\[", sec, re.M):
        name = m.group(1)
        depth, i = 0, m.end() - 1
        while True:
            c = sec[i]
            if c == "#":  # comment to end of line
                i = sec.index("\n", i)
                continue
            if c in "'\"":
                q = c
                i += 1
                while sec[i] != q:
                    i += 2 if sec[i] == "\\" else 1
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        body = sec[m.end():i]
        body = "\n".join(l for l in body.split("\n") if not l.strip().startswith("#"))
        calls = []
        for call in re.finditer(r"\[((?:[^\[\]'\"]|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")*)\]", body):
            calls.append(perl_strings(call.group(1)))
        result[name] = calls
    return result


LITERAL = re.compile(r"^(?:[^\\.^$*+?()\[\]{}|]|\\[^A-Za-z0-9]|\\47)+$")


def unescape(p):
    return re.sub(r"\\47", "'", re.sub(r"\\([^A-Za-z0-9])", r"\1", p))


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def map_filter(call):
    f, args = call[0], call[1:]
    if f in ("rm_comments_in_strings", "remove_inline"):
        return None  # off by default in cloc
    if f == "remove_matches":
        p = args[0]
        if p == r"^\s*$":
            return None
        if p.startswith(r"^\s*") and LITERAL.match(p[4:]):
            return f"Filter::LinePrefix({rust_str(unescape(p[4:]))})"
        if p.startswith("^") and LITERAL.match(p[1:]):
            return f"Filter::LineStart({rust_str(unescape(p[1:]))})"
        raise ValueError(f"remove_matches {p}")
    if f == "call_regexp_common":
        return {"C++": "Filter::CppComments", "C": "Filter::CComments", "HTML": "Filter::HtmlCommon"}[args[0]]
    if f == "remove_between_general":
        return f"Filter::Between({rust_str(args[0])}, {rust_str(args[1])})"
    if f == "remove_html_comments":
        return "Filter::HtmlComments"
    if f == "remove_haskell_comments":
        return "Filter::Haskell"
    if f == "docstring_to_C":
        return "Filter::DocstringToC"
    if f == "remove_OCaml_comments":
        return "Filter::OCaml"
    if f == "remove_f77_comments":
        return "Filter::Fortran77"
    if f == "remove_f90_comments":
        return "Filter::Fortran90"
    if f == "remove_below" and args[0] == "^__(END|DATA)__":
        return "Filter::PerlEnd"
    if f == "remove_below_above" and all(LITERAL.match(a[1:]) and a.startswith("^") for a in args):
        return f"Filter::BelowAbove({rust_str(unescape(args[0][1:]))}, {rust_str(unescape(args[1][1:]))})"
    raise ValueError(f"{f} {args}")


def main():
    src = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    ext = parse_map(section(src, "%{$rh_Language_by_Extension} = ("))
    files = parse_map(section(src, "%{$rh_Language_by_File}      = ("))
    scripts = parse_map(section(src, "%{$rh_Language_by_Script}    = ("))
    eol = parse_map(section(src, "%{$rh_EOL_continuation_re} = ("))
    filters = parse_filters(section(src, "%{$rhaa_Filters_by_Language} = ("))
    script_langs = set(scripts.values())
    rows, seen, skipped = [], set(), []
    for wire, cloc in WANTED:
        if cloc in seen or cloc in GRAMMAR_CLOC:
            continue
        if cloc not in filters:
            skipped.append(f"{cloc}: not in cloc")
            continue
        try:
            fs = [x for x in (map_filter(c) for c in filters[cloc]) if x]
        except (ValueError, KeyError) as e:
            skipped.append(f"{cloc}: {e}")
            continue
        cont = eol.get(cloc)
        if cont is not None:
            cont = cont.replace("\\\\", "\\")  # Perl single-quote unescaping
        if cont not in (None, r"\\$"):
            skipped.append(f"{cloc}: continuation {cont}")
            continue
        seen.add(cloc)
        exts = sorted(set(e for e, l in ext.items() if l == cloc) | {e for e, l in AMBIGUOUS.items() if l == cloc})
        names = sorted(f for f, l in files.items() if l == cloc)
        interp = sorted(s for s, l in scripts.items() if l == cloc)
        rows.append((wire, cloc, exts, names, interp, fs, cont is not None, cloc in script_langs))
    for s in skipped:
        print(f"skipped {s}", file=sys.stderr)
    print(f"{len(rows)} languages", file=sys.stderr)
    w = sys.stdout.write
    w("// @generated by crates/lang/tools/gen_line_languages.py from cloc 1.96; do not edit by hand.\n")
    w("// Regenerate: python3 crates/lang/tools/gen_line_languages.py /usr/bin/cloc > crates/lang/src/others_table.rs\n\n")
    w("use super::{Filter, LineLanguage};\n\n")
    w("pub(crate) static TABLE: &[LineLanguage] = &[\n")
    for wire, cloc, exts, names, interp, fs, cont, script in rows:
        l = lambda xs: "&[" + ", ".join(rust_str(x) for x in xs) + "]"
        w(f"    LineLanguage {{ id: {rust_str(wire)}, cloc_name: {rust_str(cloc)}, extensions: {l(exts)}, file_names: {l(names)}, interpreters: {l(interp)}, filters: &[{', '.join(fs)}], eol_continuation: {str(cont).lower()}, script: {str(script).lower()} }},\n")
    w("];\n")


main()
