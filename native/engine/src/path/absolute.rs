//! `path.absolute`: did an input that starts the path decide where it points?
//!
//! An input that is an absolute path and starts the path the application opens fixed nothing
//! of it when it is the whole path (`/etc/passwd`), when the application only appended to its
//! last segment (`/etc/passwd` + `.txt`), when it climbs by itself (`/var/www/../etc`), or when
//! everything after it came from input too (`dir=/etc&file=passwd`). It did not decide the
//! destination when it merely equals a leading directory of a longer path the application
//! built: a `next=/app` parameter while the application reads `/app/config/x.yml`. `/app`,
//! `/home` and `/srv` are common working directories, and a value naming one shows up in many
//! requests.

use crate::context::RequestContext;
use crate::matcher::Occurrence;

use super::segments::{from_input, has_up_segment, is_separator, segments};

/// An absolute path that names something below the root: `/etc/passwd`, `C:\\x`, `\\\\host\\share`.
/// A bare root (`/`, `C:\\`) is not: a `?next=/` parameter matches the start of every absolute
/// path the application opens, and names nothing by itself.
pub(super) fn is_absolute(p: &[u8]) -> bool {
    let rest = match p {
        [b'/' | b'\\', ..] => p,
        [d, b':', rest @ ..] if d.is_ascii_alphabetic() => rest,
        _ => return false,
    };
    rest.iter().any(|&b| !is_separator(b))
}

/// Whether the occurrence `o`, an absolute path starting the path, decides where it points.
pub(super) fn decides_destination(
    ctx: &RequestContext,
    path: &[u8],
    occurrences: &[Occurrence],
    o: &Occurrence,
) -> bool {
    let injected = &path[o.start..o.end];
    let rest = &path[o.end..];
    if rest.iter().all(|&b| is_separator(b)) || has_up_segment(injected) {
        return true;
    }
    // The application appended to the input's last segment: the input named the file.
    let at_boundary = injected.last().is_some_and(|&b| is_separator(b))
        || rest.first().is_some_and(|&b| is_separator(b));
    if !at_boundary {
        return true;
    }
    // A leading directory only if the application wrote at least one segment after it.
    !segments(path)
        .into_iter()
        .filter(|s| s.start >= o.end)
        .any(|s| !from_input(ctx, path, occurrences, s))
}
