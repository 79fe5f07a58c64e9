//! `path.traversal`: did an input's `..` segments climb above the directory the application
//! fixed?
//!
//! The fixed directory is not simply what precedes this input. Several inputs may build one
//! path (`/base/` + `cwd` + `/` + `path`), and a `..` that only undoes what another input added
//! (`cwd=sub&path=..` giving `/base/sub/..`) stays where the application meant. So the fixed
//! part ends at the last segment before this input that no input wrote: walking back from the
//! input over segments that came from input, the first segment of the application's own ends
//! it.
//!
//! When every segment before the input came from input, nothing tells the application's text
//! from a decoy parameter that merely repeats it (`?x=/srv/app/uploads&file=../../../etc/passwd`),
//! so everything before the input counts as fixed, as if no other input were there. A decoy can
//! therefore move the fixed part back only as far as the deepest segment of the application's
//! own before the input, never to the root.

use crate::context::RequestContext;
use crate::matcher::Occurrence;

use super::segments::{from_input, segments, Segment};

/// Whether the `..` segments the occurrence `o` brings in climb above the fixed part.
pub(super) fn climbs_out(
    ctx: &RequestContext,
    path: &[u8],
    occurrences: &[Occurrence],
    o: &Occurrence,
) -> bool {
    let segs = segments(path);
    // The first segment ending after the input starts is (partly) the input's.
    let Some(first) = segs.iter().position(|s| s.end > o.start) else {
        return false;
    };
    let fixed_end = fixed_prefix_end(ctx, path, occurrences, &segs[..first]);
    let mut depth: i64 = 0;
    for s in &segs[..fixed_end] {
        depth += if s.up { -1 } else { 1 };
    }
    let fixed_depth = depth;
    for s in &segs[fixed_end..] {
        if s.start >= o.end {
            break;
        }
        if s.up {
            depth -= 1;
            let own = s.start < o.end && o.start < s.end;
            if own && depth < fixed_depth {
                return true;
            }
        } else {
            depth += 1;
        }
    }
    false
}

/// How many leading segments of `before` (the segments preceding the input) the application
/// fixed: up to and including the last one no input wrote, or all of them when input wrote
/// every one.
fn fixed_prefix_end(
    ctx: &RequestContext,
    path: &[u8],
    occurrences: &[Occurrence],
    before: &[Segment],
) -> usize {
    match before
        .iter()
        .rposition(|&s| !from_input(ctx, path, occurrences, s))
    {
        Some(last_own) => last_own + 1,
        None => before.len(),
    }
}
