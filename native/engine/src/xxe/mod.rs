//! XML external entities (issue 11): whether an XML parser, while serving a request, is about to
//! resolve an external entity or DTD that the request's own document declared, or is expanding
//! entities without end.
//!
//! The agent reports two things from the parser's entity manager (Xerces, the JDK's copy or an
//! application's own), where every XML API of the JDK (DOM, SAX, StAX, TrAX, validation, JAXB)
//! sets up each entity it reads:
//!
//! * an external entity or DTD the parser is going to open itself (no entity resolver of the
//!   application supplied its content), with its system id and public id as the document wrote
//!   them ([`detect_external`]);
//! * a parse that expanded more entity references than [`EXPANSION_LIMIT`], or more characters of
//!   internal entities' replacement text than [`EXPANSION_LIMIT_CHARS`] ([`detect_expansion`]).
//!   The agent counts both in the bridge, per parse, without a native call per entity: an
//!   application that switched the JDK's own limits off (`jdk.xml.entityExpansionLimit=0`,
//!   `totalEntitySizeLimit=0`) still has these.
//!
//! The document came from the request when a request input holds the declaration: a system
//! literal is never subject to entity or character-reference expansion, so the id the parser
//! resolves occurs verbatim in the input that carried the document (a body, a parameter, a
//! multipart field). The engine's matcher finds inputs inside a sink, the opposite direction, so
//! this module searches the inputs directly: one `memmem` per input, linear in the inputs'
//! size. An input only counts when it also holds a markup declaration (`<!DOCTYPE` or
//! `<!ENTITY`), so an application's own document (a configuration on its class path naming
//! `included.ent`) is never confused with a request that happens to mention the same file name.

use memchr::memmem;

use crate::context::RequestContext;

/// Entity references one parse may expand while serving a request before the agent stops it
/// (`xxe.entity_expansion`). The JDK's own limit (`jdk.xml.entityExpansionLimit`) is 64,000 up
/// to JDK 23 and 2,500 from JDK 24; an application that switched it off still gets this one.
/// A billion-laughs document needs about 10^9. (Counted by the agent: `RaspHooks`.)
pub const EXPANSION_LIMIT: u32 = 10_000;

/// Characters of internal entities' replacement text one parse may expand: a few references
/// to one huge entity (the "quadratic blowup") stay under [`EXPANSION_LIMIT`]. The JDK's
/// `totalEntitySizeLimit` is 50,000,000 up to JDK 23 and 100,000 from JDK 24.
pub const EXPANSION_LIMIT_CHARS: u64 = 10_000_000;

/// System or public ids longer than this are searched for by their first `MAX_ID_BYTES` bytes
/// only: a longer id is an attacker's padding, and a prefix that long is as specific.
pub const MAX_ID_BYTES: usize = 4096;

/// The built-in XXE rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XxeRule {
    /// An external entity or DTD declared by the request's document is being resolved.
    ExternalEntity,
    /// A document from the request expanded more entity references than the limit.
    EntityExpansion,
}

impl XxeRule {
    pub const ALL: [XxeRule; 2] = [XxeRule::ExternalEntity, XxeRule::EntityExpansion];

    pub fn id(self) -> &'static str {
        match self {
            XxeRule::ExternalEntity => "xxe.external_entity",
            XxeRule::EntityExpansion => "xxe.entity_expansion",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            XxeRule::ExternalEntity => {
                "the XML parser was about to resolve an external entity or DTD that a document from the request declared"
            }
            XxeRule::EntityExpansion => {
                "a document from the request expanded more entities than the agent allows per parse"
            }
        }
    }
}

/// What a detection found: the rule, and the input that carried the document (none when the
/// agent saw the parse read a request body it did not keep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XxeFinding {
    pub rule: XxeRule,
    pub input: Option<usize>,
}

/// The markup declarations that make an input a document that can declare entities.
const DECLARATIONS: [&[u8]; 2] = [b"<!DOCTYPE", b"<!ENTITY"];

fn declares(value: &[u8]) -> bool {
    DECLARATIONS
        .iter()
        .any(|d| memmem::find(value, d).is_some())
}

/// The first input that holds `id` and a markup declaration. Empty ids match nothing.
fn carrier(ctx: &RequestContext, id: &[u8]) -> Option<usize> {
    let id = &id[..id.len().min(MAX_ID_BYTES)];
    if id.is_empty() {
        return None;
    }
    let finder = memmem::Finder::new(id);
    ctx.inputs().iter().position(|i| {
        let v = i.value.as_bytes();
        v.len() >= id.len() && finder.find(v).is_some() && declares(v)
    })
}

/// An external entity or DTD the parser is going to open: request input when its system id (or,
/// failing that, its public id) was written in a document the request carried.
pub fn detect_external(
    ctx: &RequestContext,
    system_id: &[u8],
    public_id: &[u8],
) -> Option<XxeFinding> {
    carrier(ctx, system_id)
        .or_else(|| carrier(ctx, public_id))
        .map(|input| XxeFinding {
            rule: XxeRule::ExternalEntity,
            input: Some(input),
        })
}

