//! File paths: deciding whether request input made a path point somewhere the application did
//! not mean.
//!
//! * `path.traversal`: input whose `..` segments climb above the part of the path the
//!   application fixed (`/data/uploads/` + `../../etc/passwd`). `a/../b` inside the base stays
//!   allowed, and so does a name with dots in it (`report..v2.pdf`). Backslashes count as
//!   separators too, because Windows treats them so and applications normalise them.
//! * `path.absolute`: input that is the whole path from its start (`/etc/passwd`, `C:\x`,
//!   `\\host\share`): the application fixed nothing.
//! * `path.nul`: input carrying a NUL byte, which truncates paths in native code.
//! * `path.server_page`: a write whose file name, named by input, is a server page the container
//!   would execute (`.jsp`, `.jspx`, `.jspf`).

use crate::context::RequestContext;

/// What the application does with the path (for the server-page rule and events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathOp {
    Read,
    Write,
    Delete,
    List,
    Other,
}

impl PathOp {
    pub fn from_code(code: i32) -> PathOp {
        match code {
            0 => PathOp::Read,
            1 => PathOp::Write,
            2 => PathOp::Delete,
            3 => PathOp::List,
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
            PathRule::Absolute => "request input is a whole absolute path",
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
}

fn is_separator(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// An absolute path that names something below the root: `/etc/passwd`, `C:\\x`, `\\\\host\\share`.
/// A bare root (`/`, `C:\\`) is not: a `?next=/` parameter matches the start of every absolute
/// path the application opens, and names nothing by itself.
fn is_absolute(p: &[u8]) -> bool {
    let rest = match p {
        [b'/' | b'\\', ..] => p,
        [d, b':', rest @ ..] if d.is_ascii_alphabetic() => rest,
        _ => return false,
    };
    rest.iter().any(|&b| !is_separator(b))
}

/// Whether the `..` segments that `[start, end)` brings in climb above the depth the path
/// had reached in the segments the application fixed before the input.
fn climbs_out(path: &[u8], start: usize, end: usize) -> bool {
    let mut depth: i64 = 0;
    let mut fixed_depth: Option<i64> = None;
    let mut seg_start = 0;
    for i in 0..=path.len() {
        if i < path.len() && !is_separator(path[i]) {
            continue;
        }
        if seg_start >= end {
            break;
        }
        // A segment ending after the input starts is (partly) the input's; the depth before the
        // first such segment is what the application fixed.
        if i > start && fixed_depth.is_none() {
            fixed_depth = Some(depth);
        }
        match &path[seg_start..i] {
            b"" | b"." => {}
            b".." => {
                depth -= 1;
                if fixed_depth.is_some_and(|fixed| depth < fixed) {
                    return true;
                }
            }
            _ => depth += 1,
        }
        seg_start = i + 1;
    }
    false
}

/// The start of the file name (the last segment).
fn file_name_start(path: &[u8]) -> usize {
    path.iter()
        .rposition(|&b| is_separator(b))
        .map_or(0, |i| i + 1)
}

/// Checks one path the application is about to use.
pub fn detect(ctx: &RequestContext, path: &[u8], op: PathOp) -> Option<PathFinding> {
    if !ctx.matcher().any(path) {
        return None;
    }
    let mut best: Option<PathFinding> = None;
    for o in ctx.matcher().occurrences(path) {
        let injected = &path[o.start..o.end];
        let rule = if injected.contains(&0) {
            Some(PathRule::Nul)
        } else if climbs_out(path, o.start, o.end) {
            Some(PathRule::Traversal)
        } else if o.start == 0 && is_absolute(injected) {
            Some(PathRule::Absolute)
        } else if matches!(op, PathOp::Write)
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
