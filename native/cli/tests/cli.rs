//! End-to-end tests of the `rasp` binary: `explain` and `corpus`.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

#[test]
fn explain_blocks_an_attack() {
    let text = explain_sql_mysql("SELECT * FROM users WHERE id = 1 OR 1=1");
    assert_contains_all(
        &text,
        &[
            "verdict: BLOCK (sqli.tautology, confidence high)",
            "[1] id at 31..39: code: sqli.tautology",
            "id = >>>1 OR 1=1<<<",
            "33..35     word           \"OR\"",
        ],
    );
}

#[test]
fn explain_allows_the_benign_twin() {
    let text = explain_sql_mysql("SELECT * FROM users WHERE name = '1 OR 1=1'");
    assert_contains_all(
        &text,
        &[
            "verdict: ALLOW",
            "findings: none",
            "[1] id at 34..42: data: the structure is unchanged",
        ],
    );
}

/// `rasp explain sql` in MySQL with the input `id=1 OR 1=1`.
fn explain_sql_mysql(statement: &str) -> String {
    rasp_ok(&[
        "explain",
        "sql",
        "--no-rules",
        "--dialect",
        "mysql",
        "--input",
        "id=1 OR 1=1",
        statement,
    ])
}

#[test]
fn explain_speaks_json() {
    let v = rasp_json(&[
        "explain",
        "sql",
        "--no-rules",
        "--dialect",
        "postgres",
        "--input",
        "name=' OR '1'='1",
        "--input",
        "page=2",
        "--json",
        "SELECT * FROM users WHERE name = '' OR '1'='1'",
    ]);
    assert_eq!(v["dialect"], "postgresql");
    assert_eq!(v["verdict"]["action"], "block");
    assert_eq!(v["verdict"]["rule_id"], "sqli.tautology");
    assert_eq!(v["findings"][0]["start"], 34);
    assert_eq!(v["findings"][0]["source"], "built-in");
    assert_eq!(v["engine"]["rule_set"], "none");
    // Each name comes before its value (and the value's derived forms).
    let page = v["inputs"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["name"] == "page" && i["part"] == "value")
        })
        .expect("the page value");
    assert_eq!(page["value"], "2");
    assert_eq!(page["searched"], false);
    assert!(v["tokens"].as_array().is_some_and(|t| t.len() > 10));
}

#[test]
fn explain_rejects_bad_arguments() {
    let err = rasp_fails(&["explain", "sql", "--dialect", "access", "SELECT 1"], None);
    assert_contains_all(&err, &["unknown dialect 'access'"]);
    let err = rasp_fails(&["explain", "sql", "--input", "novalue", "SELECT 1"], None);
    assert_contains_all(&err, &["is not NAME=VALUE"]);
}

/// A corpora directory with the real layout and a few lines per file.
fn tiny_corpora(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "libinjection/sqli-tiny.txt",
        "# URL-encoded attacks\n%27+OR+%271%27%3D%271\n1+OR+1%3D1\n\n1+OR+1%3D1\n",
    );
    dir.write(
        "libinjection/false_positives.txt",
        "#\n# benign\nO%27Brien\n1+in+stock\n",
    );
    dir.write(
        "payloadsallthethings/sqli/Tiny.txt",
        "# a description line\n' UNION SELECT password FROM users -- \n\n   \nadmin\n",
    );
    dir.write(
            "blns/blns.txt",
            "#\tReserved Strings\n#\n#\tStrings which may be used elsewhere in code\n\nnull\n1.00\n\n\
         #\tSQL Injection\n#\n#\tStrings which can cause a SQL injection if inputs are not sanitized\n\n\
         1;DROP TABLE users\n\n#\tServer Code Injection\n#\n\n<%= 7*7 %>\n",
    );
    dir
}

fn corpus<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["corpora"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("corpus {name} in the report"))
}

