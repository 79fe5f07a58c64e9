//! Expressions that reach process execution, class loading or reflection.
//!
//! No expression an application writes needs these, while every published expression-injection
//! exploit uses one: a type reference (`T(java.lang.Runtime)`, OGNL's `@java.lang.Runtime@`,
//! `new java.lang.ProcessBuilder`), any fully qualified name of such a class, or a call of a
//! reflective method (`''.getClass().forName(…)`). Only code counts: the same words inside a
//! string literal or a template's literal text are data.

use std::ops::Range;

use super::lexer::{Language, Token, TokenKind};

/// Classes and packages that run processes, load or define classes, or reflect.
const DANGEROUS_TYPES: &[&str] = &[
    "java.lang.Runtime",
    "java.lang.ProcessBuilder",
    "java.lang.ProcessImpl",
    "java.lang.ClassLoader",
    "java.lang.Class",
    "java.lang.reflect",
    "java.lang.invoke",
    "java.net.URLClassLoader",
    "javax.script",
    "javax.naming",
    "jdk.jshell",
    "sun.misc.Unsafe",
    "jdk.internal",
    "org.springframework.cglib.core.ReflectUtils",
    "org.springframework.util.ReflectionUtils",
];

/// The same, as a type reference may name `java.lang` classes unqualified (SpEL's `T(Runtime)`,
/// MVEL's implicit imports).
const DANGEROUS_SIMPLE_NAMES: &[&str] = &["Runtime", "ProcessBuilder", "ClassLoader", "Class"];

/// Methods that load classes, reflect, or reach the process API.
const DANGEROUS_METHODS: &[&str] = &[
    "forName",
    "getClassLoader",
    "loadClass",
    "defineClass",
    "getRuntime",
    "getDeclaredMethod",
    "getDeclaredMethods",
    "getDeclaredField",
    "getDeclaredConstructor",
    "setAccessible",
    "newInstance",
    "getEngineByName",
];

/// FreeMarker's `TemplateModel` classes that run commands, construct any class, or run Jython:
/// what `"…"?new()` instantiates in every published FreeMarker exploit.
const FREEMARKER_DANGEROUS_MODELS: &[&str] = &[
    "freemarker.template.utility.Execute",
    "freemarker.template.utility.ObjectConstructor",
    "freemarker.template.utility.JythonRuntime",
];

/// Properties that lead from any object to its class loader (Velocity's `$x.class.classLoader`).
const DANGEROUS_PROPERTIES: &[&str] = &["classLoader", "protectionDomain"];

/// The span of the first dangerous reference in the code of the expression, if any.
pub fn dangerous(text: &[u8], tokens: &[Token], language: Language) -> Option<Range<usize>> {
    if language == Language::FreeMarker {
        if let Some(span) = freemarker(text, tokens) {
            return Some(span);
        }
    }
    java_like(text, tokens)
}

/// FreeMarker's own ways out of the template: `?api` (the Java API of any wrapped object) and
/// `?new` of a model class that runs commands or constructs arbitrary objects. The class is a
/// string literal there, so strings are read here, unlike in [`java_like`].
fn freemarker(text: &[u8], tokens: &[Token]) -> Option<Range<usize>> {
    let word = |t: &Token| &text[t.span.clone()];
    let unquoted = |t: &Token| {
        let w = word(t);
        let w = w.strip_prefix(b"r").unwrap_or(w);
        w.get(1..w.len().saturating_sub(1)).unwrap_or(b"")
    };
    tokens.iter().enumerate().find_map(|(i, t)| {
        let builtin = t.kind == TokenKind::Punct
            && word(t) == b"?"
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.kind == TokenKind::Ident && word(n) == b"api");
        let model = t.kind == TokenKind::String
            && FREEMARKER_DANGEROUS_MODELS
                .iter()
                .chain(DANGEROUS_TYPES)
                .any(|m| unquoted(t) == m.as_bytes());
        (builtin || model).then(|| t.span.clone())
    })
}

fn java_like(text: &[u8], tokens: &[Token]) -> Option<Range<usize>> {
    let word = |t: &Token| std::str::from_utf8(&text[t.span.clone()]).unwrap_or("");
    let is = |i: usize, kind: TokenKind, s: &str| {
        tokens
            .get(i)
            .is_some_and(|t| t.kind == kind && word(t) == s)
    };
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != TokenKind::Ident {
            i += 1;
            continue;
        }
        // A qualified name: identifiers joined by dots.
        let first = i;
        let mut name = word(&tokens[i]).to_string();
        while is(i + 1, TokenKind::Punct, ".")
            && tokens
                .get(i + 2)
                .is_some_and(|t| t.kind == TokenKind::Ident)
        {
            name.push('.');
            name.push_str(word(&tokens[i + 2]));
            i += 2;
        }
        let span = tokens[first].span.start..tokens[i].span.end;
        let qualified_danger = DANGEROUS_TYPES.iter().any(|d| {
            name == *d || name.starts_with(&format!("{d}.")) || name.starts_with(&format!("{d}$"))
        });
        let type_reference = first > 0
            && (is(first - 1, TokenKind::Punct, "(")
                && first > 1
                && is(first - 2, TokenKind::Ident, "T")
                || is(first - 1, TokenKind::Punct, "@")
                || is(first - 1, TokenKind::Ident, "new"));
        let simple_danger = type_reference && DANGEROUS_SIMPLE_NAMES.contains(&name.as_str());
        if qualified_danger || simple_danger {
            return Some(span);
        }
        // A call of a dangerous method: the last identifier, then `(`.
        let last = word(&tokens[i]);
        if DANGEROUS_METHODS.contains(&last) && is(i + 1, TokenKind::Punct, "(") {
            return Some(tokens[i].span.clone());
        }
        // A property that leads to the class loader: `$x.class.classLoader`.
        let after_dot = first > 0 && is(first - 1, TokenKind::Punct, ".");
        let mut segments = name.split('.').skip(usize::from(!after_dot));
        if segments.any(|s| DANGEROUS_PROPERTIES.contains(&s)) {
            return Some(span);
        }
        // MVEL's implicit `java.lang`: `Runtime.getRuntime()` is caught by the method.
        i += 1;
    }
    None
}
