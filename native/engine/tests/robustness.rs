//! Robustness: arbitrary bytes through every lexer and detector. Nothing may panic, lexers must
//! tile their input, and a verdict must come back for every sink. A small deterministic
//! generator (xorshift) keeps the test reproducible without extra dependencies; the alphabet
//! leans towards the bytes that matter to lexers (quotes, comment starters, operators).

use rasp_engine::cmd::{lexer as shell, CommandLine};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::path::PathOp;
use rasp_engine::sql::{Dialect, SqlLexer};
use rasp_engine::wire::{CapturedInput, RequestRecord};
use rasp_engine::{
    CommandSink, ContextLimits, Engine, EngineConfig, PathSink, RequestContext, SqlApi, SqlSink,
};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        const INTERESTING: &[u8] = b"'\"`[]$#-/*!\\;|&()<>=:?@ \n\t.,0123456789abcxyzORUNIONSELECT";
        let len = self.below(max + 1);
        (0..len)
            .map(|_| match self.below(4) {
                0 => self.next() as u8,
                _ => INTERESTING[self.below(INTERESTING.len())],
            })
            .collect()
    }
}

#[test]
fn sql_lexers_tile_and_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let sql = rng.bytes(64);
        for d in Dialect::ALL {
            if let Ok(tokens) = SqlLexer::new(d).tokens(&sql) {
                let mut at = 0;
                for t in &tokens {
                    assert_eq!(t.start, at, "[{d}] {sql:?}");
                    assert!(t.end > t.start);
                    at = t.end;
                }
                assert_eq!(at, sql.len(), "[{d}] {sql:?}");
            }
        }
    }
}

#[test]
fn shell_lexer_tiles_and_never_panics() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let script = rng.bytes(64);
        if let Ok(tokens) = shell::tokenize(&script) {
            let mut at = 0;
            for t in &tokens {
                assert_eq!(t.start, at, "{script:?}");
                at = t.end;
            }
            assert_eq!(at, script.len(), "{script:?}");
        }
    }
}

#[test]
fn every_sink_gets_a_verdict_for_arbitrary_input() {
    let engine = Engine::new(EngineConfig::default());
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..5_000 {
        let input = String::from_utf8_lossy(&rng.bytes(24)).into_owned();
        let prefix = String::from_utf8_lossy(&rng.bytes(16)).into_owned();
        let suffix = String::from_utf8_lossy(&rng.bytes(16)).into_owned();
        let ctx = RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "q", input.clone())],
            ContextLimits::default(),
        );
        let sink = format!("{prefix}{input}{suffix}");
        for d in Dialect::ALL {
            let _ = engine.check_sql(
                &ctx,
                &SqlSink {
                    dialect: d,
                    api: SqlApi::Execute,
                    statement: sink.as_bytes(),
                },
            );
        }
        let command = CommandLine {
            argv: vec!["sh".into(), "-c".into(), sink.clone()],
            env: vec![("X".into(), input.clone())],
        };
        let _ = engine.check_command(
            &ctx,
            &CommandSink {
                api: 0,
                command: &command,
            },
        );
        let argv_only = CommandLine {
            argv: sink.split(' ').map(str::to_owned).collect(),
            env: vec![],
        };
        let _ = engine.check_command(
            &ctx,
            &CommandSink {
                api: 0,
                command: &argv_only,
            },
        );
        for op in [PathOp::Read, PathOp::Write, PathOp::List] {
            let _ = engine.check_path(
                &ctx,
                &PathSink {
                    api: 0,
                    op,
                    path: sink.as_bytes(),
                },
            );
        }
    }
}

#[test]
fn arbitrary_request_records_decode_or_fail_cleanly() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let valid = RequestRecord {
        method: "POST".into(),
        uri: "/a/b%2F;x=1".into(),
        query: "a=1&b=%zz&c".into(),
        remote_addr: "::1".into(),
        content_type: "application/json".into(),
        headers: vec![("Cookie".into(), "a=1; b".into()), ("X".into(), "y".into())],
    }
    .encode();
    for _ in 0..20_000 {
        let mut bytes = valid.clone();
        // Flip, cut or extend the record at random.
        match rng.below(3) {
            0 => {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            1 => bytes.truncate(rng.below(bytes.len())),
            _ => bytes.extend(rng.bytes(16)),
        }
        if let Ok(record) = RequestRecord::decode(&bytes) {
            let ctx = RequestContext::new(&record, ContextLimits::default());
            let body = rng.bytes(64);
            let _ = ctx.with_body(&body, false);
        }
    }
}

