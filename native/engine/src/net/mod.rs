//! Network destinations, read the way the JDK reads them: where a host written as text points
//! ([`host`]), which hosts the operator lets input name ([`allow`]) and which bytes of a URL
//! decide the destination ([`url`]). Whether request input chose a destination is the SSRF
//! detector's judgement ([`crate::ssrf`]), above this module and the request context.

pub mod allow;
pub mod host;
pub mod url;
