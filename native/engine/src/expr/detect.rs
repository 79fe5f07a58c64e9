//! Whether request input became code of an expression.

use super::lexer::{lex, Language, Token, TokenKind};
use super::policy;
use crate::context::RequestContext;

/// The expression rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprRule {
    /// Input spans tokens of the expression.
    Injection,
    /// Input is in an expression that cannot be read.
    Unparsable,
    /// The expression names a class or method that runs processes, loads classes or reflects.
    DangerousClass,
}

impl ExprRule {
    pub const ALL: [ExprRule; 3] = [
        ExprRule::Injection,
        ExprRule::Unparsable,
        ExprRule::DangerousClass,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ExprRule::Injection => "expr.injection",
            ExprRule::Unparsable => "expr.unparsable",
            ExprRule::DangerousClass => "expr.policy.dangerous_class",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ExprRule::Injection => "request input became code of an expression",
            ExprRule::Unparsable => "an expression that contains request input cannot be read",
            ExprRule::DangerousClass => {
                "an expression reaches process execution, class loading or reflection"
            }
        }
    }
}

/// A finding: the rule, the input (none for the policy) and the span in the expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprFinding {
    pub rule: ExprRule,
    pub input: Option<usize>,
    pub start: usize,
    pub end: usize,
}

/// Judges one expression the application is about to parse: input that became code first,
/// then the policy.
pub fn detect(ctx: &RequestContext, language: Language, text: &[u8]) -> Option<ExprFinding> {
    let tokens = lex(text, language);
    if ctx.matcher().any(text) {
        let occurrences = ctx.matcher().occurrences(text);
        match &tokens {
            Err(_) => {
                if let Some(o) = occurrences.iter().max_by_key(|o| o.end - o.start) {
                    return Some(ExprFinding {
                        rule: ExprRule::Unparsable,
                        input: Some(o.input),
                        start: o.start,
                        end: o.end,
                    });
                }
            }
            Ok(tokens) => {
                let code = occurrences
                    .iter()
                    .filter(|o| !is_data(text, tokens, o.start, o.end))
                    .max_by_key(|o| (o.end - o.start, std::cmp::Reverse(o.start)));
                if let Some(o) = code {
                    return Some(ExprFinding {
                        rule: ExprRule::Injection,
                        input: Some(o.input),
                        start: o.start,
                        end: o.end,
                    });
                }
            }
        }
    }
    let span = policy::dangerous(text, tokens.as_deref().ok()?, language)?;
    Some(ExprFinding {
        rule: ExprRule::DangerousClass,
        input: None,
        start: span.start,
        end: span.end,
    })
}

/// Input at `[start, end)` is data when it touches at most one token and that token is a
/// literal, a number, a property name, or a template's literal text; or when it is a property
/// path (`address.city`, a sort key) that does not walk into the class machinery
/// (`class.module.classLoader` is how Spring4Shell reached Tomcat's logging).
fn is_data(text: &[u8], tokens: &[Token], start: usize, end: usize) -> bool {
    let touched: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.span.start < end && start < t.span.end)
        .collect();
    match touched.as_slice() {
        [] => true,
        [t] => matches!(
            t.kind,
            TokenKind::String | TokenKind::Text | TokenKind::Number | TokenKind::Ident
        ),
        path => property_path(text, path),
    }
}

/// Segments of a property path that lead from an object to its class and loader.
const CLASS_MACHINERY: &[&str] = &["class", "classLoader", "module", "protectionDomain"];

