//! File paths: deciding whether request input made a path point somewhere the application did
//! not mean.
//!
//! * `path.traversal`: input whose `..` segments climb above the part of the path the
//!   application fixed (`/data/uploads/` + `../../etc/passwd`). `a/../b` inside the base stays
//!   allowed, and so does a name with dots in it (`report..v2.pdf`), and a `..` that only undoes
//!   what another input added (`cwd=sub&path=..`, see [`traversal`]). Backslashes count as
//!   separators too, because Windows treats them so and applications normalise them.
//! * `path.absolute`: input that starts the path as an absolute path and decides where it points
//!   (`/etc/passwd`, `C:\x`, `\\host\share`; not a `next=/app` that merely equals the leading
//!   directory of a longer path the application built, see [`absolute`]).
//! * `path.nul`: input carrying a NUL byte, which truncates paths in native code.
//! * `path.server_page`: a write whose file name, named by input, is a server page the container
//!   would execute (`.jsp`, `.jspx`, `.jspf`).
//!
//! The same rules judge the path as the application wrote it before normalising it
//! (`File.getCanonicalPath`, `Path.normalize`, `File` collapsing `//`), which the agent passes
//! along when it saw one, and, for `file:` URLs, the path a URL input names ([`file_url`]).

mod absolute;
pub mod file_url;
mod segments;
mod traversal;

use crate::context::RequestContext;
use crate::matcher::Occurrence;

/// What the application does with the path (for the server-page rule and events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathOp {
    Read,
    Write,
    Delete,
    List,
    Other,
    /// Existence, attributes, permissions and times: read or changed (`File.exists`,
    /// `Files.readAttributes`, `File.setLastModified`). What exists leaks through them.
    Metadata,
    /// A hard or symbolic link created or read, both its name and its target.
    Link,
}

impl PathOp {
    pub fn from_code(code: i32) -> PathOp {
        match code {
            0 => PathOp::Read,
            1 => PathOp::Write,
            2 => PathOp::Delete,
            3 => PathOp::List,
            5 => PathOp::Metadata,
            6 => PathOp::Link,
            _ => PathOp::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PathOp::Read => "read",
            PathOp::Write => "write",
            PathOp::Delete => "delete",
            PathOp::List => "list",
            PathOp::Other => "other",
            PathOp::Metadata => "metadata",
            PathOp::Link => "link",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRule {
    Traversal,
    Absolute,
    Nul,
    ServerPage,
}

impl PathRule {
    pub const ALL: [PathRule; 4] = [
        PathRule::Traversal,
        PathRule::Absolute,
        PathRule::Nul,
        PathRule::ServerPage,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PathRule::Traversal => "path.traversal",
            PathRule::Absolute => "path.absolute",
            PathRule::Nul => "path.nul",
            PathRule::ServerPage => "path.server_page",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PathRule::Traversal => {
                "request input climbed out of the directory the application chose"
            }
            PathRule::Absolute => {
                "request input is an absolute path that decides where the path points"
            }
            PathRule::Nul => "request input put a NUL byte into a file path",
            PathRule::ServerPage => "request input named a server page the application writes",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathFinding {
    pub rule: PathRule,
    pub input: usize,
    pub start: usize,
    pub end: usize,
    /// Where the input was found when not verbatim in the path: `file-url` (a `file:` URL input,
    /// read as the path it names).
    pub via: Option<&'static str>,
}

/// The start of the file name (the last segment).
fn file_name_start(path: &[u8]) -> usize {
    path.iter()
        .rposition(|&b| segments::is_separator(b))
        .map_or(0, |i| i + 1)
}

/// Checks one path the application is about to use.
pub fn detect(ctx: &RequestContext, path: &[u8], op: PathOp) -> Option<PathFinding> {
    if !ctx.matcher().any(path) {
        return None;
    }
    let occurrences = ctx.matcher().occurrences(path);
    judge(ctx, path, op, &occurrences, None)
}

/// [`detect`] for the path a `file:` URL opens: also the paths that `file:` URL inputs name.
pub fn detect_file_url(ctx: &RequestContext, path: &[u8], op: PathOp) -> Option<PathFinding> {
    if let Some(found) = detect(ctx, path, op) {
        return Some(found);
    }
    let named = file_url::occurrences(ctx, path);
    if named.is_empty() {
        return None;
    }
    let mut occurrences = ctx.matcher().occurrences(path);
    let first_named = occurrences.len();
    occurrences.extend(named);
    judge(
        ctx,
        path,
        op,
        &occurrences[first_named..],
        Some(&occurrences),
    )
    .map(|f| PathFinding {
        via: Some("file-url"),
        ..f
    })
}

/// The most specific finding among `candidates`; `all` (default: the candidates) are every
/// input occurrence in the path, which decide what input wrote.
fn judge(
    ctx: &RequestContext,
    path: &[u8],
    op: PathOp,
    candidates: &[Occurrence],
    all: Option<&[Occurrence]>,
) -> Option<PathFinding> {
    let all = all.unwrap_or(candidates);
    let mut best: Option<PathFinding> = None;
    for o in candidates {
        let injected = &path[o.start..o.end];
        let rule = if injected.contains(&0) {
            Some(PathRule::Nul)
        } else if segments::has_up_segment(injected) && traversal::climbs_out(ctx, path, all, o) {
            Some(PathRule::Traversal)
        } else if o.start == 0
            && absolute::is_absolute(injected)
            && absolute::decides_destination(ctx, path, all, o)
        {
            Some(PathRule::Absolute)
        } else if matches!(op, PathOp::Write | PathOp::Link)
            && o.end > file_name_start(path)
            && is_server_page(path)
        {
            Some(PathRule::ServerPage)
        } else {
            None
        };
        if let Some(rule) = rule {
            let f = PathFinding {
                rule,
                input: o.input,
                start: o.start,
                end: o.end,
                via: None,
            };
            // Prefer the most specific rule, then the longest span.
            let rank = |r: PathRule| match r {
                PathRule::Nul => 0,
                PathRule::Traversal => 1,
                PathRule::Absolute => 2,
                PathRule::ServerPage => 3,
            };
            let key = |f: &PathFinding| (rank(f.rule), std::cmp::Reverse(f.end - f.start));
            best = match best {
                Some(b) if key(&b) <= key(&f) => Some(b),
                _ => Some(f),
            };
        }
    }
    best
}

fn is_server_page(path: &[u8]) -> bool {
    let name = &path[file_name_start(path)..];
    let lower = name.to_ascii_lowercase();
    [".jsp", ".jspx", ".jspf"]
        .iter()
        .any(|ext| lower.ends_with(ext.as_bytes()))
}
