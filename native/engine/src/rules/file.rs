//! The compiled rule file of docs/rules.md §3: a fixed preamble, a JSON header, and sections.
//!
//! ```text
//! 0..8      magic b"RASPRULS"
//! 8..12     format version, u32 little-endian (1)
//! 12..16    header length H, u32 little-endian
//! 16..16+H  header, UTF-8 JSON
//! ...       body: the sections, back to back
//! ```
//!
//! The file crosses machines (built once, embedded in rasp.jar, dropped into
//! `rasp.rules.file`) and is read inside the protected JVM, so reading it trusts nothing: the
//! magic and version first (a wrong file gets "not a rasp rule file", not a JSON error), then
//! the header, the section table against the body's length, and a SHA-256 over the whole body
//! before any section is parsed. Each error says what is wrong in words an operator can act
//! on. What the sections mean is [`super::set`]'s business; this module only frames them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Rule;

/// The first eight bytes of every rule file.
pub const MAGIC: &[u8; 8] = b"RASPRULS";
/// The format this engine writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The regex-automata serialization the `dfa.*` sections use (its 0.4 series).
pub const REGEX_AUTOMATA_VERSION: &str = "0.4";

const PREAMBLE: usize = 16;

/// The JSON header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: u32,
    pub name: String,
    pub version: String,
    /// `name@version+` and the first 8 hex digits of the checksum.
    pub id: String,
    pub rules: usize,
    pub engines: Engines,
    pub platform: Platform,
    /// `sha256:` and the hex digest of the body.
    pub checksum: String,
    pub sections: Vec<SectionEntry>,
}

/// The versions of what built the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engines {
    pub rasp: String,
    /// `None` when the compiling build had no Hyperscan (the file then has no `hs.*` sections).
    pub hyperscan: Option<String>,
    pub regex_automata: String,
}

/// What the databases were built for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub arch: String,
    pub hyperscan: Option<String>,
}

/// Where a section lies in the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub name: String,
    pub offset: u64,
    pub len: u64,
}

/// The `meta` section: the rules, and per database the pattern id → (rule, pattern) map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub rules: Vec<Rule>,
    /// Keyed by target name (`sink.sql`, ...); only targets with patterns appear.
    pub databases: BTreeMap<String, Vec<(u32, u32)>>,
}

/// Why a rule file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleFileError {
    #[error("not a rasp rule file (only {0} bytes)")]
    TooShort(usize),
    #[error("not a rasp rule file (bad magic)")]
    BadMagic,
    #[error(
        "unsupported rule file format version {0} (this engine reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u32),
    #[error(
        "truncated rule file: the header needs {need} bytes but only {have} follow the preamble"
    )]
    TruncatedHeader { need: usize, have: usize },
    #[error("bad rule file header: {0}")]
    BadHeader(String),
    #[error(
        "truncated or corrupt rule file: section {name} (offset {offset}, {len} bytes) ends \
         past the end of the body ({body} bytes)"
    )]
    SectionOutOfBounds {
        name: String,
        offset: u64,
        len: u64,
        body: usize,
    },
    #[error("corrupt rule file: {0}")]
    Layout(String),
    #[error(
        "checksum mismatch: the header says {expected} but the body hashes to {actual} (the \
         file is corrupt or was edited)"
    )]
    ChecksumMismatch { expected: String, actual: String },
    #[error("bad meta section: {0}")]
    BadMeta(String),
    #[error("inconsistent rule file: {0}")]
    Inconsistent(String),
    #[error("section {section} does not load: {message}")]
    BadDfa { section: String, message: String },
    #[error("rules.backend=hyperscan, but {0}")]
    HyperscanUnavailable(String),
}

/// A framed rule file: the header and the verified body.
#[derive(Debug)]
pub struct RuleFile<'a> {
    pub header: Header,
    body: &'a [u8],
}

impl<'a> RuleFile<'a> {
    /// Checks the preamble, header, section table and checksum (not the sections' contents).
    pub fn parse(bytes: &'a [u8]) -> Result<RuleFile<'a>, RuleFileError> {
        if bytes.len() < MAGIC.len() {
            return Err(RuleFileError::TooShort(bytes.len()));
        }
        if &bytes[..MAGIC.len()] != MAGIC {
            return Err(RuleFileError::BadMagic);
        }
        if bytes.len() < PREAMBLE {
            return Err(RuleFileError::TooShort(bytes.len()));
        }
        let version = u32_le(&bytes[8..12]);
        if version != FORMAT_VERSION {
            return Err(RuleFileError::UnsupportedVersion(version));
        }
        let header_len = u32_le(&bytes[12..16]) as usize;
        let rest = &bytes[PREAMBLE..];
        if header_len > rest.len() {
            return Err(RuleFileError::TruncatedHeader {
                need: header_len,
                have: rest.len(),
            });
        }
        let (header_bytes, body) = rest.split_at(header_len);
        let header: Header = serde_json::from_slice(header_bytes)
            .map_err(|e| RuleFileError::BadHeader(e.to_string()))?;
        if header.format != FORMAT_VERSION {
            return Err(RuleFileError::BadHeader(format!(
                "it says format {} in a version {FORMAT_VERSION} file",
                header.format
            )));
        }
        check_layout(&header.sections, body.len())?;
        let actual = checksum(body);
        if header.checksum != actual {
            return Err(RuleFileError::ChecksumMismatch {
                expected: header.checksum.clone(),
                actual,
            });
        }
        Ok(RuleFile { header, body })
    }

    /// The bytes of section `name`, if the file has it.
    pub fn section(&self, name: &str) -> Option<&'a [u8]> {
        let entry = self.header.sections.iter().find(|s| s.name == name)?;
        // In bounds: `check_layout` verified every entry against the body.
        self.body
            .get(entry.offset as usize..(entry.offset + entry.len) as usize)
    }

