//! `rasp corpus path`: the path templates a payload is placed into, and where it lands.
//!
//! Each template is how real applications build a file path from a request parameter: a file
//! name under an upload directory (with or without an extension appended), the whole path, a
//! file written under the web root, and the common case of an application that URL-decodes
//! the parameter once more before using it (the payload is the request input; its decoded
//! form is what reaches the file system).
//!
//! The ground truth is decided without the detector, on the final path with `/` and `\` both
//! taken as separators. The payload is inert when the segments it covers hold no `..`, it
//! does not make the path absolute from its start, it has no NUL byte and, for writes, the file
//! name it reaches is not a server page. `..` segments that stay within the directory the
//! template fixed (`a/../b`) are a class of their own, which the detector allows by design.

use std::ops::Range;

use percent_encoding::percent_decode_str;
use rasp_engine::path::PathOp;
use rasp_engine::{Engine, EngineConfig, PathSink, RequestContext};

use super::request::RequestShape;
use super::tally::{Class, ClassKind, Outcome};
use super::{Family, FamilyInfo, TemplateInfo};
use crate::corpus::count::flagged_rule;

pub const INERT: Class = Class {
    name: "inert",
    kind: ClassKind::Inert,
    column: "inert",
    meaning: "the payload brings no `..` segment (with `\\` as a separator too), does not make \
              the path absolute from its start, has no NUL byte and, for a write, does not \
              name a server page",
};
pub const INSIDE: Class = Class {
    name: "dotdot-inside",
    kind: ClassKind::ByDesign,
    column: ".. inside",
    meaning: "the payload's `..` segments stay within the directory the template fixed \
              (`a/../b`), which the detector allows by design",
};
pub const CLIMBS: Class = Class {
    name: "climbs-out",
    kind: ClassKind::Attack,
    column: "climbs out",
    meaning: "the payload's `..` segments climb above the directory the template fixed",
};
pub const ABSOLUTE: Class = Class {
    name: "absolute",
    kind: ClassKind::Attack,
    column: "absolute",
    meaning: "the payload starts the path and makes it absolute (`/x`, `\\x`, `C:x`)",
};
pub const NUL: Class = Class {
    name: "nul",
    kind: ClassKind::Attack,
    column: "NUL",
    meaning: "the payload puts a NUL byte into the path",
};
pub const SERVER_PAGE: Class = Class {
    name: "server-page",
    kind: ClassKind::Attack,
    column: "server page",
    meaning: "a write whose file name, reached by the payload, ends in .jsp, .jspx or .jspf",
};

pub const CLASSES: [Class; 6] = [INERT, INSIDE, CLIMBS, ABSOLUTE, NUL, SERVER_PAGE];

/// Realistic benign file names, the `file-names` benign corpus.
pub const FILE_NAMES: [&str; 28] = [
    "report..v2.pdf",
    "a/b/c.txt",
    ".hidden",
    "photo 1.png",
    "résumé.pdf",
    "2024/11/notes.md",
    "invoice-2024-11-05.pdf",
    "Q3 Report (final).xlsx",
    "my.file.name.tar.gz",
    "notes_v1.2.3.txt",
    "data/2024-11/export.csv",
    "IMG_20240101_120000.jpg",
    "日本語のファイル.txt",
    "Ünïcödé façade.docx",
    "100% done.txt",
    "file%20name.pdf",
    "a+b=c.txt",
    "O'Brien's notes.txt",
    "backup~1.tar",
    "users/alice/avatar.png",
    "./config.yaml",
    "docs/./guide.md",
    "to be continued....txt",
    "2024.11.05.log",
    "C# notes.md",
    "#hashtag.txt",
    "emoji 🎉.png",
    "..hidden-dir/readme.txt",
];

/// One path template.
#[derive(Clone, Copy, Debug)]
pub struct PathTemplate {
    pub name: &'static str,
    /// The path, with `{}` where the payload goes.
    pub path: &'static str,
    pub op: PathOp,
    /// The PathApi code of the call (see docs/native-boundary.md).
    pub api: i32,
    /// Whether the application percent-decodes the parameter once more before using it.
    pub decode: bool,
}

