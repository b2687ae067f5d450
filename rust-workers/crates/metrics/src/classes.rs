//! Per class/type metrics: WMC (weighted methods per class = sum of the cyclomatic complexity of
//! its methods), number of methods, public methods, attributes and public attributes.
//!
//! A method belongs to the innermost class whose body declares it directly (a function nested in
//! a method belongs to no class). What "public" means per language:
//! * Java: the `public` modifier; members of interfaces and annotation types are public unless
//!   `private`. Attributes are field declarators (`int a, b;` = 2); enum constants are not.
//! * JavaScript/TypeScript: not a `#private` name and no TS `private`/`protected` modifier.
//!   Attributes are class fields.
//! * Python: the name does not start with `_`, or is a dunder (`__init__`). Attributes are the
//!   names assigned in the class body and `self.<name>` targets assigned in its methods (each
//!   name once).
//! * Go: exported (capitalised) names; Ruby: the visibility Ruby gives the `def` (sections,
//!   `private :name`, `private_class_method`; see `lang::members`); the defs of a
//!   `class << self` are class methods of the enclosing class or module, counted in its record
//!   (the singleton class is no record); the other languages in `generic.rs` (C# interface
//!   members are public unless written otherwise).
//! Classes are records for every class-like declaration the language has (Java classes,
//! interfaces, enums, records, annotation types, anonymous classes; JS/TS classes; Python classes; Go structs,
//! interfaces and named types with methods, whose methods join them by receiver type).

use serde::{Deserialize, Serialize};

use crate::walk::FunctionMetrics;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassMetrics {
    pub name: String,
    pub qualified_name: String,
    #[serde(deserialize_with = "crate::intern")]
    pub kind: crate::StaticName,
    pub start_line: u32,
    pub end_line: u32,
    /// Weighted methods per class: sum of the methods' cyclomatic complexity.
    pub wmc: u32,
    pub methods: u32,
    pub public_methods: u32,
    pub attributes: u32,
    pub public_attributes: u32,
    #[serde(skip)]
    attribute_names: Vec<String>,
}

impl ClassMetrics {
    pub(crate) fn new(name: String, qualified_name: String, kind: &'static str, start_line: u32, end_line: u32) -> Self {
        ClassMetrics {
            name,
            qualified_name,
            kind,
            start_line,
            end_line,
            wmc: 0,
            methods: 0,
            public_methods: 0,
            attributes: 0,
            public_attributes: 0,
            attribute_names: Vec::new(),
        }
    }

    /// Counts an attribute; a `name` seen before on this class is not counted again.
    pub(crate) fn add_attribute(&mut self, name: Option<&str>, public: bool) {
        if let Some(name) = name {
            if self.attribute_names.iter().any(|n| n == name) {
                return;
            }
            self.attribute_names.push(name.to_string());
        }
        self.attributes += 1;
        self.public_attributes += public as u32;
    }
}

/// Fills in the method counts and WMC from the finished function records.
pub(crate) fn finish(classes: &mut [ClassMetrics], functions: &[FunctionMetrics]) {
    for f in functions {
        if let Some(c) = f.class_index.and_then(|c| classes.get_mut(c as usize)) {
            c.methods += 1;
            c.public_methods += f.public as u32;
            c.wmc += f.cyclomatic;
        }
    }
    for c in classes {
        c.attribute_names = Vec::new();
    }
}