fn template<'a>(corpus: &'a Value, name: &str) -> &'a Value {
    corpus["templates"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["template"] == name))
        .unwrap_or_else(|| panic!("template {name} in the report"))
}

fn counts(v: &Value) -> [u64; 4] {
    ["payloads", "flagged", "inert", "missed"].map(|k| v[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn corpus_sqli_counts_a_tiny_corpus_exactly() {
    let report = corpus_report("sqli", &tiny_corpora("exact"));

    // 6 templates in 8 dialects, the MySQL-only double-quoted one, and the lowered and base64
    // cursor templates in the generic dialect.
    let cases = 51;
    let lib = corpus(&report, "libinjection");
    assert_eq!(
        (lib["lines"].as_u64(), lib["duplicates"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(lib["unique_payloads"], 2);
    // `' OR '1'='1`: a tautology in both quoted-string templates' own quote, inert inside
    // MySQL's double quotes. `1 OR 1=1`: inert inside every quoted literal.
    let string = template(lib, "string");
    assert_eq!(counts(&string["total"]), [16, 8, 8, 0]);
    assert_eq!(string["total"]["by_rule"]["sqli.tautology"], 8);
    assert_eq!(string["total"]["detection_rate"], 1.0);
    assert_eq!(counts(&template(lib, "dq-string")["total"]), [2, 0, 2, 0]);
    assert_eq!(counts(&template(lib, "insert")["total"]), [16, 8, 8, 0]);
    // `1 OR 1=1` in a number, sort key or IN list is a tautology or a structure change.
    let numeric = template(lib, "numeric");
    assert_eq!(numeric["total"]["by_rule"]["sqli.tautology"], 8);
    // `' OR '1'='1` in a number lexes as string, number, string, number: the detector's
    // data rule lets it pass, and the report says so instead of calling it a plain miss.
    assert_eq!(counts(&numeric["total"]), [16, 8, 0, 8]);
    assert_eq!(numeric["total"]["missed_literals_only"], 8);
    assert_eq!(numeric["total"]["missed_code"], 0);
    assert_eq!(lib["total"]["payloads"], 2 * cases);

    let patt = corpus(&report, "payloadsallthethings");
    assert_eq!(
        patt["unique_payloads"], 2,
        "blank and description lines skipped"
    );
    // The UNION closes the quote and comments out the rest; `admin` is text inside it.
    let string = template(patt, "string");
    assert_eq!(counts(&string["total"]), [16, 8, 8, 0]);
    assert_eq!(string["total"]["missed_one_token"], 0);
    let by_rule = string["total"]["by_rule"].as_object().expect("by_rule");
    assert_eq!(by_rule.values().filter_map(Value::as_u64).sum::<u64>(), 8);
    let numeric = template(patt, "numeric");
    assert_eq!(
        numeric["total"]["missed_one_token"], 8,
        "admin in a number position"
    );

    let blns_sqli = corpus(&report, "blns-sqli");
    assert_eq!(blns_sqli["kind"], "attack");
    assert_eq!(blns_sqli["unique_payloads"], 1);
    assert_eq!(
        counts(&template(blns_sqli, "numeric")["total"]),
        [8, 8, 0, 0]
    );

    let fp = corpus(&report, "libinjection-fp");
    assert_eq!(fp["kind"], "benign");
    assert_eq!(fp["unique_payloads"], 2);
    // `O'Brien` breaks out of every single-quoted literal (and cannot be lexed there).
    let string = template(fp, "string");
    assert_eq!(string["total"]["payloads"], 16);
    assert_eq!(string["total"]["flagged"], 8);
    assert_eq!(string["total"]["flagged_inside_literal"], 0);
    assert_eq!(string["total"]["false_positive_rate"], 0.5);
    assert_eq!(string["examples"][0]["payload"], "O'Brien");
    assert_eq!(
        string["examples"][0]["hits"][0]["rule"], "sqli.unparsable",
        "{}",
        string["examples"]
    );

    let blns = corpus(&report, "blns");
    assert_eq!(blns["kind"], "benign");
    assert_eq!(
        blns["unique_payloads"], 3,
        "null, 1.00 and the template string"
    );
    assert_eq!(template(blns, "string")["total"]["flagged"], 0);
}

#[test]
fn corpus_sqli_prints_tables_and_examples() {
    let text = corpus_text("sqli", &tiny_corpora("text"), 3);
    assert_contains_all(
        &text,
        &[
            "## Attacks: libinjection — 2 unique payloads (3 lines, 1 duplicates) from libinjection/sqli-tiny.txt",
            "## Attacks: blns-sqli",
            "## Benign: libinjection-fp",
            "excluded from the benign corpus blns",
            "| string    |         16 |        8 |     8 |      0 |",
            "Detection rate by dialect:",
            "Missed examples (up to 3 per template",
            "\"admin\"  [one-token: generic mysql postgresql sqlserver oracle sqlite h2 derby]",
            "\"O'Brien\"  [sqli.unparsable: generic mysql postgresql sqlserver oracle sqlite h2 derby]",
        ],
    );
}

#[test]
fn corpus_sqli_explains_a_missing_directory() {
    let out = rasp(&["corpus", "sqli", "--corpora", "/nonexistent/rasp-corpora"]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains_all(
        &stderr(&out),
        &["the corpora directory '/nonexistent/rasp-corpora' (from --corpora) does not exist"],
    );
    assert!(out.stdout.is_empty());

    let out = Command::new(env!("CARGO_BIN_EXE_rasp"))
        .args(["corpus", "sqli"])
        .env("RASP_CORPORA", "/nonexistent/from-env")
        .output()
        .expect("the rasp binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert_contains_all(&stderr(&out), &["(from RASP_CORPORA)"]);
}

#[test]
fn corpus_sqli_names_the_missing_file() {
    let dir = tiny_corpora("incomplete");
    std::fs::remove_file(dir.path().join("blns/blns.txt")).expect("remove");
    let err = rasp_fails(&["corpus", "sqli", "--corpora", dir.arg()], Some(2));
    assert_contains_all(
        &err,
        &[
            "is not a corpora directory",
            "missing corpus file",
            "blns.txt",
        ],
    );
}

/// A corpora directory for `corpus cmd` and `corpus path`: a few payloads per family and a
/// blns with a benign section and one attack section of each family.
fn tiny_sink_corpora(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "payloadsallthethings/cmdi/tiny.txt",
        "# a description line\n;id\n127.0.0.1\n\n&lt;!--#exec cmd=&quot;id&quot;--&gt;\n\
         --to-command=id\n127.0.0.1 127.0.0.2\n;id\n",
    );
    dir.write(
        "payloadsallthethings/path/tiny.txt",
        "# a description line\n../../{FILE}\n..%2f..%2f{FILE}\na/../b.txt\n%2e%2e%2f\n\
         /etc/passwd\nshell.jsp\n../../{FILE}\n",
    );
    dir.write(
            "blns/blns.txt",
            "#\tReserved Strings\n#\n#\tStrings which may be used elsewhere in code\n\nnull\nhello world\n\n\
         #\tSQL Injection\n#\n#\tStrings which can cause a SQL injection\n\n1;DROP TABLE users\n\n\
         #\tServer Code Injection\n#\n#\tStrings which can cause user to run code on server\n\n\
         $(touch /tmp/blns.fail)\n\n\
         #\tFile Inclusion\n#\n#\tStrings which can cause user to pull in files\n\n\
         ../../../etc/passwd%00\n",
    );
    dir
}

/// The text report of `rasp corpus FAMILY` over `dir`, with up to `examples` examples.
fn corpus_text(family: &str, dir: &TempDir, examples: usize) -> String {
    let examples = examples.to_string();
    rasp_ok(&[
        "corpus",
        family,
        "--corpora",
        dir.arg(),
        "--examples",
        &examples,
    ])
}

/// The JSON report of `rasp corpus FAMILY` over `dir`.
fn corpus_report(family: &str, dir: &TempDir) -> Value {
    rasp_json(&["corpus", family, "--corpora", dir.arg(), "--json"])
}

fn missed_by(v: &Value, class: &str) -> u64 {
    v["missed_by_class"][class].as_u64().unwrap_or(u64::MAX)
}

#[test]
fn corpus_cmd_counts_a_tiny_corpus_exactly() {
    let dir = tiny_sink_corpora("cmd-exact");
    let report = corpus_report("cmd", &dir);
    assert_eq!(report["family"], "cmd");
    assert_eq!(report["templates"].as_array().map(Vec::len), Some(6));

    let tiny = corpus(&report, "tiny");
    assert_eq!(
        (tiny["lines"].as_u64(), tiny["duplicates"].as_u64()),
        (Some(6), Some(1)),
        "description and blank lines skipped, the second ;id dropped"
    );
    // `;id` and the SSI line (HTML references decoded: `<` and `>` redirect) are shell syntax
    // in the bare script; `127.0.0.1` is one word; `--to-command=id` is one word there;
    // `127.0.0.1 127.0.0.2` adds a word, which is data by design.
    let sh = &template(tiny, "sh-c")["total"];
    assert_eq!(counts(sh), [5, 2, 2, 1]);
    assert_eq!(sh["by_rule"]["cmdi.shell"], 2);
    assert_eq!(missed_by(sh, "words"), 1);
    assert_eq!(sh["missed_attack"], 0);
    // Quoted, every payload stays inside one word (the SSI line's own quotes pair up).
    for name in ["bash-quoted", "sh-dquoted", "argv", "exec-string"] {
        let t = &template(tiny, name)["total"];
        assert_eq!(counts(t), [5, 0, 5, 0], "{name}");
        assert!(
            t.get("detection_rate").is_none(),
            "{name}: nothing to detect"
        );
    }
    // Only the option reaches tar's option parser.
    let tar = &template(tiny, "tar-operand")["total"];
    assert_eq!(counts(tar), [5, 1, 4, 0]);
    assert_eq!(tar["by_rule"]["cmdi.option"], 1);
    assert_eq!(counts(&tiny["total"]), [30, 3, 26, 1]);
    assert_eq!(tiny["total"]["detection_rate"], 0.75);
    assert_eq!(tiny["total"]["flagged_inert"], 0);

    let blns_cmdi = corpus(&report, "blns-cmdi");
    assert_eq!(blns_cmdi["kind"], "attack");
    assert_eq!(blns_cmdi["unique_payloads"], 1);
    // `$(touch ...)` expands bare and inside double quotes, not inside single quotes.
    assert_eq!(counts(&blns_cmdi["total"]), [6, 2, 4, 0]);

    let blns = corpus(&report, "blns");
    assert_eq!(blns["kind"], "benign");
    assert_eq!(
        blns["unique_payloads"], 3,
        "null, hello world and the file inclusion line; SQL and command sections left out"
    );
    assert!(blns["note"]
        .as_str()
        .is_some_and(|n| n.contains("\"SQL Injection\" (another family's attacks)")));
    assert_eq!(blns["total"]["payloads"], 18);
    assert_eq!(blns["total"]["flagged"], 0);
    assert_eq!(blns["total"]["false_positive_rate"], 0.0);
}

#[test]
fn corpus_path_counts_a_tiny_corpus_exactly() {
    let dir = tiny_sink_corpora("path-exact");
    let report = corpus_report("path", &dir);
    assert_eq!(report["family"], "path");

    let tiny = corpus(&report, "tiny");
    assert_eq!(tiny["unique_payloads"], 6);
    // `../../etc/passwd` climbs out everywhere; `a/../b.txt` stays inside (data by design);
    // the encoded ones are literal names until the application decodes them; `/etc/passwd`
    // is absolute only as the whole path; `shell.jsp` matters only when written.
    let expect = [
        ("uploads", [6, 1, 4, 1]),
        ("uploads-txt", [6, 1, 4, 1]),
        ("whole", [6, 2, 3, 1]),
        ("webroot-write", [6, 2, 3, 1]),
        ("uploads-decoded", [6, 3, 2, 1]),
    ];
    for (name, want) in expect {
        let t = &template(tiny, name)["total"];
        assert_eq!(counts(t), want, "{name}");
        assert_eq!(missed_by(t, "dotdot-inside"), 1, "{name}");
        assert_eq!(t["missed_attack"], 0, "{name}");
    }
    let decoded = &template(tiny, "uploads-decoded")["total"];
    assert_eq!(decoded["by_rule"]["path.traversal"], 3);
    assert_eq!(
        template(tiny, "whole")["total"]["by_rule"]["path.absolute"],
        1
    );
    assert_eq!(
        template(tiny, "webroot-write")["total"]["by_rule"]["path.server_page"],
        1
    );
    assert_eq!(counts(&tiny["total"]), [30, 9, 16, 5]);

    let blns_path = corpus(&report, "blns-path");
    assert_eq!(blns_path["unique_payloads"], 1);
    // The NUL only exists once the application decodes `%00`.
    assert_eq!(counts(&blns_path["total"]), [5, 5, 0, 0]);
    assert_eq!(blns_path["total"]["by_rule"]["path.traversal"], 4);
    assert_eq!(
        template(blns_path, "uploads-decoded")["total"]["by_rule"]["path.nul"],
        1
    );

    let blns = corpus(&report, "blns");
    assert_eq!(
        blns["unique_payloads"], 3,
        "null, hello world and the command section, which is not a path attack"
    );
    assert_eq!(blns["total"]["flagged"], 0);
    let names = corpus(&report, "file-names");
    assert_eq!(names["kind"], "benign");
    assert_eq!(names["files"].as_array().map(Vec::len), Some(0));
    assert!(names["note"]
        .as_str()
        .is_some_and(|n| n.contains("built into the CLI")));
    assert_eq!(names["total"]["flagged"], 0);
}

#[test]
fn corpus_cmd_and_path_print_tables_and_examples() {
    let dir = tiny_sink_corpora("sink-text");
    let text = corpus_text("cmd", &dir, 2);
    assert_contains_all(
        &text,
        &[
            "# rasp corpus cmd",
            "## Attacks: tiny — 5 unique payloads (6 lines, 1 duplicates) from payloadsallthethings/cmdi/tiny.txt",
            "| sh-c        |          5 |        2 |     2 |      1 |          1 |            0 |",
            "\"127.0.0.1 127.0.0.2\"  [words]  [\"sh\",\"-c\",\"ping -c 1 127.0.0.1 127.0.0.2\"]",
            "## Benign: blns",
            "exec-string  Runtime.exec(\"nslookup \" + x), split on whitespace, no shell",
        ],
    );
    let text = corpus_text("path", &dir, 2);
    assert_contains_all(
        &text,
        &[
            "# rasp corpus path",
            "uploads-decoded  /srv/app/uploads/{} (read, {} = the payload percent-decoded once by the application)",
            "\"a/../b.txt\"  [dotdot-inside]  \"/srv/app/uploads/a/../b.txt\" (read)",
            "## Benign: file-names — 28 unique payloads (28 lines, 0 duplicates) from the CLI itself",
        ],
    );
}

#[test]
fn corpus_cmd_names_the_missing_folder() {
    let dir = tiny_sink_corpora("sink-incomplete");
    std::fs::remove_file(dir.path().join("payloadsallthethings/path/tiny.txt")).expect("remove");
    let err = rasp_fails(&["corpus", "path", "--corpora", dir.arg()], Some(2));
    assert_contains_all(&err, &["is not a corpora directory", "no files in"]);
    let out = rasp(&["corpus", "cmd", "--corpora", dir.arg()]);
    assert!(
        out.status.success(),
        "cmd needs only its own folder: {}",
        stderr(&out)
    );
}

#[test]
fn explain_cmd_blocks_a_shell_attack() {
    let text = explain_ping("127.0.0.1; id");
    assert_contains_all(
        &text,
        &[
            "argv:         [\"sh\",\"-c\",\"ping -c 1 127.0.0.1; id\"]",
            "shell script: argv[2], 10 tokens:",
            "25..26     op         \";\"",
            "[1] host in command line at 16..29: inside argv[2]; in the shell script, covers word, op, word",
            "verdict: BLOCK (cmdi.shell, confidence high)",
            "sh -c ping -c 1 >>>127.0.0.1; id<<<",
        ],
    );
}

#[test]
fn explain_cmd_allows_the_benign_twin() {
    let text = explain_ping("127.0.0.1");
    assert_contains_all(
        &text,
        &["findings: none", "verdict: ALLOW", "covers word\n"],
    );
}

/// `rasp explain cmd` of `sh -c "ping -c 1 HOST"` with HOST from the input `host`.
fn explain_ping(host: &str) -> String {
    let input = format!("host={host}");
    let script = format!("ping -c 1 {host}");
    rasp_ok(&[
        "explain",
        "cmd",
        "--no-rules",
        "--input",
        &input,
        "--",
        "sh",
        "-c",
        &script,
    ])
}

#[test]
fn explain_cmd_speaks_json_and_reads_the_environment() {
    let v = rasp_json(&[
        "explain",
        "cmd",
        "--no-rules",
        "--input",
        "lib=/tmp/evil.so",
        "--env",
        "LD_PRELOAD=/tmp/evil.so",
        "--json",
        "--",
        "/usr/bin/env",
    ]);
    assert_eq!(v["verdict"]["rule_id"], "cmdi.env");
    assert_eq!(v["findings"][0]["location"], "env LD_PRELOAD");
    assert_eq!(v["env"][0]["dangerous"], true);
    assert!(v["script"].is_null());
    // argv is required.
    rasp_fails(&["explain", "cmd", "--input", "q=x"], None);
}

#[test]
fn explain_path_blocks_a_traversal() {
    let text = rasp_ok(&[
        "explain",
        "path",
        "--no-rules",
        "--op",
        "read",
        "--input",
        "file=../../etc/passwd",
        "/srv/app/uploads/../../etc/passwd",
    ]);
    assert_contains_all(
        &text,
        &[
            "op:   read (java.io.FileInputStream.<init>)",
            "17..19     \"..\"                       2 *",
            "[1] file at 17..33: segments 4, 5, 6, 7",
            "verdict: BLOCK (path.traversal, confidence high)",
            "/srv/app/uploads/>>>../../etc/passwd<<<",
        ],
    );
}

#[test]
fn explain_path_allows_the_benign_twin() {
    let text = rasp_ok(&[
        "explain",
        "path",
        "--no-rules",
        "--input",
        "file=report..v2.pdf",
        "/srv/app/uploads/report..v2.pdf",
    ]);
    assert_contains_all(&text, &["findings: none", "verdict: ALLOW"]);
}

#[test]
fn explain_path_speaks_json_and_knows_writes() {
    let v = rasp_json(&[
        "explain",
        "path",
        "--no-rules",
        "--op",
        "write",
        "--input",
        "name=shell.jsp",
        "--json",
        "/srv/app/webapps/ROOT/shell.jsp",
    ]);
    assert_eq!(v["op"], "write");
    assert_eq!(v["api"], "java.io.FileOutputStream.<init>");
    assert_eq!(v["verdict"]["rule_id"], "path.server_page");
    assert_eq!(v["segments"].as_array().map(Vec::len), Some(6));
    let err = rasp_fails(&["explain", "path", "--op", "exec", "/x"], None);
    assert_contains_all(&err, &["unknown operation 'exec'"]);
}