/// Every template, in report order.
pub const TEMPLATES: [PathTemplate; 5] = [
    PathTemplate {
        name: "uploads",
        path: "/srv/app/uploads/{}",
        op: PathOp::Read,
        api: 0,
        decode: false,
    },
    PathTemplate {
        name: "uploads-txt",
        path: "/srv/app/uploads/{}.txt",
        op: PathOp::Read,
        api: 0,
        decode: false,
    },
    PathTemplate {
        name: "whole",
        path: "{}",
        op: PathOp::Read,
        api: 0,
        decode: false,
    },
    PathTemplate {
        name: "webroot-write",
        path: "/srv/app/webapps/ROOT/{}",
        op: PathOp::Write,
        api: 1,
        decode: false,
    },
    PathTemplate {
        name: "uploads-decoded",
        path: "/srv/app/uploads/{}",
        op: PathOp::Read,
        api: 0,
        decode: true,
    },
];

impl PathTemplate {
    /// The template as shown in the report.
    pub fn describe(&self) -> String {
        let decoded = if self.decode {
            ", {} = the payload percent-decoded once by the application"
        } else {
            ""
        };
        format!("{} ({}{decoded})", self.path, self.op.name())
    }

    /// The final path and the span of the payload (decoded, if the template decodes) in it.
    pub fn place(&self, payload: &str) -> (String, Range<usize>) {
        let used = if self.decode {
            percent_decode_str(payload).decode_utf8_lossy().into_owned()
        } else {
            payload.to_string()
        };
        let (before, after) = self.path.split_once("{}").unwrap_or((self.path, ""));
        let span = before.len()..before.len() + used.len();
        (format!("{before}{used}{after}"), span)
    }
}

