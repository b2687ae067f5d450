//! `symbols`: an outline per file — functions, methods, constructors, classes, interfaces,
//! annotation types, enums, structs, traits, objects, modules and namespaces — and a
//! repository-wide index searchable by name.
//!
//! The outline is one iterative pre-order walk of the tree-sitter tree (no recursion: deeply
//! nested code cannot overflow the stack). Which node kinds declare what, and where their name
//! is, comes from the table in [`lang::kinds`]; this crate adds parents, methods-vs-functions,
//! signatures and visibility.
//!
//! ## JSON (camelCase)
//!
//! A file outline (`symbols` CLI and serve tool, one per file):
//! ```text
//! {"path": "src/A.java", "language": "java",
//!  "symbols": [
//!    {"name": "A", "qualifiedName": "A", "kind": "class", "parent": null,
//!     "signature": "public class A extends B", "visibility": "public",
//!     "startLine": 3, "startColumn": 1, "endLine": 40, "endColumn": 2},
//!    {"name": "f", "qualifiedName": "A.f", "kind": "method", "parent": "A",
//!     "signature": "public int f(int x)", "visibility": "public",
//!     "startLine": 5, "startColumn": 3, "endLine": 9, "endColumn": 4}]}
//! ```
//! * `kind`: function, method, constructor, destructor, class, interface, annotation (a Java
//!   `@interface`), enum, struct, union, trait, impl, module, namespace, object (also a Kotlin
//!   `companion object`, named `Companion` unless it declares a name), record, extension, type.
//! * `parent`: the qualified name of the enclosing symbol, `null` at top level. A function
//!   directly inside a class-like symbol is a `method`; Go methods take the receiver type as
//!   parent (`(l *List[T])` → `List`; also a type declared in another file), C++ `void C::m()` takes `C`, Rust `impl` blocks are symbols named after their type.
//!   Bodiless members are methods of their type like any other: Java, C#, Kotlin, PHP and
//!   TypeScript interface and abstract methods, Scala trait `def`s, Swift protocol `func`
//!   requirements, Rust trait `fn` signatures, and Go interface method specs
//!   (`type Store interface { Get(k string) (V, error) }` → method `Store.Get`, signature
//!   `Get(k string) (V, error)`; embedded interfaces and the methods of anonymous interface types
//!   are no symbols). Ruby's `class << self … end` is no symbol: its defs are methods of the
//!   enclosing class or module (top-level functions for a `class << obj` outside any).
//! * `signature`: the declaration head (modifiers, name, parameters, return type; no body) on one
//!   line, whitespace collapsed, at most 200 characters.
//! * `visibility`: `public`, `private`, `protected`, `internal`, `package`, `fileprivate`, `open`,
//!   or Rust's text (`pub`, `pub(crate)`); language defaults apply when nothing is written (Java
//!   `package`, members of Java interfaces and annotation types `public`; C# types `internal`,
//!   members `private`, members of C# interfaces `public`; Swift `internal`, a protocol's requirements its own
//!   access level; Go by capitalisation (`public` exported, else `package`), interface methods
//!   too; Python by leading underscores). Ruby methods get the visibility Ruby gives them:
//!   `private`/`protected`/`public` sections (also those of a `class << self` body), `private def`,
//!   later `private :name`, `private_class_method` for `def self.x` and `class << self` defs,
//!   `initialize` always private (`lang::members`).
//! * Lines and columns are 1-based; columns count bytes.
//!
//! [`file_structure`] adds each type's supertypes (`extends`, `implements`) and the names each
//! function calls, in the same walk (rules in `structure.rs`).
//!
//! A search (`search-symbols`): `{"query": "pars", "total": 12, "matches": [{"path": …,
//! "language": …, "match": "exact"|"prefix"|"substring", "score": 70, …symbol fields}]}`,
//! best first: exact (case-sensitive, then not) > prefix > camel-case/underscore word start >
//! substring; ties go to types before functions, shorter names, then path and line.

mod index;
mod outline;
mod structure;

pub use index::{Match, MatchKind, SearchResult, SymbolIndex};
pub use outline::{outline, FileSymbols, Symbol};
pub use structure::{file_structure, Call, FileStructure, Supertypes};
