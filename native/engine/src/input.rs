//! Request inputs: every piece of a request an attacker controls, with where it came from.

/// The string type of inputs and request records (re-exported so callers need not depend on
/// `compact_str`): short strings are held inline, without an allocation.
pub use compact_str::CompactString;
use serde::Serialize;

/// Where in the request an input came from.
///
/// The first seven are what the engine parses out of the raw request and body itself; the rest
/// name the APIs the agent captures values at, where the application read them (`addInputs`).
/// Each source has one lowercase name, used in events (`input.source`) and in exclusion
/// selectors (`source:name`), and one boundary code, its position in [`InputSource::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputSource {
    Query,
    Form,
    Json,
    Body,
    Header,
    Cookie,
    Path,
    /// A `multipart/form-data` part: its name, file name or text value.
    Multipart,
    /// An XML element or attribute value (SAX, StAX, DOM), named by its path.
    Xml,
    /// A WebSocket message.
    Websocket,
    /// The name of an entry in a zip archive the application unpacks.
    ZipEntry,
    /// A value from `ServletRequest.getParameter*`, which the container merged from the query
    /// string and the form body, so neither source can be named.
    Parameter,
}

impl InputSource {
    /// Every source, in boundary code order.
    pub const ALL: [InputSource; 12] = [
        InputSource::Query,
        InputSource::Form,
        InputSource::Json,
        InputSource::Body,
        InputSource::Header,
        InputSource::Cookie,
        InputSource::Path,
        InputSource::Multipart,
        InputSource::Xml,
        InputSource::Websocket,
        InputSource::ZipEntry,
        InputSource::Parameter,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputSource::Query => "query",
            InputSource::Form => "form",
            InputSource::Json => "json",
            InputSource::Body => "body",
            InputSource::Header => "header",
            InputSource::Cookie => "cookie",
            InputSource::Path => "path",
            InputSource::Multipart => "multipart",
            InputSource::Xml => "xml",
            InputSource::Websocket => "websocket",
            InputSource::ZipEntry => "zip-entry",
            InputSource::Parameter => "parameter",
        }
    }

    /// The boundary code.
    pub fn code(self) -> u8 {
        // ALL lists every variant, so the position is always found and below 256.
        InputSource::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(u8::MAX, |p| p as u8)
    }

    /// The source of a boundary code (docs/native-boundary.md, `addInputs`).
    pub fn from_code(code: u8) -> Option<InputSource> {
        InputSource::ALL.get(usize::from(code)).copied()
    }

    /// The source a name (any case) stands for.
    pub fn from_name(name: &str) -> Option<InputSource> {
        InputSource::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// Serialised as [`InputSource::name`], so events and selectors cannot drift apart.
impl Serialize for InputSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Whether the input is the value of a parameter or its name (names are attacker-chosen too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputPart {
    Value,
    Name,
}

/// One request input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Input {
    pub source: InputSource,
    /// The parameter, header, cookie or JSON path it belongs to.
    pub name: CompactString,
    pub part: InputPart,
    /// The text, as the application sees it.
    pub value: CompactString,
    /// A decoding the agent applied on top of the container's (`url-decoded`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<&'static str>,
    /// For a transformed variant: the value as the request carried it (`value` is then the
    /// transformed text that was searched for).
    #[serde(skip)]
    pub original: Option<CompactString>,
}

/// An input as an event reports it: the value as the request carried it, and, when the agent
/// matched a transformed form of it, the transform and that form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventInput {
    pub source: InputSource,
    pub name: String,
    pub part: InputPart,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transformed: Option<String>,
}

impl From<&Input> for EventInput {
    fn from(i: &Input) -> EventInput {
        EventInput {
            source: i.source,
            name: i.name.to_string(),
            part: i.part,
            value: i.original.as_ref().unwrap_or(&i.value).to_string(),
            transform: i.transform,
            transformed: i.original.as_ref().map(|_| i.value.to_string()),
        }
    }
}

impl Input {
    pub fn value(
        source: InputSource,
        name: impl Into<CompactString>,
        value: impl Into<CompactString>,
    ) -> Input {
        Input {
            source,
            name: name.into(),
            part: InputPart::Value,
            value: value.into(),
            transform: None,
            original: None,
        }
    }

    pub fn name_of(source: InputSource, name: impl Into<CompactString>) -> Input {
        let name = name.into();
        Input {
            source,
            value: name.clone(),
            name,
            part: InputPart::Name,
            transform: None,
            original: None,
        }
    }

    /// Whether this is a form derived from another input (`transform` names how).
    pub fn is_derived(&self) -> bool {
        self.original.is_some()
    }

    /// Bytes this input costs against the per-request limit.
    pub fn cost(&self) -> usize {
        self.name.len() + self.value.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_serialisation_agree() {
        let expected = [
            (0, "query"),
            (1, "form"),
            (2, "json"),
            (3, "body"),
            (4, "header"),
            (5, "cookie"),
            (6, "path"),
            (7, "multipart"),
            (8, "xml"),
            (9, "websocket"),
            (10, "zip-entry"),
            (11, "parameter"),
        ];
        assert_eq!(expected.len(), InputSource::ALL.len());
        for (code, name) in expected {
            let source = InputSource::from_code(code).expect("known code");
            assert_eq!(source.code(), code);
            assert_eq!(source.name(), name, "code {code}");
            assert_eq!(InputSource::from_name(&name.to_uppercase()), Some(source));
            assert_eq!(
                serde_json::to_value(source).expect("serialises"),
                serde_json::json!(name)
            );
        }
        assert_eq!(InputSource::from_code(12), None);
        assert_eq!(InputSource::from_code(255), None);
        assert_eq!(InputSource::from_name("params"), None);
    }
}
