//! What the first look learns about super types from the Java side's answers.
//!
//! A class that shows no key of its own but declares a method a rule that looks at super types
//! weaves ([`FirstLook::SuperTypes`](super::filter::FirstLook::SuperTypes): about 1,200 of the
//! 12,500 loads of a Spring test start) is decided by its super types: whether one of them, as the
//! class's loader sees it, has a key type in its hierarchy. Only the Java side can say so the first
//! time: it reads the super types' class files through the loader (`TypePrefilter`) and remembers
//! each answer per loader. The hook asks it with the names alone, and remembers the answers too:
//! - the class asked about gets the answer (its subclasses name it as their super type);
//! - when the answer is no, so does each of its direct super types, since the answer is no only
//!   when none of them has a key type in its hierarchy;
//! - a class left because all its super types are known to have none has none either.
//!
//! A later class whose super types are all known to have none is then left here, as the Java side
//! would leave it, without a call into Java: siblings (the fifty `TypeAdapter`s of Gson, H2's
//! `Value`s, every class whose super types are `Object` and JDK interfaces). Only a "no" is ever
//! acted on; a "yes" or a name not known sends the class to the Java side as before, so this only
//! removes calls whose answer is known.
//!
//! The same name may be another type under another loader (two web applications, each with its
//! own copy of a library), so answers are kept per class loader, the one that defines the class
//! asked about, as the Java side keeps them. `java/` names are the exception: only the JDK's own
//! loaders may define them (the JVM refuses the package to any other), so they mean one type for
//! every loader and are kept once, as the Java side does. Bounded: at most [`MAX_LOADERS`] loaders
//! (a collected loader's place is taken first) and [`MAX_NAMES`] names per loader and for `java/`;
//! past that nothing more is learnt, and those classes are asked about, as before.
//!
//! Which loader is which is the caller's business ([`LoaderAtHand`]: the hook compares weak
//! references to loaders with JNI), so that this module is plain Rust.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// Loaders whose answers are kept.
pub const MAX_LOADERS: usize = 64;
/// Names kept per loader, and for `java/`.
pub const MAX_NAMES: usize = 1 << 16;

/// The loader of the load at hand, as the caller identifies loaders (`Id`: how a loader is kept).
pub trait LoaderAtHand {
    type Id;

    /// Whether `id` is this loader.
    fn is(&self, id: &Self::Id) -> bool;

    /// Whether the loader `id` stands for no longer exists (its place may be taken).
    fn is_gone(&self, id: &Self::Id) -> bool;

    /// An id to keep for this loader; None when it cannot be had.
    fn keep(&self) -> Option<Self::Id>;
}

/// What is known of a class's super types.
#[derive(Debug, PartialEq, Eq)]
pub enum Judged<'s> {
    /// None of them has a key type in its hierarchy: the class is left.
    Keyless,
    /// One of them may have: the class goes on to the Java side whole.
    MayHaveKey,
    /// These are not known (the others have no key type): the Java side is asked about them.
    Unknown(Vec<&'s [u8]>),
}

/// The answers learnt so far.
pub struct KnownSuperTypes<Id> {
    known: RwLock<Known<Id>>,
}

/// Type names and whether they may have a key type in their hierarchy.
type Answers = HashMap<Box<[u8]>, bool>;

struct Known<Id> {
    /// `java/` names, for every loader.
    jdk: Answers,
    loaders: Vec<(Id, Answers)>,
}

impl<Id> Default for KnownSuperTypes<Id> {
    fn default() -> Self {
        KnownSuperTypes {
            known: RwLock::new(Known {
                jdk: HashMap::new(),
                loaders: Vec::new(),
            }),
        }
    }
}

fn is_jdk(name: &[u8]) -> bool {
    name.starts_with(b"java/")
}

