//! Network destinations, for the SSRF judgement (issue 11): where a host written as text points
//! ([`host`]), read the way the JDK reads it.

pub mod host;
