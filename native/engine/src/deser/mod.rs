//! Unsafe deserialization: the class names a deserializer is about to instantiate.
//!
//! A gadget chain needs no request input inside the class names to be dangerous: the stream
//! came from outside, and it is the classes it names that run code (a Commons Collections
//! `InvokerTransformer`'s `transform`, `TemplatesImpl`'s bytecode). So the judgement is a
//! policy on the name alone, not a structural comparison with input:
//!
//! * the deny-list of known gadget classes and packages is kept as rules of the rule file
//!   (sink kind `class`, `rules/deserialization.toml`), updatable with it, each with its own
//!   id and mode;
//! * an optional allow-list (`deser.allowed_classes`, [`ClassAllowList`]) turns every class it
//!   does not name into the built-in finding `deser.not_allowed`.
//!
//! The agent asks once per class descriptor the stream holds (superclass descriptors and
//! proxy interfaces included), before any object of the class exists; and for SnakeYAML, once
//! per global tag (`!!com.x.Y`) a document names, before the class is loaded; for XStream, once per
//! class an element or attribute resolves to; for Jackson's polymorphic typing, once per class a
//! type id names. An array descriptor is
//! judged by its element class ([`element_class`]): `[Lorg.x.Gadget;` is the gadget.

use std::fmt;

/// The built-in finding of a class outside the configured allow-list.
pub const NOT_ALLOWED_RULE_ID: &str = "deser.not_allowed";
pub const NOT_ALLOWED_MESSAGE: &str =
    "The stream names a class that deser.allowed_classes does not allow";

/// The hooked deserializer API, by its boundary code (see docs/native-boundary.md).
pub fn class_api_name(code: i32) -> &'static str {
    match code {
        1 => "java.io.ObjectInputStream.resolveProxyClass",
        2 => "org.yaml.snakeyaml.constructor.Constructor.getClassForNode",
        3 => "com.thoughtworks.xstream.mapper.CachingMapper.realClass",
        4 => "com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver.typeFromId",
        _ => "java.io.ObjectInputStream.resolveClass",
    }
}

/// The class an array descriptor's name stands for, as a byte range of `name`:
/// `[[Lcom.x.Y;` is `com.x.Y`; any other name is itself. `None` for an array of primitives
/// (`[I`, `[[B`), which instantiates no class.
pub fn element_class(name: &[u8]) -> Option<std::ops::Range<usize>> {
    let dims = name.iter().take_while(|&&b| b == b'[').count();
    if dims == 0 {
        return Some(0..name.len());
    }
    match &name[dims..] {
        [b'L', inner @ .., b';'] if !inner.is_empty() => Some(dims + 1..name.len() - 1),
        _ => None,
    }
}

/// Classes every allow-list allows without naming them: the JDK's own value types, which a
/// stream of "just data" names too (a boxed number in a list, an enum constant).
const ALWAYS_ALLOWED: &[&str] = &[
    "java.lang.Boolean",
    "java.lang.Byte",
    "java.lang.Character",
    "java.lang.Double",
    "java.lang.Enum",
    "java.lang.Float",
    "java.lang.Integer",
    "java.lang.Long",
    "java.lang.Number",
    "java.lang.Short",
    "java.lang.String",
];

/// One item of `deser.allowed_classes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassPattern {
    /// `com.example.Dto`: that class (and `com.example.Dto$Inner` only when named).
    Exact(String),
    /// `com.example.*`: the classes of that package, not of its subpackages.
    Package(String),
    /// `com.example.**`: the package and every package under it.
    Subpackages(String),
}

impl ClassPattern {
    /// Parses one item; the error says what is wrong with it.
    pub fn parse(item: &str) -> Result<ClassPattern, String> {
        let (name, make): (&str, fn(String) -> ClassPattern) =
            if let Some(pkg) = item.strip_suffix(".**") {
                (pkg, ClassPattern::Subpackages)
            } else if let Some(pkg) = item.strip_suffix(".*") {
                (pkg, ClassPattern::Package)
            } else {
                (item, ClassPattern::Exact)
            };
        let valid = !name.is_empty()
            && name.split('.').all(|segment| {
                !segment.is_empty()
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
            });
        if valid {
            Ok(make(name.to_owned()))
        } else {
            Err(format!(
                "'{item}' is not a class name, package.* or package.** (e.g. com.example.dto.*)"
            ))
        }
    }

