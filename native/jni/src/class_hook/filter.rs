//! The first look's decision: which classes the Java side is shown at all.
//!
//! It is the cheap half of the Java pre-filter (`TypePrefilter`, `PrefilteredTransformer`),
//! answered from the class file alone: a class goes on when its own name is one a rule names or
//! has a shape one names, a UTF-8 constant is a key constant, or a direct super type is a key
//! type; a boot loader class when its name is one of the JDK sinks'. A class that declares a
//! method of a name some rule that looks at super types weaves, and shows none of those, is
//! decided by its super types ([`FirstLook::SuperTypes`]: the hook answers from what it learnt,
//! `super_types`, or asks the Java side, which reads them). Everything else is left as it was, as
//! the Java side would leave it. What cannot be read goes on (undecided), so this only ever removes
//! classes the Java side would have removed.
//!
//! The Java side sends the keys once, as a spec ([`ClassFilter::from_spec`]): records of one kind
//! byte, a big-endian `u16` length and that many bytes (the texts in modified UTF-8, as
//! `DataOutput.writeUTF` writes them after the kind).

use std::collections::HashSet;
use std::fmt;

use super::scan::{ClassFileScan, Malformed, Texts};

/// A type a rule names by its internal name (`java/sql/Statement`).
pub const TYPE_NAME: u8 = 1;
/// A name shape: a prefix, then its suffix as the next record (`org/h2/jdbc/` ... `Statement`).
pub const SHAPE_PREFIX: u8 = 2;
pub const SHAPE_SUFFIX: u8 = 3;
/// A key constant: a UTF-8 constant that makes a class a candidate.
pub const KEY_CONSTANT: u8 = 4;
/// A name of the methods the rules that look at super types weave.
pub const WOVEN_METHOD: u8 = 5;
/// No bound on those names (empty record): every class of a loader but the boot loader goes on.
pub const ANY_WOVEN_METHOD: u8 = 6;
/// A boot loader class the rules hook, by internal name.
pub const BOOT_NAME: u8 = 7;
/// A prefix of the boot loader classes the rules hook (`java/util/concurrent/`).
pub const BOOT_PREFIX: u8 = 8;
/// No bound on the boot loader classes (empty record): every one goes on.
pub const ANY_BOOT: u8 = 9;

/// A spec the Java side sent that this library cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "class hook spec: {}", self.0)
    }
}

impl std::error::Error for SpecError {}

/// A name shape: prefix and suffix.
type Shape = (Box<[u8]>, Box<[u8]>);

/// Which classes go on to the Java side.
#[derive(Debug, Default)]
pub struct ClassFilter {
    names: HashSet<Box<[u8]>>,
    shapes: Vec<Shape>,
    constants: Texts,
    /// None: any method name can be woven.
    woven: Option<Texts>,
    boot_names: HashSet<Box<[u8]>>,
    boot_prefixes: Vec<Box<[u8]>>,
    any_boot: bool,
}

impl ClassFilter {
    pub fn from_spec(spec: &[u8]) -> Result<ClassFilter, SpecError> {
        let mut filter = ClassFilter {
            woven: Some(Texts::default()),
            ..ClassFilter::default()
        };
        let mut prefix: Option<Box<[u8]>> = None;
        let mut at = 0;
        while at < spec.len() {
            let head = spec
                .get(at..at + 3)
                .ok_or_else(|| SpecError(format!("record header cut at byte {at}")))?;
            let kind = head[0];
            let length = usize::from(u16::from_be_bytes([head[1], head[2]]));
            let text = spec
                .get(at + 3..at + 3 + length)
                .ok_or_else(|| SpecError(format!("record at byte {at} runs past the end")))?;
            at += 3 + length;
            if prefix.is_some() != (kind == SHAPE_SUFFIX) {
                return Err(SpecError(format!(
                    "a shape's prefix and suffix must follow each other (kind {kind} at byte {})",
                    at - 3 - length
                )));
            }
            match kind {
                TYPE_NAME => {
                    filter.names.insert(text.into());
                }
                SHAPE_PREFIX => prefix = Some(text.into()),
                SHAPE_SUFFIX => {
                    let p = prefix.take().unwrap_or_default();
                    filter.shapes.push((p, text.into()));
                }
                KEY_CONSTANT => filter.constants.push(text),
                WOVEN_METHOD => {
                    if let Some(w) = filter.woven.as_mut() {
                        w.push(text);
                    }
                }
                ANY_WOVEN_METHOD => filter.woven = None,
                BOOT_NAME => {
                    filter.boot_names.insert(text.into());
                }
                BOOT_PREFIX => filter.boot_prefixes.push(text.into()),
                ANY_BOOT => filter.any_boot = true,
                other => return Err(SpecError(format!("unknown record kind {other}"))),
            }
        }
        if prefix.is_some() {
            return Err(SpecError(
                "a shape's prefix without its suffix at the end".into(),
            ));
        }
        Ok(filter)
    }

