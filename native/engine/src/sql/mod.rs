//! SQL: dialects, the lexer and the injection detector.

mod adjacent;
pub mod detect;
pub mod dialect;
pub mod keywords;
pub mod lexed;
pub mod lexer;
pub mod quoted;
pub mod token;
pub mod whitespace;

pub use detect::{
    analyze, detect, detect_lexed, detect_occurrences, SqlAnalysis, SqlFinding, SqlRule,
};
pub use dialect::Dialect;
pub use lexed::LexedStatement;
pub use lexer::SqlLexer;
pub use token::{LexError, Token, TokenKind};
