//! Instants as milliseconds since the Unix epoch (UTC), read from event times and from the
//! `--since` argument, and the time buckets of the timeline.
//!
//! Events always carry RFC 3339 in UTC with milliseconds (`event::now_rfc3339`); `--since` is
//! typed by a person, so it also takes an offset, a date alone, or a duration back from now.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// An event's `time`, or `None` when it is not an RFC 3339 UTC timestamp.
pub fn parse_event_time(text: &str) -> Option<Millis> {
    humantime::parse_rfc3339_weak(text).ok().and_then(to_millis)
}

/// `--since`: a duration back from `now` (`2h`, `30m`, `1day`), an RFC 3339 timestamp (`Z`, an
/// offset such as `+02:00`, or none: UTC) or a date (`2026-11-25`, midnight UTC).
pub fn parse_since(text: &str, now: SystemTime) -> Result<Millis, String> {
    let text = text.trim();
    if let Ok(back) = humantime::parse_duration(text) {
        let then = now.checked_sub(back).unwrap_or(UNIX_EPOCH);
        return to_millis(then).ok_or_else(|| format!("'{text}' reaches before 1970"));
    }
    let (base, offset_minutes) = split_offset(text);
    let base = if base.len() == "2026-11-25".len() {
        format!("{base}T00:00:00")
    } else {
        base.to_string()
    };
    humantime::parse_rfc3339_weak(&base)
        .ok()
        .and_then(to_millis)
        .map(|utc_reading| utc_reading - offset_minutes * 60_000)
        .ok_or_else(|| {
            format!(
                "'{text}' is neither a duration (2h, 30m, 1day) nor an RFC 3339 time \
                 (2026-11-25T02:00:00Z, 2026-11-25T04:00:00+02:00, 2026-11-25)"
            )
        })
}

/// Splits a trailing `±HH:MM` off (its value in minutes east of UTC); `Z` and no suffix are 0.
fn split_offset(text: &str) -> (&str, i64) {
    let bytes = text.as_bytes();
    if bytes.len() > 6 && text.is_char_boundary(bytes.len() - 6) {
        let (base, tail) = text.split_at(bytes.len() - 6);
        let t = tail.as_bytes();
        let digits = |a: u8, b: u8| -> Option<i64> {
            Some(i64::from(
                (a as char).to_digit(10)? * 10 + (b as char).to_digit(10)?,
            ))
        };
        if (t[0] == b'+' || t[0] == b'-') && t[3] == b':' {
            if let (Some(h), Some(m)) = (digits(t[1], t[2]), digits(t[4], t[5])) {
                let minutes = h * 60 + m;
                return (base, if t[0] == b'-' { -minutes } else { minutes });
            }
        }
    }
    (text, 0)
}

fn to_millis(time: SystemTime) -> Option<Millis> {
    let since = time.duration_since(UNIX_EPOCH).ok()?;
    Millis::try_from(since.as_millis()).ok()
}

/// An instant as RFC 3339 UTC, to the second.
pub fn format_seconds(ms: Millis) -> String {
    humantime::format_rfc3339_seconds(system_time(ms)).to_string()
}

fn system_time(ms: Millis) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// The width of one bar of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Minute,
    Hour,
    Day,
}

impl Bucket {
    pub fn millis(self) -> Millis {
        match self {
            Bucket::Minute => 60_000,
            Bucket::Hour => 3_600_000,
            Bucket::Day => 86_400_000,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Bucket::Minute => "minute",
            Bucket::Hour => "hour",
            Bucket::Day => "day",
        }
    }

    /// The next wider bucket (a day stays a day).
    pub fn coarser(self) -> Bucket {
        match self {
            Bucket::Minute => Bucket::Hour,
            Bucket::Hour | Bucket::Day => Bucket::Day,
        }
    }

    /// The bucket that gives a readable number of bars (at most a few hundred) over `span`.
    pub fn for_span(span: Millis) -> Bucket {
        if span <= 3 * Bucket::Hour.millis() {
            Bucket::Minute
        } else if span <= 7 * Bucket::Day.millis() {
            Bucket::Hour
        } else {
            Bucket::Day
        }
    }

    /// The start of the bucket holding `ms`.
    pub fn floor(self, ms: Millis) -> Millis {
        ms - ms.rem_euclid(self.millis())
    }

    /// A bucket's start as a person reads it: `2026-11-25 02:10`, `2026-11-25 02:00`,
    /// `2026-11-25` (UTC).
    pub fn label(self, start: Millis) -> String {
        let full = format_seconds(start);
        let shown = match self {
            Bucket::Minute | Bucket::Hour => &full[..16],
            Bucket::Day => &full[..10],
        };
        shown.replacen('T', " ", 1)
    }
}

pub fn parse_bucket(name: &str) -> Result<Bucket, String> {
    match name.to_ascii_lowercase().as_str() {
        "minute" | "m" => Ok(Bucket::Minute),
        "hour" | "h" => Ok(Bucket::Hour),
        "day" | "d" => Ok(Bucket::Day),
        _ => Err(format!("unknown bucket '{name}': use minute, hour or day")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_795_400_000_000; // 2026-11-22T...

    #[test]
    fn event_times_are_rfc3339_utc() {
        let ms = parse_event_time("2026-11-25T02:10:11.123Z").expect("parses");
        assert_eq!(format_seconds(ms), "2026-11-25T02:10:11Z");
        assert_eq!(ms % 1000, 123);
        assert_eq!(parse_event_time("yesterday"), None);
        assert_eq!(parse_event_time(""), None);
        assert_eq!(parse_event_time("2026-11-25T02:10:1é"), None);
    }

    #[test]
    fn since_takes_durations_offsets_and_dates() {
        let now = system_time(T0);
        assert_eq!(parse_since("2h", now), Ok(T0 - 7_200_000));
        assert_eq!(parse_since("30m", now), Ok(T0 - 1_800_000));
        let z = parse_since("2026-11-25T02:00:00Z", now).expect("utc");
        assert_eq!(parse_since("2026-11-25T04:00:00+02:00", now), Ok(z));
        assert_eq!(parse_since("2026-11-24T21:00:00-05:00", now), Ok(z));
        assert_eq!(parse_since("2026-11-25T02:00:00", now), Ok(z));
        assert_eq!(parse_since("2026-11-25", now), Ok(z - 7_200_000));
        let err = parse_since("last tuesday", now).unwrap_err();
        assert!(err.contains("neither a duration"), "{err}");
    }

    #[test]
    fn buckets_follow_the_span() {
        assert_eq!(Bucket::for_span(0), Bucket::Minute);
        assert_eq!(Bucket::for_span(3 * 3_600_000), Bucket::Minute);
        assert_eq!(Bucket::for_span(3 * 3_600_000 + 1), Bucket::Hour);
        assert_eq!(Bucket::for_span(30 * 86_400_000), Bucket::Day);
        let ms = parse_event_time("2026-11-25T02:10:11.123Z").expect("parses");
        assert_eq!(
            Bucket::Minute.label(Bucket::Minute.floor(ms)),
            "2026-11-25 02:10"
        );
        assert_eq!(
            Bucket::Hour.label(Bucket::Hour.floor(ms)),
            "2026-11-25 02:00"
        );
        assert_eq!(Bucket::Day.label(Bucket::Day.floor(ms)), "2026-11-25");
        assert_eq!(parse_bucket("HOUR"), Ok(Bucket::Hour));
        assert!(parse_bucket("week").is_err());
    }
}