    /// Whether a loaded class's constant pool (as JVM TI gives it) holds a key constant: what
    /// [`ClassFilter::passes`] reads from a class file, for a class loaded before the hook.
    pub fn pool_has_key_constant(&self, count: u16, pool: &[u8]) -> Result<bool, Malformed> {
        ClassFileScan::pool_has_constant(count, pool, &self.constants)
    }

    /// Whether the Java side is to see this class: [`ClassFilter::look`] other than
    /// [`FirstLook::Leave`].
    pub fn passes(&self, name: &[u8], boot: bool, class_file: &[u8]) -> bool {
        !matches!(self.look(name, boot, class_file), FirstLook::Leave)
    }

    /// What the class's own file says. `name` is the name the JVM gives the load (modified
    /// UTF-8, internal form); `boot` whether the boot loader loads it.
    pub fn look<'a>(&self, name: &[u8], boot: bool, class_file: &'a [u8]) -> FirstLook<'a> {
        if boot {
            let hooked = self.any_boot
                || self.boot_names.contains(name)
                || self.boot_prefixes.iter().any(|p| name.starts_with(p));
            return if hooked {
                FirstLook::Candidate
            } else {
                FirstLook::Leave
            };
        }
        let Ok(scan) = ClassFileScan::new(class_file, &self.constants) else {
            return FirstLook::Candidate; // undecided
        };
        let Ok(own) = scan.class_name() else {
            return FirstLook::Candidate;
        };
        if self.names.contains(own)
            || self
                .shapes
                .iter()
                .any(|(p, s)| own.starts_with(p) && own.ends_with(s))
            || scan.has_key_constant()
        {
            return FirstLook::Candidate;
        }
        let Some(woven) = &self.woven else {
            return FirstLook::Candidate;
        };
        match scan.declares_method_of(woven) {
            Ok(false) => return FirstLook::Leave,
            Ok(true) => {}
            Err(Malformed) => return FirstLook::Candidate,
        }
        let (Ok(super_name), Ok(interfaces)) = (scan.super_name(), scan.interfaces()) else {
            return FirstLook::Candidate;
        };
        let supers: Vec<&[u8]> = super_name.into_iter().chain(interfaces).collect();
        if supers.iter().any(|s| self.names.contains(*s)) {
            return FirstLook::Candidate; // a key type's direct subtype
        }
        FirstLook::SuperTypes(SuperTypes { name: own, supers })
    }
}

/// What the first look makes of a load.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstLook<'a> {
    /// No rule can match it: the Java side would leave it as it is.
    Leave,
    /// It goes on to the Java side (its own name, shape or a key constant; a boot loader class
    /// the rules hook; a class file the scan cannot read).
    Candidate,
    /// It shows no key of its own but declares a method a rule that looks at super types weaves:
    /// its super types decide, as the loader sees them.
    SuperTypes(SuperTypes<'a>),
}

/// A class whose super types decide, as its class file names them.
#[derive(Debug, PartialEq, Eq)]
pub struct SuperTypes<'a> {
    /// Its own internal name.
    pub name: &'a [u8],
    /// Its superclass (when it has one), then its interfaces: none of them a key type name.
    pub supers: Vec<&'a [u8]>,
}

#[cfg(test)]
mod tests {
    use super::super::scan::tests::{class_file, class_file_extending};
    use super::*;

    fn spec(records: &[(u8, &str)]) -> Vec<u8> {
        let mut b = Vec::new();
        for (kind, text) in records {
            b.push(*kind);
            b.extend_from_slice(&(text.len() as u16).to_be_bytes());
            b.extend_from_slice(text.as_bytes());
        }
        b
    }

    fn filter() -> ClassFilter {
        ClassFilter::from_spec(&spec(&[
            (TYPE_NAME, "org/h2/jdbc/JdbcStatement"),
            (SHAPE_PREFIX, "org/sqlite/"),
            (SHAPE_SUFFIX, "Stmt"),
            (KEY_CONSTANT, "java/sql/Statement"),
            (WOVEN_METHOD, "executeQuery"),
            (WOVEN_METHOD, "doFilter"),
            (BOOT_NAME, "java/io/File"),
            (BOOT_PREFIX, "java/util/concurrent/"),
        ]))
        .unwrap()
    }