fn is_separator(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// The segments of a path (between separators, empty ones included), as byte ranges.
fn segments(path: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in path.iter().enumerate() {
        if is_separator(b) {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..path.len());
    out
}

/// The class of the bytes `span` of `path`, by the ground truth alone.
pub fn classify(path: &[u8], span: Range<usize>, op: PathOp) -> &'static Class {
    if path[span.clone()].contains(&0) {
        return &NUL;
    }
    let segs = segments(path);
    // The depth the template fixed: the segments that end before the payload starts.
    let mut depth: i64 = 0;
    let mut fixed: Option<i64> = None;
    let mut dotdot = false;
    let mut climbs = false;
    for seg in segs.iter().filter(|s| s.start < span.end) {
        if fixed.is_none() && seg.end > span.start {
            fixed = Some(depth);
        }
        match &path[seg.clone()] {
            b"" | b"." => {}
            b".." => {
                depth -= 1;
                if fixed.is_some() {
                    dotdot = true;
                    climbs |= fixed.is_some_and(|f| depth < f);
                }
            }
            _ => depth += 1,
        }
    }
    let absolute = span.start == 0
        && match path {
            [b'/' | b'\\', ..] => true,
            [d, b':', ..] => d.is_ascii_alphabetic(),
            _ => false,
        };
    let name_start = segs.last().map_or(0, |s| s.start);
    let lower_name = path[name_start..].to_ascii_lowercase();
    let server_page = op == PathOp::Write
        && span.end > name_start
        && [".jsp", ".jspx", ".jspf"]
            .iter()
            .any(|ext| lower_name.ends_with(ext.as_bytes()));
    if climbs {
        &CLIMBS
    } else if absolute {
        &ABSOLUTE
    } else if server_page {
        &SERVER_PAGE
    } else if dotdot {
        &INSIDE
    } else {
        &INERT
    }
}

/// The path family: its description and the engine.
pub struct PathFamily {
    engine: Engine,
    info: FamilyInfo,
}

impl Default for PathFamily {
    fn default() -> Self {
        PathFamily {
            engine: Engine::new(EngineConfig::default()),
            info: FamilyInfo {
                name: "path",
                templates: TemplateInfo::list(TEMPLATES.iter().map(|t| (t.name, t.describe()))),
                classes: &CLASSES,
                request: RequestShape {
                    uri: "/files/download",
                    parameter: "file",
                    more_query: "disposition=attachment&lang=en-US",
                },
                check: "Engine::check_path (api java.io.FileInputStream.<init> for reads, \
                        java.io.FileOutputStream.<init> for writes)",
            },
        }
    }
}

impl Family for PathFamily {
    fn info(&self) -> &FamilyInfo {
        &self.info
    }

    fn judge(&self, ctx: &RequestContext, template: usize, payload: &str) -> Outcome {
        let t = &TEMPLATES[template];
        let (path, span) = t.place(payload);
        let verdict = self.engine.check_path(
            ctx,
            &PathSink {
                api: t.api,
                op: t.op,
                path: path.as_bytes(),
            },
        );
        Outcome {
            rule: flagged_rule(&verdict),
            class: classify(path.as_bytes(), span, t.op),
        }
    }

    fn sink(&self, template: usize, payload: &str) -> String {
        let t = &TEMPLATES[template];
        format!("{:?} ({})", t.place(payload).0, t.op.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::sink::context;

    fn class_in(t: &PathTemplate, payload: &str) -> &'static str {
        let (path, span) = t.place(payload);
        classify(path.as_bytes(), span, t.op).name
    }

    fn class(template: usize, payload: &str) -> &'static str {
        class_in(&TEMPLATES[template], payload)
    }

    #[test]
    fn every_template_has_one_placeholder() {
        for t in TEMPLATES {
            assert_eq!(t.path.matches("{}").count(), 1, "{}", t.name);
        }
    }

    #[test]
    fn classes_by_the_ground_truth_alone() {
        let cases = [
            (0, "../../etc/passwd", "climbs-out"),
            (0, "..\\..\\windows\\win.ini", "climbs-out"),
            (0, "a/../b.txt", "dotdot-inside"),
            (0, "report..v2.pdf", "inert"),
            (0, "..;/etc/passwd", "inert"),
            (0, "%2e%2e%2fetc/passwd", "inert"),
            (0, "/etc/passwd", "inert"),
            (0, "..", "climbs-out"),
            (1, "..", "inert"),
            (1, "../x", "climbs-out"),
            (2, "/etc/passwd", "absolute"),
            (2, "C:\\boot.ini", "absolute"),
            (2, "../x", "climbs-out"),
            (2, "a/b", "inert"),
            (3, "shell.jsp", "server-page"),
            (3, "shell.JSPX", "server-page"),
            (3, "notes.txt", "inert"),
            (4, "%2e%2e%2fetc/passwd", "climbs-out"),
            (4, "%252e%252e%252fetc/passwd", "inert"),
            (4, "x%00.txt", "nul"),
        ];
        for (template, payload, want) in cases {
            assert_eq!(
                class(template, payload),
                want,
                "{payload:?} in {}",
                TEMPLATES[template].name
            );
        }
        assert_eq!(
            classify(b"/a/b/../../../x", 3..15, PathOp::Read).name,
            "climbs-out"
        );
        assert_eq!(
            classify(b"/a/user-1/../x", 8..14, PathOp::Read).name,
            "dotdot-inside"
        );
    }

    #[test]
    fn the_built_in_file_names_are_inert_everywhere() {
        for name in FILE_NAMES {
            for t in TEMPLATES {
                assert_eq!(class_in(&t, name), "inert", "{name:?} in {}", t.name);
            }
        }
    }

    #[test]
    fn the_engine_and_the_ground_truth_agree_on_plain_cases() {
        let family = PathFamily::default();
        for (template, payload, rule, class) in [
            (0, "../../etc/passwd", Some("path.traversal"), "climbs-out"),
            (0, "a/b/c.txt", None, "inert"),
            (
                4,
                "..%2f..%2fetc%2fpasswd",
                Some("path.traversal"),
                "climbs-out",
            ),
        ] {
            let got = family.judge(&context(&family, payload), template, payload);
            assert_eq!((got.rule, got.class.name), (rule, class), "{payload:?}");
        }
    }
}