/// A parse that passed [`EXPANSION_LIMIT`] or [`EXPANSION_LIMIT_CHARS`]: judged a bomb from the request when an input holds
/// an entity declaration (an application's own document expanding its own entities is left to
/// the JDK's limits).
pub fn detect_expansion(ctx: &RequestContext) -> Option<XxeFinding> {
    ctx.inputs()
        .iter()
        .position(|i| memmem::find(i.value.as_bytes(), b"<!ENTITY").is_some())
        .map(|input| XxeFinding {
            rule: XxeRule::EntityExpansion,
            input: Some(input),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextLimits;
    use crate::input::{Input, InputSource};

    fn ctx(inputs: &[(InputSource, &str)]) -> RequestContext {
        RequestContext::from_inputs(
            inputs
                .iter()
                .map(|(s, v)| Input::value(*s, "x", *v))
                .collect(),
            ContextLimits::default(),
        )
    }

    const FILE_ENTITY: &str =
        r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;

    /// (inputs, system id, public id, expected rule).
    type Case<'a> = (
        &'a [(InputSource, &'a str)],
        &'a str,
        &'a str,
        Option<XxeRule>,
    );

    /// Each attack next to its benign twin.
    #[test]
    fn external_entities() {
        use InputSource::*;
        use XxeRule::*;
        let cases: &[Case<'_>] = &[
            // a general entity naming a local file, the document in the body
            (
                &[(Body, FILE_ENTITY)],
                "file:///etc/passwd",
                "",
                Some(ExternalEntity),
            ),
            // twin: the application's own document resolves the same kind of id
            (&[(Body, "<r>hello</r>")], "file:///etc/passwd", "", None),
            // out-of-band: an external DTD on a loopback listener
            (
                &[(
                    Body,
                    r#"<!DOCTYPE r SYSTEM "http://127.0.0.1:8081/x.dtd"><r/>"#,
                )],
                "http://127.0.0.1:8081/x.dtd",
                "",
                Some(ExternalEntity),
            ),
            // a parameter entity, in a form parameter
            (
                &[(
                    Form,
                    r#"<!DOCTYPE r [<!ENTITY % p SYSTEM "ftp://h/p"> %p;]><r/>"#,
                )],
                "ftp://h/p",
                "",
                Some(ExternalEntity),
            ),
            // a relative system id, resolved against the document's base
            (
                &[(
                    Parameter,
                    r#"<!DOCTYPE r [<!ENTITY x SYSTEM "../../secret">]><r>&x;</r>"#,
                )],
                "../../secret",
                "",
                Some(ExternalEntity),
            ),
            // jar: and netdoc:
            (
                &[(
                    Body,
                    r#"<!DOCTYPE r [<!ENTITY x SYSTEM "jar:http://h/a.jar!/b">]><r/>"#,
                )],
                "jar:http://h/a.jar!/b",
                "",
                Some(ExternalEntity),
            ),
            (
                &[(
                    Body,
                    r#"<!DOCTYPE r [<!ENTITY x SYSTEM "netdoc:///etc/hosts">]><r/>"#,
                )],
                "netdoc:///etc/hosts",
                "",
                Some(ExternalEntity),
            ),
            // the public id came from the request, the system id was rewritten
            (
                &[(Body, r#"<!DOCTYPE r PUBLIC "-//Evil//X" "x.dtd"><r/>"#)],
                "http://catalog/x.dtd",
                "-//Evil//X",
                Some(ExternalEntity),
            ),
            // twin: the request mentions the file name, but declares nothing (the application's
            // own class-path document references it)
            (
                &[(Query, "classpath-included.ent")],
                "classpath-included.ent",
                "",
                None,
            ),
            // twin: an internal entity only is never resolved; a declaration with another id
            (
                &[(Body, r#"<!DOCTYPE r [<!ENTITY x "fine">]><r>&x;</r>"#)],
                "classpath-included.ent",
                "",
                None,
            ),
            // no id at all
            (&[(Body, FILE_ENTITY)], "", "", None),
        ];
        for (inputs, system_id, public_id, want) in cases {
            let got = detect_external(&ctx(inputs), system_id.as_bytes(), public_id.as_bytes());
            assert_eq!(got.map(|f| f.rule), *want, "{inputs:?} {system_id}");
        }
    }

    #[test]
    fn the_carrier_is_the_input_with_the_declaration() {
        let c = ctx(&[
            (InputSource::Header, "file:///etc/passwd"),
            (InputSource::Body, FILE_ENTITY),
        ]);
        assert_eq!(
            detect_external(&c, b"file:///etc/passwd", b""),
            Some(XxeFinding {
                rule: XxeRule::ExternalEntity,
                input: Some(1)
            })
        );
    }

    #[test]
    fn long_ids_are_searched_by_their_prefix() {
        let id = format!("file:///{}", "a".repeat(3 * MAX_ID_BYTES));
        let doc = format!(r#"<!DOCTYPE r [<!ENTITY x SYSTEM "{id}">]><r>&x;</r>"#);
        let c = ctx(&[(InputSource::Body, &doc)]);
        assert!(detect_external(&c, id.as_bytes(), b"").is_some());
    }

    #[test]
    fn expansion_needs_a_declaring_input() {
        let bomb = r#"<!DOCTYPE r [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><r>&b;</r>"#;
        assert_eq!(
            detect_expansion(&ctx(&[(InputSource::Body, bomb)])).map(|f| f.rule),
            Some(XxeRule::EntityExpansion)
        );
        assert_eq!(
            detect_expansion(&ctx(&[(InputSource::Body, "<r>hello</r>")])),
            None
        );
    }
}
