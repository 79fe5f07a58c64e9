//! OS commands: the shell lexer, what is known about programs, and the injection detector.

pub mod detect;
pub mod lexer;
pub mod options;
pub mod policy;
pub mod programs;
pub mod script;
pub mod wrappers;

pub use detect::{detect, detect_in, CmdFinding, CmdLocation, CmdRule, CommandLine};
pub use policy::CmdPolicy;
