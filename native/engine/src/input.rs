//! Request inputs: every piece of a request an attacker controls, with where it came from.

use serde::Serialize;

/// Where in the request an input came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputSource {
    Query,
    Form,
    Json,
    Body,
    Header,
    Cookie,
    Path,
}

impl InputSource {
    pub fn name(self) -> &'static str {
        match self {
            InputSource::Query => "query",
            InputSource::Form => "form",
            InputSource::Json => "json",
            InputSource::Body => "body",
            InputSource::Header => "header",
            InputSource::Cookie => "cookie",
            InputSource::Path => "path",
        }
    }
}

/// Whether the input is the value of a parameter or its name (names are attacker-chosen too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
    pub name: String,
    pub part: InputPart,
    /// The text, as the application sees it.
    pub value: String,
    /// A decoding the agent applied on top of the container's (`url-decoded`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<&'static str>,
    /// For a transformed variant: the value as the request carried it (`value` is then the
    /// transformed text that was searched for).
    #[serde(skip)]
    pub original: Option<String>,
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
            name: i.name.clone(),
            part: i.part,
            value: i.original.clone().unwrap_or_else(|| i.value.clone()),
            transform: i.transform,
            transformed: i.original.as_ref().map(|_| i.value.clone()),
        }
    }
}

impl Input {
    pub fn value(source: InputSource, name: impl Into<String>, value: impl Into<String>) -> Input {
        Input {
            source,
            name: name.into(),
            part: InputPart::Value,
            value: value.into(),
            transform: None,
            original: None,
        }
    }

    pub fn name_of(source: InputSource, name: impl Into<String>) -> Input {
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

    /// Bytes this input costs against the per-request limit.
    pub fn cost(&self) -> usize {
        self.name.len() + self.value.len()
    }
}
