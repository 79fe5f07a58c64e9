//! The compiled rule file of docs/rules.md §3: a fixed preamble, a JSON header, and sections.
//!
//! ```text
//! 0..8      magic b"RASPRULS"
//! 8..12     format version, u32 little-endian (2; version 1 files are read too)
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
//!
//! The Hyperscan part (format 2). The `dfa.*` sections (the portable backend's matchers) are
//! most of a file's bytes (4.4 of the default set's 5 MB) and a reader that scans with
//! Hyperscan never uses them. So the writer puts every other section first, and the header
//! names that prefix of the body with its own SHA-256 (`hyperscan_part`). A reader may then be
//! given the file cut right after that part (the agent reads its built-in set from rasp.jar
//! that way, inflating a seventh of the entry): [`RuleFile::parse`] verifies the part, the
//! sections past it are absent, and [`RuleFile::is_partial`] says so; loading such a file for
//! the portable backend fails with [`RuleFileError::WholeFileNeeded`], and the reader
//! supplies the whole file instead. Any other cut is a truncated file, as before.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Rule;

/// The first eight bytes of every rule file.
pub const MAGIC: &[u8; 8] = b"RASPRULS";
/// The format this engine writes; it reads this one and every one before it.
pub const FORMAT_VERSION: u32 = 2;
/// The first format whose header may name the Hyperscan part.
const FORMAT_WITH_PARTS: u32 = 2;
/// How [`RuleFileError::WholeFileNeeded`]'s message begins: the agent recognises it (after
/// the JNI init's `rule set: `) and loads again with the whole file (docs/native-boundary.md).
pub const WHOLE_FILE_NEEDED: &str = "the whole rule file is needed";
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
    /// Format 2, when the file has `hs.*` sections: the body's prefix that holds every section
    /// but the `dfa.*` ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyperscan_part: Option<Part>,
    pub sections: Vec<SectionEntry>,
}

/// A prefix of the body a reader may be given instead of the whole body. `len` is written
/// first: the agent finds it in the header's text without a JSON parser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub len: u64,
    /// `sha256:` and the hex digest of the body's first `len` bytes.
    pub checksum: String,
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
        "unsupported rule file format version {0} (this engine reads versions 1 to {FORMAT_VERSION})"
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
    /// The file was given cut after its Hyperscan part, and the portable backend must scan.
    #[error("{prefix}: the portable backend scans with the dfa sections, which were not read ({why})", prefix = WHOLE_FILE_NEEDED)]
    WholeFileNeeded { why: String },
}

/// A framed rule file: the header and the verified body (or its verified Hyperscan part).
#[derive(Debug)]
pub struct RuleFile<'a> {
    pub header: Header,
    body: &'a [u8],
    partial: bool,
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
        if !(1..=FORMAT_VERSION).contains(&version) {
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
        if header.format != version {
            return Err(RuleFileError::BadHeader(format!(
                "it says format {} in a version {version} file",
                header.format
            )));
        }
        if version < FORMAT_WITH_PARTS && header.hyperscan_part.is_some() {
            return Err(RuleFileError::BadHeader(format!(
                "hyperscan_part in a version {version} file"
            )));
        }
        let whole = body_len(&header.sections);
        let part = header.hyperscan_part.as_ref();
        if let Some(part) = part {
            check_part(part, &header.sections, whole)?;
        }
        // Cut exactly after the part (and not the whole body, which a part may equal when the
        // file has no dfa sections).
        let partial = part
            .is_some_and(|part| whole != Some(body.len() as u64) && part.len == body.len() as u64);
        if partial {
            check_layout(&header.sections, whole.unwrap_or(0) as usize)?;
        } else {
            check_layout(&header.sections, body.len())?;
            verify(&header.checksum, body)?;
        }
        if let Some(part) = part {
            // In bounds: `check_part` put it within the body's length, and the body is whole
            // or exactly this part.
            verify(&part.checksum, &body[..part.len as usize])?;
        }
        Ok(RuleFile {
            header,
            body,
            partial,
        })
    }

    /// True when the file was given cut after its Hyperscan part: the `dfa.*` sections are in
    /// the section table but not here.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// Whether the section table names `name` (its bytes may be absent from a partial file).
    pub fn has_section(&self, name: &str) -> bool {
        self.header.sections.iter().any(|s| s.name == name)
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

/// The body's length the section table gives (the end of its last section), if it adds up.
fn body_len(sections: &[SectionEntry]) -> Option<u64> {
    sections
        .last()
        .map_or(Some(0), |s| s.offset.checked_add(s.len))
}

/// The part holds every section but the `dfa.*` ones, and no byte of those, within the body.
fn check_part(
    part: &Part,
    sections: &[SectionEntry],
    whole: Option<u64>,
) -> Result<(), RuleFileError> {
    if whole.is_none_or(|whole| part.len > whole) {
        return Err(RuleFileError::Layout(format!(
            "the hyperscan part ({} bytes) is longer than the body",
            part.len
        )));
    }
    for s in sections {
        let (fits, where_) = if s.name.starts_with("dfa.") {
            (s.offset >= part.len, "inside")
        } else {
            (
                s.offset
                    .checked_add(s.len)
                    .is_some_and(|end| end <= part.len),
                "outside",
            )
        };
        if !fits {
            return Err(RuleFileError::Layout(format!(
                "section {} lies {where_} the hyperscan part ({} bytes)",
                s.name, part.len
            )));
        }
    }
    Ok(())
}

fn verify(expected: &str, bytes: &[u8]) -> Result<(), RuleFileError> {
    let actual = checksum(bytes);
    if expected != actual {
        return Err(RuleFileError::ChecksumMismatch {
            expected: expected.to_string(),
            actual,
        });
    }
    Ok(())
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
    // Every section a Hyperscan reader needs first, the `dfa.*` ones after them, each group in
    // the caller's order: the first group is the Hyperscan part.
    let is_dfa = |name: &str| name.starts_with("dfa.");
    let ordered = sections
        .iter()
        .filter(|(name, _)| !is_dfa(name))
        .chain(sections.iter().filter(|(name, _)| is_dfa(name)));
    let mut part_len = None;
    for (name, bytes) in ordered {
        if is_dfa(name) && part_len.is_none() {
            part_len = Some(body.len());
        }
        entries.push(SectionEntry {
            name: name.clone(),
            offset: body.len() as u64,
            len: bytes.len() as u64,
        });
        body.extend_from_slice(bytes);
    }
    let part_len = part_len.unwrap_or(body.len());
    let hyperscan_part = entries
        .iter()
        .any(|e| e.name.starts_with("hs."))
        .then(|| Part {
            len: part_len as u64,
            checksum: checksum(&body[..part_len]),
        });
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
        hyperscan_part,
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
