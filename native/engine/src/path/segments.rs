//! The segments of a path and who wrote them.
//!
//! A path is a run of segments between separators (`/`, and `\` since Windows and many
//! applications treat it as one). Whether an input's `..` climbed out, or an absolute input
//! decided where a path points, depends on which segments the application fixed and which came
//! from request input; this module answers the second question for one segment.

use crate::context::RequestContext;
use crate::matcher::Occurrence;

/// A non-empty segment other than `.`, as a byte range of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Segment {
    pub start: usize,
    pub end: usize,
    /// `..`: takes the path one level up.
    pub up: bool,
}

pub(super) fn is_separator(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// The segments that move the path: empty segments (`//`) and `.` change nothing.
pub(super) fn segments(path: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=path.len() {
        if i < path.len() && !is_separator(path[i]) {
            continue;
        }
        match &path[start..i] {
            b"" | b"." => {}
            s => out.push(Segment {
                start,
                end: i,
                up: s == b"..",
            }),
        }
        start = i + 1;
    }
    out
}

/// Whether `[start, end)` holds a `..` segment (between separators or the range's ends).
pub(super) fn has_up_segment(text: &[u8]) -> bool {
    text.split(|&b| is_separator(b)).any(|s| s == b"..")
}

/// Whether request input wrote (part of) this segment: an input occurrence overlaps it, or the
/// segment is exactly an input value. The second covers plain words, which the input search
/// skips (`sub` from `?cwd=sub` in `/base/sub/..`); it walks the inputs, so it is only asked on
/// the rare path where a `..` or an absolute input needs judging.
pub(super) fn from_input(
    ctx: &RequestContext,
    path: &[u8],
    occurrences: &[Occurrence],
    seg: Segment,
) -> bool {
    if occurrences
        .iter()
        .any(|o| o.start < seg.end && seg.start < o.end)
    {
        return true;
    }
    let text = &path[seg.start..seg.end];
    ctx.inputs().iter().any(|i| i.value.as_bytes() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_dot_segments_do_not_count() {
        let segs = segments(b"/a//./b/../c\\d");
        let texts: Vec<&[u8]> = segs
            .iter()
            .map(|s| &b"/a//./b/../c\\d"[s.start..s.end])
            .collect();
        assert_eq!(texts, [&b"a"[..], b"b", b"..", b"c", b"d"]);
        assert!(segs[2].up);
        assert!(segments(b"").is_empty());
        assert!(segments(b"///").is_empty());
    }

    #[test]
    fn up_segments_are_whole_segments() {
        assert!(has_up_segment(b"../x"));
        assert!(has_up_segment(b"a\\..\\x"));
        assert!(has_up_segment(b".."));
        assert!(!has_up_segment(b"report..v2.pdf"));
        assert!(!has_up_segment(b"..."));
    }
}