impl<Id> KnownSuperTypes<Id> {
    /// What is known, under this loader, of `supers` (a class's superclass and interfaces).
    pub fn judge<'s, L: LoaderAtHand<Id = Id>>(
        &self,
        loader: &L,
        supers: &[&'s [u8]],
    ) -> Judged<'s> {
        // A panic elsewhere while the lock was held left complete entries: each insert is whole.
        let known = self.known.read().unwrap_or_else(PoisonError::into_inner);
        let mut own: Option<Option<&Answers>> = None;
        let mut unknown = Vec::new();
        for name in supers {
            let answers = if is_jdk(name) {
                Some(&known.jdk)
            } else {
                *own.get_or_insert_with(|| {
                    known
                        .loaders
                        .iter()
                        .find(|(id, _)| loader.is(id))
                        .map(|(_, answers)| answers)
                })
            };
            match answers.and_then(|a| a.get(*name)) {
                Some(false) => {}
                Some(true) => return Judged::MayHaveKey,
                None => unknown.push(*name),
            }
        }
        if supers.is_empty() || !unknown.is_empty() {
            Judged::Unknown(unknown)
        } else {
            Judged::Keyless
        }
    }

    /// Remembers the Java side's answer about `class` under this loader: whether one of its
    /// direct super types `supers` (those not known before: the others have no key type) has a
    /// key type in its hierarchy (and so, when not, that none of them has).
    pub fn learn<L: LoaderAtHand<Id = Id>>(
        &self,
        loader: &L,
        class: &[u8],
        supers: &[&[u8]],
        has_key: bool,
    ) {
        let mut known = self.known.write().unwrap_or_else(PoisonError::into_inner);
        let known = &mut *known;
        let mut own = OwnAnswers::Unresolved;
        let mut put = |name: &[u8], answer: bool| {
            let answers = if is_jdk(name) {
                Some(&mut known.jdk)
            } else {
                own.resolve(&mut known.loaders, loader)
            };
            if let Some(answers) = answers {
                if answers.len() < MAX_NAMES || answers.contains_key(name) {
                    answers.insert(name.into(), answer);
                }
            }
        };
        put(class, has_key);
        if !has_key {
            for s in supers {
                put(s, false);
            }
        }
    }

    /// How many loaders have answers kept (tests, and the bound).
    pub fn loaders(&self) -> usize {
        self.known
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .loaders
            .len()
    }
}

/// Where the answers of the loader at hand are, found once per [`KnownSuperTypes::learn`].
enum OwnAnswers {
    Unresolved,
    At(usize),
    Unkept,
}

