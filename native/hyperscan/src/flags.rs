//! Pattern flags, with Hyperscan's values (`hs_compile.h`).

use std::ops::BitOr;

/// A set of `HS_FLAG_*` bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u32);

impl Flags {
    /// Case-insensitive matching (ASCII without `UTF8`/`UCP`, which the engine never sets).
    pub const CASELESS: Flags = Flags(1);
    /// `.` matches newlines too.
    pub const DOTALL: Flags = Flags(2);
    /// `^` and `$` match at every line.
    pub const MULTILINE: Flags = Flags(4);
    /// Report each pattern at most once per scan: the engine only asks *which* rules match.
    pub const SINGLEMATCH: Flags = Flags(8);

    pub const fn empty() -> Flags {
        Flags(0)
    }

    pub const fn bits(self) -> u32 {
        self.0
    }

    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Flags {
    type Output = Flags;

    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}