    /// The section names, in file order.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.header.sections.iter().map(|s| s.name.as_str())
    }
}

fn u32_le(b: &[u8]) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&b[..4]);
    u32::from_le_bytes(word)
}

/// Sections lie back to back from offset 0 to the end of the body, each name once.
fn check_layout(sections: &[SectionEntry], body: usize) -> Result<(), RuleFileError> {
    let mut expected = 0u64;
    for (i, s) in sections.iter().enumerate() {
        if sections[..i].iter().any(|other| other.name == s.name) {
            return Err(RuleFileError::Layout(format!(
                "section {} appears twice",
                s.name
            )));
        }
        if s.offset != expected {
            return Err(RuleFileError::Layout(format!(
                "section {} starts at {}, but the previous one ends at {expected}",
                s.name, s.offset
            )));
        }
        let in_bounds = matches!(s.offset.checked_add(s.len), Some(end) if end <= body as u64);
        if !in_bounds {
            return Err(RuleFileError::SectionOutOfBounds {
                name: s.name.clone(),
                offset: s.offset,
                len: s.len,
                body,
            });
        }
        expected = s.offset + s.len;
    }
    if expected != body as u64 {
        return Err(RuleFileError::Layout(format!(
            "{} bytes follow the last section",
            body as u64 - expected
        )));
    }
    Ok(())
}

/// `sha256:<hex>` of `body`.
pub fn checksum(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The set id: `name@version+` and the first 8 hex digits of the checksum.
pub fn set_id(name: &str, version: &str, checksum: &str) -> String {
    let hex = checksum.strip_prefix("sha256:").unwrap_or(checksum);
    format!("{name}@{version}+{}", hex.get(..8).unwrap_or(hex))
}

/// What goes into a file besides its sections.
pub struct FileIdentity<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub rules: usize,
    /// Hyperscan's version when the file has `hs.*` sections.
    pub hyperscan: Option<&'a str>,
}

/// Writes a rule file; returns its bytes and its id.
pub fn write(
    identity: &FileIdentity<'_>,
    sections: &[(String, Vec<u8>)],
) -> Result<(Vec<u8>, String), RuleFileError> {
    let mut body = Vec::with_capacity(sections.iter().map(|(_, b)| b.len()).sum());
    let mut entries = Vec::with_capacity(sections.len());
    for (name, bytes) in sections {
        entries.push(SectionEntry {
            name: name.clone(),
            offset: body.len() as u64,
            len: bytes.len() as u64,
        });
        body.extend_from_slice(bytes);
    }
    let checksum = checksum(&body);
    let id = set_id(identity.name, identity.version, &checksum);
    let header = Header {
        format: FORMAT_VERSION,
        name: identity.name.to_string(),
        version: identity.version.to_string(),
        id: id.clone(),
        rules: identity.rules,
        engines: Engines {
            rasp: env!("CARGO_PKG_VERSION").to_string(),
            hyperscan: identity.hyperscan.map(str::to_string),
            regex_automata: REGEX_AUTOMATA_VERSION.to_string(),
        },
        platform: Platform {
            arch: std::env::consts::ARCH.to_string(),
            hyperscan: identity
                .hyperscan
                .map(|_| super::backend::hyperscan::PLATFORM.to_string()),
        },
        checksum,
        sections: entries,
    };
    let header =
        serde_json::to_vec(&header).map_err(|e| RuleFileError::BadHeader(e.to_string()))?;
    let header_len = u32::try_from(header.len())
        .map_err(|_| RuleFileError::BadHeader("the header is longer than 4 GiB".to_string()))?;
    let mut out = Vec::with_capacity(PREAMBLE + header.len() + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    Ok((out, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let identity = FileIdentity {
            name: "t",
            version: "1",
            rules: 0,
            hyperscan: None,
        };
        let sections = vec![
            ("meta".to_string(), b"{}".to_vec()),
            ("dfa.input".to_string(), vec![1, 2, 3]),
        ];
        write(&identity, &sections).unwrap().0
    }

    #[test]
    fn frames_round_trip() {
        let bytes = sample();
        let file = RuleFile::parse(&bytes).unwrap();
        assert_eq!(file.section("meta"), Some(&b"{}"[..]));
        assert_eq!(file.section("dfa.input"), Some(&[1u8, 2, 3][..]));
        assert_eq!(file.section("hs.input"), None);
        assert!(file.header.id.starts_with("t@1+"));
        assert_eq!(file.header.id.len(), "t@1+".len() + 8);
    }

    #[test]
    fn layout_errors() {
        let s = |name: &str, offset, len| SectionEntry {
            name: name.into(),
            offset,
            len,
        };
        assert_eq!(
            check_layout(&[s("a", 0, 2), s("b", 3, 1)], 4)
                .unwrap_err()
                .to_string(),
            "corrupt rule file: section b starts at 3, but the previous one ends at 2"
        );
        assert_eq!(
            check_layout(&[s("a", 0, 2)], 5).unwrap_err().to_string(),
            "corrupt rule file: 3 bytes follow the last section"
        );
        assert_eq!(
            check_layout(&[s("a", 0, 2), s("a", 2, 1)], 3)
                .unwrap_err()
                .to_string(),
            "corrupt rule file: section a appears twice"
        );
        assert!(matches!(
            check_layout(&[s("a", 0, u64::MAX)], 3),
            Err(RuleFileError::SectionOutOfBounds { .. })
        ));
    }
}
