//! Network destinations, for the SSRF judgement (issue 11): where a host written as text points
//! ([`host`]) and which hosts the operator lets input name ([`allow`]) and which bytes of a URL decide the destination ([`url`]), both read the way the
//! JDK reads them, and whether request input chose the destination ([`ssrf`]).

pub mod allow;
pub mod host;
pub mod ssrf;
pub mod url;