    pub fn matches(&self, class: &str) -> bool {
        match self {
            ClassPattern::Exact(name) => class == name,
            ClassPattern::Package(pkg) => class
                .strip_prefix(pkg.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|simple| !simple.is_empty() && !simple.contains('.')),
            ClassPattern::Subpackages(pkg) => class
                .strip_prefix(pkg.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| !rest.is_empty()),
        }
    }
}

impl fmt::Display for ClassPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassPattern::Exact(name) => f.write_str(name),
            ClassPattern::Package(pkg) => write!(f, "{pkg}.*"),
            ClassPattern::Subpackages(pkg) => write!(f, "{pkg}.**"),
        }
    }
}

/// The allow-list mode: only the classes it names (and [`ALWAYS_ALLOWED`]) may be
/// deserialized while serving a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassAllowList {
    patterns: Vec<ClassPattern>,
}

impl ClassAllowList {
    /// Parses a comma-separated list; an empty list or item is an error (an allow-list that
    /// names nothing would refuse every stream, which is what leaving the key out does not).
    pub fn parse(value: &str) -> Result<ClassAllowList, String> {
        let mut patterns = Vec::new();
        for item in value.split(',').map(str::trim) {
            if item.is_empty() {
                return Err("list one or more comma-separated class names, package.* or package.**, without empty items".into());
            }
            patterns.push(ClassPattern::parse(item)?);
        }
        Ok(ClassAllowList { patterns })
    }

    pub fn patterns(&self) -> &[ClassPattern] {
        &self.patterns
    }

    /// Whether `class` (an element class name, see [`element_class`]) may be deserialized.
    pub fn allows(&self, class: &str) -> bool {
        ALWAYS_ALLOWED.contains(&class) || self.patterns.iter().any(|p| p.matches(class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_descriptors_are_judged_by_their_element() {
        fn el(n: &str) -> Option<&str> {
            element_class(n.as_bytes()).map(|r| &n[r])
        }
        assert_eq!(el("java.util.ArrayList"), Some("java.util.ArrayList"));
        assert_eq!(
            el("[Lorg.apache.commons.collections.Transformer;"),
            Some("org.apache.commons.collections.Transformer")
        );
        assert_eq!(el("[[Ljava.lang.Object;"), Some("java.lang.Object"));
        assert_eq!(el("[I"), None);
        assert_eq!(el("[[B"), None);
        assert_eq!(el("[L;"), None);
    }

    #[test]
    fn patterns_match_classes_packages_and_subpackages() {
        let list = ClassAllowList::parse("com.example.Dto, com.shop.*,org.acme.**").expect("valid");
        for allowed in [
            "com.example.Dto",
            "com.shop.Order",
            "com.shop.Order$Line",
            "org.acme.Thing",
            "org.acme.deep.er.Thing",
            "java.lang.Integer",
        ] {
            assert!(list.allows(allowed), "{allowed}");
        }
        for refused in [
            "com.example.Dto2",
            "com.example.Dto$Inner",
            "com.shop.sub.Order",
            "com.shopping.Order",
            "org.acme",
            "org.acmes.Thing",
            "java.util.HashMap",
            "org.apache.commons.collections.functors.InvokerTransformer",
        ] {
            assert!(!list.allows(refused), "{refused}");
        }
    }

    #[test]
    fn bad_lists_say_why() {
        assert!(ClassAllowList::parse("").is_err());
        assert!(ClassAllowList::parse("a.B,,c.D").is_err());
        assert_eq!(
            ClassAllowList::parse("com.*.x").unwrap_err(),
            "'com.*.x' is not a class name, package.* or package.** (e.g. com.example.dto.*)"
        );
        assert!(ClassAllowList::parse("*").is_err());
        assert!(ClassAllowList::parse("com..x").is_err());
        let list = ClassAllowList::parse("a.B,c.*,d.**").expect("valid");
        let shown: Vec<String> = list.patterns().iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, ["a.B", "c.*", "d.**"]);
    }
}