impl OwnAnswers {
    fn resolve<'k, Id, L: LoaderAtHand<Id = Id>>(
        &mut self,
        loaders: &'k mut Vec<(Id, Answers)>,
        loader: &L,
    ) -> Option<&'k mut Answers> {
        if let OwnAnswers::Unresolved = self {
            *self = match loaders.iter().position(|(id, _)| loader.is(id)) {
                Some(at) => OwnAnswers::At(at),
                None => {
                    if loaders.len() >= MAX_LOADERS {
                        loaders.retain(|(id, _)| !loader.is_gone(id));
                    }
                    // no reference is made for a loader with no place to keep it in
                    let kept = (loaders.len() < MAX_LOADERS)
                        .then(|| loader.keep())
                        .flatten();
                    match kept {
                        Some(id) => {
                            loaders.push((id, HashMap::new()));
                            OwnAnswers::At(loaders.len() - 1)
                        }
                        None => OwnAnswers::Unkept,
                    }
                }
            };
        }
        match self {
            OwnAnswers::At(at) => loaders.get_mut(*at).map(|(_, answers)| answers),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::collections::HashSet;

    /// Loaders by number; `gone` are those collected.
    struct Loader<'a> {
        id: u32,
        gone: &'a RefCell<HashSet<u32>>,
    }

    impl LoaderAtHand for Loader<'_> {
        type Id = u32;

        fn is(&self, id: &u32) -> bool {
            *id == self.id && !self.gone.borrow().contains(id)
        }

        fn is_gone(&self, id: &u32) -> bool {
            self.gone.borrow().contains(id)
        }

        fn keep(&self) -> Option<u32> {
            Some(self.id)
        }
    }

    fn keyless(known: &KnownSuperTypes<u32>, loader: &Loader<'_>, supers: &[&[u8]]) -> bool {
        known.judge(loader, supers) == Judged::Keyless
    }

    #[test]
    fn a_no_teaches_the_class_and_its_direct_super_types() {
        let gone = RefCell::new(HashSet::new());
        let app = Loader { id: 1, gone: &gone };
        let known = KnownSuperTypes::default();
        let adapter: &[&[u8]] = &[b"com/google/gson/TypeAdapter"];
        assert!(!keyless(&known, &app, adapter), "nothing known yet");
        known.learn(&app, b"com/google/gson/internal/IntAdapter", adapter, false);
        assert!(keyless(&known, &app, adapter), "a sibling is left");
        assert!(keyless(
            &known,
            &app,
            &[b"com/google/gson/internal/IntAdapter"]
        ));
        assert!(
            !keyless(
                &known,
                &app,
                &[b"com/google/gson/TypeAdapter", b"com/acme/Other"]
            ),
            "one name not known"
        );
        assert!(!keyless(&known, &app, &[]), "no super type: asked about");
        assert_eq!(
            known.judge(&app, &[b"com/google/gson/TypeAdapter", b"com/acme/Other"]),
            Judged::Unknown(vec![b"com/acme/Other"]),
            "only what is not known is asked about"
        );
    }

    #[test]
    fn a_yes_is_never_acted_on_nor_spread_to_super_types() {
        let gone = RefCell::new(HashSet::new());
        let app = Loader { id: 1, gone: &gone };
        let known = KnownSuperTypes::default();
        let supers: &[&[u8]] = &[b"com/acme/Base", b"com/acme/Pooled"];
        known.learn(&app, b"com/acme/Statement", supers, true);
        assert_eq!(
            known.judge(&app, &[b"com/acme/Other", b"com/acme/Statement"]),
            Judged::MayHaveKey,
            "its subclasses go on whole"
        );
        assert!(
            !keyless(&known, &app, &[b"com/acme/Statement"]),
            "its subclasses go on"
        );
        assert!(
            !keyless(&known, &app, &[b"com/acme/Base"]),
            "which super type is not known"
        );
        // a later no about the same name (the class's own load, say) is what counts
        known.learn(&app, b"com/acme/Statement", supers, false);
        assert!(keyless(
            &known,
            &app,
            &[b"com/acme/Statement", b"com/acme/Base"]
        ));
        known.learn(&app, b"com/acme/Statement", supers, true);
        assert!(!keyless(&known, &app, &[b"com/acme/Statement"]));
    }

    #[test]
    fn answers_are_per_loader_except_for_java_names() {
        let gone = RefCell::new(HashSet::new());
        let one = Loader { id: 1, gone: &gone };
        let two = Loader { id: 2, gone: &gone };
        let known = KnownSuperTypes::default();
        known.learn(
            &one,
            b"com/acme/Task",
            &[b"com/acme/Base", b"java/lang/Comparable"],
            false,
        );
        assert!(keyless(&known, &one, &[b"com/acme/Base"]));
        assert!(
            !keyless(&known, &two, &[b"com/acme/Base"]),
            "another web application's com.acme.Base may be another type"
        );
        assert!(
            keyless(&known, &two, &[b"java/lang/Comparable"]),
            "only the JDK defines java/ names"
        );
        assert_eq!(known.loaders(), 1);
    }

    /// A loader that counts the references [`LoaderAtHand::keep`] makes to it.
    struct Counting<'a>(&'a Loader<'a>, &'a Cell<u32>);

    impl LoaderAtHand for Counting<'_> {
        type Id = u32;

        fn is(&self, id: &u32) -> bool {
            self.0.is(id)
        }

        fn is_gone(&self, id: &u32) -> bool {
            self.0.is_gone(id)
        }

        fn keep(&self) -> Option<u32> {
            self.1.set(self.1.get() + 1);
            self.0.keep()
        }
    }

    #[test]
    fn loaders_are_bounded_and_a_collected_one_gives_its_place() {
        let gone = RefCell::new(HashSet::new());
        let known = KnownSuperTypes::default();
        for id in 0..MAX_LOADERS as u32 {
            let l = Loader { id, gone: &gone };
            known.learn(&l, b"a/B", &[b"a/C"], false);
        }
        let late = Loader {
            id: 1000,
            gone: &gone,
        };
        let keeps = Cell::new(0);
        known.learn(&Counting(&late, &keeps), b"a/B", &[b"a/C"], false);
        assert!(
            !keyless(&known, &late, &[b"a/C"]),
            "no place left: nothing learnt"
        );
        assert_eq!(keeps.get(), 0, "nor a reference made to the loader");
        assert!(
            !keyless(&known, &late, &[b"java/lang/Object"]),
            "nothing known of it either"
        );
        gone.borrow_mut().insert(7);
        known.learn(&late, b"a/B", &[b"a/C"], false);
        assert!(
            keyless(&known, &late, &[b"a/C"]),
            "the collected loader's place"
        );
        assert_eq!(known.loaders(), MAX_LOADERS);
        let seven = Loader { id: 7, gone: &gone };
        assert!(
            !keyless(&known, &seven, &[b"a/C"]),
            "its answers went with it"
        );
    }

    #[test]
    fn names_are_bounded_per_loader() {
        let gone = RefCell::new(HashSet::new());
        let app = Loader { id: 1, gone: &gone };
        let known = KnownSuperTypes::default();
        for i in 0..MAX_NAMES {
            known.learn(&app, format!("a/C{i}").as_bytes(), &[], true);
        }
        known.learn(&app, b"a/Late", &[b"a/LateBase"], false);
        assert!(!keyless(&known, &app, &[b"a/LateBase"]), "past the bound");
        known.learn(&app, b"a/C0", &[], false);
        assert!(
            keyless(&known, &app, &[b"a/C0"]),
            "a kept name is still updated"
        );
    }
}
