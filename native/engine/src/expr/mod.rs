//! Expression-language injection (issue 11): SpEL, OGNL, MVEL, JEXL, Jakarta EL, and the
//! FreeMarker, Velocity and Thymeleaf template languages when input becomes part of a template.
//!
//! The structural rule carried over from SQL: request input confined to one string literal,
//! one number, one property name, or the literal text of a template is data
//! (`#{user.name == 'alice'}` with `alice` from the request; a sort property `name`); input that
//! spans tokens (a method call, `T(...)`, `#this`, `@bean`, an operator, a closing quote) is code
//! of the expression (`expr.injection`). The lexer ([`lexer`]) reads the few things these
//! languages disagree on (string escapes, template delimiters) per [`Language`].
//!
//! A policy ([`policy`]) needs no request input: an expression that names
//! `java.lang.Runtime`, `ProcessBuilder`, a class loader or reflection runs code no expression
//! in an application needs to run, so it is blocked by default on any thread
//! (`expr.policy.dangerous_class`).

pub mod detect;
mod ftl;
pub mod lexer;
pub mod policy;
mod thymeleaf;
mod vtl;

pub use detect::{detect, ExprFinding, ExprRule};
pub use lexer::{lex, Language, Token, TokenKind};