#[test]
fn arbitrary_input_records_decode_whole_or_not_at_all() {
    let mut rng = Rng(0x0bad_cafe_f00d_d00d);
    let good = vec![
        CapturedInput {
            source: InputSource::Json,
            name: "user.name".into(),
            value: "x' OR 1=1".into(),
        },
        CapturedInput {
            source: InputSource::Parameter,
            name: "q".into(),
            value: "%2e%2e\\x".into(),
        },
    ];
    let valid = CapturedInput::encode_record(&good);
    let ctx = RequestContext::from_inputs(Vec::new(), ContextLimits::default());
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..20_000 {
        let mut bytes = valid.clone();
        match rng.below(3) {
            0 => {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            1 => bytes.truncate(rng.below(bytes.len())),
            _ => bytes.extend(rng.bytes(16)),
        }
        match CapturedInput::decode_record(&bytes) {
            Ok(inputs) => {
                accepted += 1;
                // Whatever decodes is a whole record: re-encoding gives back the same bytes,
                // unless lossy UTF-8 decoding replaced some.
                let again = CapturedInput::encode_record(&inputs);
                let lossy = inputs
                    .iter()
                    .any(|i| i.name.contains('\u{fffd}') || i.value.contains('\u{fffd}'));
                assert!(lossy || again == bytes, "{bytes:?}");
                let _ = ctx.with_captured(&inputs);
            }
            Err(_) => rejected += 1,
        }
    }
    assert!(accepted > 0 && rejected > 0, "{accepted} / {rejected}");
}

#[test]
fn every_body_parser_takes_arbitrary_bytes() {
    let mut rng = Rng(0x5151_7a7a_0101_fefe);
    let content_types = [
        "application/json",
        "application/json; charset=ISO-8859-1",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-16",
        "application/x-www-form-urlencoded; charset=windows-1252",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data; boundary=\"a;b\"; boundary=XyZ",
        "text/plain; charset=UTF-32LE",
        "application/xml",
    ];
    // Fragments that steer the parsers into their corners.
    const PIECES: [&[u8]; 12] = [
        b"--XyZ\r\n",
        b"--XyZ--",
        b"\nContent-Disposition: form-data; name=\"",
        b"; filename*=UTF-8''%2e",
        b"\r\n\r\n",
        b"{\"",
        b"[[[[",
        b"\\u00",
        b"\xFF\xFE",
        b"\0\0",
        b"%E9&=",
        b"/*",
    ];
    let records: Vec<RequestRecord> = content_types
        .iter()
        .map(|ct| RequestRecord {
            method: "POST".into(),
            uri: "/".into(),
            content_type: (*ct).into(),
            ..RequestRecord::default()
        })
        .collect();
    let contexts: Vec<RequestContext> = records
        .iter()
        .map(|r| RequestContext::new(r, ContextLimits::default()))
        .collect();
    for _ in 0..3_000 {
        let mut body = Vec::new();
        for _ in 0..rng.below(12) {
            match rng.below(2) {
                0 => body.extend_from_slice(PIECES[rng.below(PIECES.len())]),
                _ => body.extend(rng.bytes(12)),
            }
        }
        for ctx in &contexts {
            let next = ctx.with_body(&body, false);
            assert!(next.inputs().len() >= ctx.inputs().len(), "{body:?}");
        }
    }
}

/// Tokens of `sql` in `d` tile it (or the statement is rejected cleanly).
fn assert_tiles(d: Dialect, sql: &[u8]) {
    if let Ok(tokens) = SqlLexer::new(d).tokens(sql) {
        let mut at = 0;
        for t in &tokens {
            assert_eq!(t.start, at, "[{d}] {:?}", String::from_utf8_lossy(sql));
            assert!(t.end > t.start);
            at = t.end;
        }
        assert_eq!(at, sql.len(), "[{d}]");
    }
}

#[test]
fn sql_lexers_take_unicode_whitespace_mixes() {
    // Multi-byte spaces, their truncated and overlong forms, and the bytes that start tokens.
    const PIECES: &[&[u8]] = &[
        "\u{a0}".as_bytes(),
        "\u{85}".as_bytes(),
        "\u{3000}".as_bytes(),
        "\u{2003}".as_bytes(),
        "\u{200b}".as_bytes(),
        "é".as_bytes(),
        b"\xc2",
        b"\xe3\x80",
        b"\xe0\x82\xa0",
        b"\xa0",
        b"'",
        b"\"",
        b"$",
        b"$$",
        b":",
        b"@",
        b"--",
        b"/*",
        b"*/",
        b"\r",
        b"\n",
        b"UNION",
        b"SELECT",
        b"1",
        b" ",
    ];
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..20_000 {
        let n = rng.below(24);
        let sql: Vec<u8> = (0..n)
            .flat_map(|_| PIECES[rng.below(PIECES.len())].iter().copied())
            .collect();
        for d in Dialect::ALL {
            assert_tiles(d, &sql);
        }
    }
}

/// "Older H2 even hangs on it": no run of Unicode spaces, broken sequences or long dollar tags
/// makes a lexer slow. Every statement here is 400 KB or more; a quadratic step would take
/// minutes, the linear scan takes milliseconds (a few seconds in a debug build). The bound is a
/// hang guard, not a speed measure: generous enough for a debug build on a loaded machine.
#[test]
fn sql_lexers_stay_linear_on_long_unicode_runs() {
    let repeat = |piece: &[u8], times: usize| piece.repeat(times);
    let nbsp = "\u{a0}".as_bytes();
    let mut cases: Vec<Vec<u8>> = vec![
        repeat(nbsp, 200_000),
        repeat("a\u{a0}".as_bytes(), 150_000),
        repeat("UNION\u{a0}SELECT\u{3000}".as_bytes(), 30_000),
        repeat("\u{3000}".as_bytes(), 150_000),
        repeat("\u{85}\u{2028}".as_bytes(), 100_000),
        repeat(b"\xe3\x80", 250_000),
        repeat(b"\xc2", 500_000),
        repeat(b":\xc2\xa0@\xc2\xa0", 80_000),
        repeat("--\u{a0}x\r".as_bytes(), 100_000),
        repeat("é".as_bytes(), 250_000),
    ];
    // A long dollar tag that never closes, and one whose body repeats most of the tag.
    let mut tag = b"$".to_vec();
    tag.extend(repeat(b"a", 200_000));
    tag.push(b'$');
    let mut unclosed = tag.clone();
    unclosed.extend(repeat(b"a", 200_000));
    cases.push(unclosed);
    let mut near_misses = tag.clone();
    near_misses.extend(repeat(&tag[..tag.len() - 1], 2));
    cases.push(near_misses);
    let started = std::time::Instant::now();
    for sql in &cases {
        assert!(sql.len() >= 400_000);
        for d in Dialect::ALL {
            assert_tiles(d, sql);
        }
    }
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(120),
        "lexing {} long statements in every dialect took {took:?}",
        cases.len()
    );
}