    #[test]
    fn a_class_goes_on_by_its_name_shape_key_constant_or_a_woven_method() {
        let f = filter();
        let plain = |name: &str| class_file(name, &["x"], &[], &["<init>", "toString"]);
        assert!(
            f.passes(b"x", false, &plain("org/h2/jdbc/JdbcStatement")),
            "named"
        );
        assert!(
            f.passes(b"x", false, &plain("org/sqlite/jdbc4/JDBC4Stmt")),
            "shape"
        );
        assert!(
            !f.passes(b"x", false, &plain("org/sqlite/jdbc4/JDBC4Conn")),
            "prefix alone"
        );
        assert!(
            !f.passes(b"x", false, &plain("com/acme/Pojo")),
            "nothing of a key"
        );
        let with_constant = class_file("com/acme/Dao", &["java/sql/Statement"], &[], &["find"]);
        assert!(f.passes(b"x", false, &with_constant), "key constant");
        let filter_class = class_file("com/acme/AuthFilter", &[], &[], &["<init>", "doFilter"]);
        assert!(
            f.passes(b"x", false, &filter_class),
            "declares a woven method"
        );
        let field_only = class_file("com/acme/Holder", &[], &["doFilter"], &["get"]);
        assert!(
            !f.passes(b"x", false, &field_only),
            "a field of that name is no method"
        );
    }

    #[test]
    fn a_class_declaring_a_woven_method_is_decided_by_its_super_types() {
        let f = filter();
        let task = class_file_extending(
            "com/acme/ReportFilter",
            Some("com/acme/BaseFilter"),
            &["java/io/Serializable"],
            &[],
            &[],
            &["doFilter"],
        );
        assert_eq!(
            f.look(b"x", false, &task),
            FirstLook::SuperTypes(SuperTypes {
                name: b"com/acme/ReportFilter",
                supers: vec![b"com/acme/BaseFilter", b"java/io/Serializable"],
            })
        );
        let direct = class_file_extending(
            "com/acme/Wrapper",
            Some("java/lang/Object"),
            &["org/h2/jdbc/JdbcStatement"],
            &[],
            &[],
            &["executeQuery"],
        );
        assert_eq!(
            f.look(b"x", false, &direct),
            FirstLook::Candidate,
            "a key type's direct subtype goes on at once"
        );
        let unbounded = ClassFilter::from_spec(&spec(&[(ANY_WOVEN_METHOD, "")])).unwrap();
        assert_eq!(
            unbounded.look(b"x", false, &task),
            FirstLook::Candidate,
            "no bound on the woven names: every class goes on whole, as before"
        );
    }

    #[test]
    fn boot_loader_classes_go_on_by_name_alone() {
        let f = filter();
        let any = class_file(
            "java/lang/String",
            &["java/sql/Statement"],
            &[],
            &["executeQuery"],
        );
        assert!(f.passes(b"java/io/File", true, &any));
        assert!(f.passes(b"java/util/concurrent/ThreadPoolExecutor", true, &any));
        assert!(!f.passes(b"java/util/concurrentX", true, &any));
        assert!(
            !f.passes(b"java/lang/String", true, &any),
            "keys are not looked for in the JDK"
        );
        let every = ClassFilter::from_spec(&spec(&[(ANY_BOOT, "")])).unwrap();
        assert!(every.passes(b"java/lang/String", true, &any));
    }

    #[test]
    fn what_cannot_be_read_or_bounded_goes_on() {
        let f = filter();
        assert!(f.passes(b"x", false, b"\xCA\xFE\xBA\xBE"), "cut class file");
        assert!(f.passes(b"x", false, &[]), "empty class file");
        let unbounded =
            ClassFilter::from_spec(&spec(&[(WOVEN_METHOD, "run"), (ANY_WOVEN_METHOD, "")]))
                .unwrap();
        let pojo = class_file("com/acme/Pojo", &[], &[], &["get"]);
        assert!(unbounded.passes(b"x", false, &pojo));
        let none = ClassFilter::from_spec(&[]).unwrap();
        assert!(!none.passes(b"x", false, &pojo), "no rule at all");
    }

    #[test]
    fn a_spec_it_cannot_read_is_refused_with_the_reason() {
        let err = |b: &[u8]| ClassFilter::from_spec(b).unwrap_err().to_string();
        assert_eq!(err(&[1, 0]), "class hook spec: record header cut at byte 0");
        assert_eq!(
            err(&[1, 0, 5, b'a']),
            "class hook spec: record at byte 0 runs past the end"
        );
        assert_eq!(
            err(&spec(&[(42, "x")])),
            "class hook spec: unknown record kind 42"
        );
        assert!(err(&spec(&[(SHAPE_PREFIX, "a/")])).contains("without its suffix"));
        assert!(err(&spec(&[(SHAPE_SUFFIX, "X")])).contains("must follow each other"));
        assert!(err(&spec(&[(SHAPE_PREFIX, "a/"), (TYPE_NAME, "b")]))
            .contains("must follow each other"));
    }
}