fn property_path(text: &[u8], tokens: &[&Token]) -> bool {
    tokens.len() % 2 == 1
        && tokens.iter().enumerate().all(|(i, t)| {
            let word = &text[t.span.clone()];
            if i % 2 == 1 {
                return t.kind == TokenKind::Punct && word == b".";
            }
            t.kind == TokenKind::Ident && !CLASS_MACHINERY.iter().any(|c| c.as_bytes() == word)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Input, InputSource};
    use crate::ContextLimits;

    fn ctx(value: &str) -> RequestContext {
        RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "q", value)],
            ContextLimits::default(),
        )
    }

    #[test]
    fn input_that_becomes_code_and_its_benign_twins() {
        use ExprRule::*;
        // (language, template with {} for the input, the input, the rule expected)
        let cases: &[(Language, &str, &str, Option<ExprRule>)] = &[
            (
                Language::Spel,
                "{}",
                "T(java.lang.Runtime).getRuntime().exec('id')",
                Some(Injection),
            ),
            (
                Language::Spel,
                "name == '{}'",
                "x' or 1==1 or 'a",
                Some(Injection),
            ),
            (Language::Spel, "{}", "#this.getClass()", Some(Injection)),
            (
                Language::Spel,
                "{}",
                "@userService.deleteAll()",
                Some(Injection),
            ),
            (Language::Spel, "orders.?[{} > 10]", "total", None),
            (
                Language::Spel,
                "name == '{}'",
                "O''Brien and some text",
                None,
            ),
            (Language::Spel, "items.sort('{}')", "price desc", None),
            (Language::Spel, "{}", "42", None),
            (
                Language::SpelTemplate,
                "Hello {}!",
                "Alice, your order #42 {ok}",
                None,
            ),
            (
                Language::SpelTemplate,
                "Hello {}!",
                "#{T(java.lang.System).exit(0)}",
                Some(Injection),
            ),
            (Language::JakartaEl, "Dear {},", "Bob ${}", Some(Injection)),
            (Language::JakartaEl, "Dear {},", "Bob & Alice", None),
            (
                Language::Ognl,
                "{}",
                "(#a=@java.lang.Runtime@getRuntime())",
                Some(Injection),
            ),
            (Language::Ognl, "user.{}", "name", None),
            (Language::Spel, "orders.![{}]", "address.city", None),
            (
                Language::Spel,
                "{}",
                "class.module.classLoader.resources",
                Some(Injection),
            ),
            (Language::Ognl, "{}", "user.name == 'x'", Some(Injection)),
            (
                Language::Mvel,
                "name == \"{}\"",
                "x\" || true || \"",
                Some(Injection),
            ),
            (
                Language::Jexl,
                "{}",
                "''.class.forName('java.lang.Runtime')",
                Some(Injection),
            ),
            (Language::Spel, "name == '{}", "abc-1", Some(Unparsable)),
            (
                Language::FreeMarker,
                "Hello {}!",
                "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}",
                Some(Injection),
            ),
            (Language::FreeMarker, "Hello {}!", "${7*7}", Some(Injection)),
            (
                Language::FreeMarker,
                "Hello {}!",
                "[#if true]x[/#if]",
                Some(Injection),
            ),
            (Language::FreeMarker, "Hello {}!", "<@m/>", Some(Injection)),
            (
                Language::FreeMarker,
                "Hello {}! ${user.name}",
                "Ann & Bob <b>(team #2)</b> costs $5 [#1]",
                None,
            ),
            (
                Language::FreeMarker,
                "<#assign who = \"{}\">Hi ${who}",
                "Ann \\\" ${7*7}",
                Some(Injection),
            ),
            (
                Language::FreeMarker,
                "<#assign who = \"{}\">",
                "Ann Lee",
                None,
            ),
            (
                Language::Velocity,
                "Hello {}!",
                "#set($r = $x.getClass().forName('java.lang.Runtime'))",
                Some(Injection),
            ),
            (
                Language::Velocity,
                "Hello {}!",
                "$order.save('/tmp/x')",
                Some(Injection),
            ),
            (
                Language::Velocity,
                "Hello {}!",
                "#foreach($i in [1..3])x#end",
                Some(Injection),
            ),
            (Language::Velocity, "Hello {}!", "${name}", Some(Injection)),
            (
                Language::Velocity,
                "Hello {}! $user.name",
                "Ann & Bob (team #2) costs $5, #hashtag",
                None,
            ),
            (
                Language::Velocity,
                "Hello {}!",
                "#set($a = 1",
                Some(Unparsable),
            ),
            (
                Language::Thymeleaf,
                "<p>Hello {}!</p>",
                "[[${order.save('/tmp/x')}]]",
                Some(Injection),
            ),
            (
                Language::Thymeleaf,
                "<p>Hello {}!</p>",
                "[(${7*7})]",
                Some(Injection),
            ),
            (
                Language::Thymeleaf,
                "<p>Hello {}!</p>",
                "<b th:text=\"__${x}__\">",
                Some(Injection),
            ),
            (
                Language::Thymeleaf,
                "<p th:text=\"${order.{}}\">?</p>",
                "save('/tmp/x')",
                Some(Injection),
            ),
            (
                Language::Thymeleaf,
                "<p th:text=\"${order.{}}\">?</p>",
                "items",
                None,
            ),
            (
                Language::Thymeleaf,
                "<p>Hello {}! [[${name}]]</p>",
                "Ann & Bob (team #2) costs 5 $, {x} ${y} math: 2",
                None,
            ),
            (
                Language::Thymeleaf,
                "<p>Hello {}!</p>",
                "[[${a}",
                Some(Unparsable),
            ),
        ];
        for &(language, template, input, want) in cases {
            let text = template.replace("{}", input);
            let got = detect(&ctx(input), language, text.as_bytes()).map(|f| f.rule);
            assert_eq!(got, want, "{language:?} {input:?} in {text}");
        }
    }

    #[test]
    fn the_policy_needs_no_input() {
        let none = ctx("unrelated value");
        let cases: &[(Language, &str, bool)] = &[
            (
                Language::Spel,
                "T(java.lang.Runtime).getRuntime().exec('id')",
                true,
            ),
            (Language::Spel, "T(Runtime).getRuntime()", true),
            (
                Language::Spel,
                "new java.lang.ProcessBuilder({'id'}).start()",
                true,
            ),
            (Language::Spel, "''.getClass().forName('x')", true),
            (
                Language::Ognl,
                "@java.lang.Runtime@getRuntime().exec('id')",
                true,
            ),
            (Language::Mvel, "Runtime.getRuntime().exec('id')", true),
            (
                Language::SpelTemplate,
                "Hello #{T(java.lang.ClassLoader).getSystemClassLoader()}",
                true,
            ),
            // Names inside strings and literal text are data; ordinary expressions pass.
            (Language::Spel, "name == 'java.lang.Runtime'", false),
            (
                Language::SpelTemplate,
                "docs: T(java.lang.Runtime) #{user.name}",
                false,
            ),
            (Language::Spel, "T(java.lang.Math).max(a, b)", false),
            (
                Language::Spel,
                "hasRole('ADMIN') and #user.id == principal.id",
                false,
            ),
            (Language::JakartaEl, "${order.runtime} minutes", false),
            (
                Language::FreeMarker,
                "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}",
                true,
            ),
            (
                Language::FreeMarker,
                "${\"freemarker.template.utility.ObjectConstructor\"?new()(\"java.lang.ProcessBuilder\", \"id\")}",
                true,
            ),
            (Language::FreeMarker, "${user?api.getClass()}", true),
            (
                Language::FreeMarker,
                "Mention freemarker.template.utility.Execute?new() as text; ${name?upper_case}",
                false,
            ),
            (
                Language::Velocity,
                "#set($c = $x.class.forName(\"java.lang.Runtime\"))",
                true,
            ),
            (Language::Velocity, "$x.class.classLoader", true),
            (Language::Velocity, "$x.getClass().getClassLoader()", true),
            (
                Language::Velocity,
                "Hello $user.name, the Runtime of $movie.runtime ## getRuntime()",
                false,
            ),
        ];
        for &(language, text, dangerous) in cases {
            let got = detect(&none, language, text.as_bytes()).map(|f| f.rule);
            let want = dangerous.then_some(ExprRule::DangerousClass);
            assert_eq!(got, want, "{language:?} {text}");
        }
    }
}
