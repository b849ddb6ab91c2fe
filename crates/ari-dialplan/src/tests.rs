//! Whole-dialplan tests over a fixture using every supported construct.

use super::*;

const FIXTURE: &str = r#"
; Test dialplan exercising every supported construct.
[general]
static=yes
writeprotect=no

[globals]
TRUNK=PJSIP/trunk   ; trailing comment
GREETING=hello\;world
EMPTY=
COUNTRY => 44
TRUNK=PJSIP/other

[default]
exten => 100,1(start),NoOp(Entering ${EXTEN})
 same => n,Set(COUNT=$[${COUNT} + 1])
 same => n(loop),GotoIf($[${COUNT} < 3]?start:done)
 same => n(done),Hangup
exten=>101,1,Answer
exten => 101,n,Playback(hello\;there)   ; comment after a step
exten => 101 , n(bye) , Hangup()
exten => _1XX,1,NoOp(pattern 1XX)
exten => _1XX,2,NoOp(only in 1XX)
exten => _1[0-5]X,1,NoOp(range)
exten => _XZN.!,1,NoOp(xzn)
exten => _[1-5],1,NoOp(single digit)
exten => _X.,1,NoOp(catchall)
exten => _X.,3,NoOp(catchall three)
exten => s,1,Answer
exten => 200,hint,PJSIP/200
exten => 200,1,Dial(PJSIP/200,30,tT)
exten => 200,n,NoOp
exten => 201,1,Set(ARGS=${IF($[1=1]?a:b)},"x,y",z)
include => shared
;-- a block comment
exten => secret,1,NoOp(commented out)
--;

[shared]
exten => info,1,NoOp(shared)
exten => 100,1,NoOp(shared 100)
exten => 100,9,NoOp(shared 100 p9)
include => default

[empty]
"#;

fn plan() -> Dialplan {
    Dialplan::parse(FIXTURE, "extensions.conf").expect("fixture parses")
}

fn app_data(plan: &Dialplan, ctx: &str, exten: &str, pri: u32) -> Option<(String, String)> {
    plan.find(ctx, exten, pri)
        .map(|s| (s.app.clone(), s.data.clone()))
}

fn ad(app: &str, data: &str) -> Option<(String, String)> {
    Some((app.to_string(), data.to_string()))
}

#[test]
fn contexts_and_globals() {
    let p = plan();
    assert!(p.has_context("default"));
    assert!(p.has_context("shared"));
    assert!(p.has_context("empty"));
    assert!(!p.has_context("general"));
    assert!(!p.has_context("globals"));
    assert!(!p.has_context("Default"));
    assert_eq!(
        p.context_names().collect::<Vec<_>>(),
        vec!["default", "shared", "empty"]
    );
    let g: Vec<(&str, &str)> = p
        .globals()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        g,
        vec![
            ("TRUNK", "PJSIP/other"),
            ("GREETING", "hello;world"),
            ("EMPTY", ""),
            ("COUNTRY", "44"),
        ]
    );
}

#[test]
fn steps_priorities_and_labels() {
    let p = plan();
    let s = p.find("default", "100", 1).unwrap();
    assert_eq!(s.app, "NoOp");
    assert_eq!(s.data, "Entering ${EXTEN}");
    assert_eq!(s.label.as_deref(), Some("start"));
    assert_eq!(s.line, 15);
    assert_eq!(
        app_data(&p, "default", "100", 2),
        ad("Set", "COUNT=$[${COUNT} + 1]")
    );
    assert_eq!(
        app_data(&p, "default", "100", 3),
        ad("GotoIf", "$[${COUNT} < 3]?start:done")
    );
    assert_eq!(app_data(&p, "default", "100", 4), ad("Hangup", ""));
    assert_eq!(p.find_label("default", "100", "start"), Some(1));
    assert_eq!(p.find_label("default", "100", "loop"), Some(3));
    assert_eq!(p.find_label("default", "100", "done"), Some(4));
    assert_eq!(p.find_label("default", "100", "Done"), None);
    assert_eq!(p.find_label("default", "101", "bye"), Some(3));

    assert_eq!(app_data(&p, "default", "101", 1), ad("Answer", ""));
    assert_eq!(
        app_data(&p, "default", "101", 2),
        ad("Playback", "hello;there")
    );
    assert_eq!(app_data(&p, "default", "101", 3), ad("Hangup", ""));
    assert_eq!(p.find("default", "101", 4), None);

    // The hint is ignored and `n` continues from priority 1.
    assert_eq!(
        app_data(&p, "default", "200", 1),
        ad("Dial", "PJSIP/200,30,tT")
    );
    assert_eq!(app_data(&p, "default", "200", 2), ad("NoOp", ""));
    assert_eq!(
        split_args(&p.find("default", "201", 1).unwrap().data),
        vec!["ARGS=${IF($[1=1]?a:b)}", "x,y", "z"]
    );

    // Special extensions are plain literals.
    assert_eq!(app_data(&p, "default", "s", 1), ad("Answer", ""));
    assert_eq!(p.find("default", "S", 1), None);
    // Block-commented lines do not exist.
    assert!(!p.exten_exists("default", "secret"));
}

#[test]
fn pattern_precedence() {
    let p = plan();
    // An exact literal beats every pattern.
    assert_eq!(
        app_data(&p, "default", "100", 1).unwrap().1,
        "Entering ${EXTEN}"
    );
    // [0-5] is narrower than X.
    assert_eq!(app_data(&p, "default", "150", 1), ad("NoOp", "range"));
    assert_eq!(
        p.matching_extension("default", "150", 1),
        Some(("default", "_1[0-5]X"))
    );
    assert_eq!(app_data(&p, "default", "170", 1), ad("NoOp", "pattern 1XX"));
    // Priority missing in the best pattern: the next matching one is used.
    assert_eq!(app_data(&p, "default", "150", 2), ad("NoOp", "only in 1XX"));
    assert_eq!(app_data(&p, "default", "5", 1), ad("NoOp", "single digit"));
    // Z beats '.', so _XZN.! wins over _X. when both match.
    assert_eq!(app_data(&p, "default", "0129", 1), ad("NoOp", "xzn"));
    assert_eq!(app_data(&p, "default", "0123456", 1), ad("NoOp", "xzn"));
    // N does not match 0: only the catch-all matches.
    assert_eq!(app_data(&p, "default", "0100", 1), ad("NoOp", "catchall"));
    assert_eq!(
        app_data(&p, "default", "0129", 3),
        ad("NoOp", "catchall three")
    );
    assert!(!p.exten_exists("default", "7"));
    assert!(p.exten_exists("default", "71"));
}

#[test]
fn includes() {
    let p = plan();
    assert_eq!(app_data(&p, "default", "info", 1), ad("NoOp", "shared"));
    assert_eq!(
        p.matching_extension("default", "info", 1),
        Some(("shared", "info"))
    );
    // The context's own patterns are tried before any include.
    assert_eq!(app_data(&p, "default", "300", 1), ad("NoOp", "catchall"));
    // The context's own 100 hides the included one ...
    assert_eq!(app_data(&p, "default", "100", 1).unwrap().0, "NoOp");
    assert_eq!(
        p.find("default", "100", 1).unwrap().data,
        "Entering ${EXTEN}"
    );
    // ... but priorities it lacks are still found in the include.
    assert_eq!(
        app_data(&p, "default", "100", 9),
        ad("NoOp", "shared 100 p9")
    );
    // shared includes default back: no infinite loop, and default is reachable.
    assert_eq!(app_data(&p, "shared", "101", 1), ad("Answer", ""));
    assert_eq!(p.find("shared", "nothing", 1), None);
    assert_eq!(p.find("nope", "100", 1), None);
    assert!(!p.exten_exists("empty", "100"));
}

#[test]
fn gotos_against_the_plan() {
    let p = plan();
    let r = |args: &str, pri: u32| p.resolve_goto("default", "100", pri, args);
    let t = |c: &str, e: &str, n: u32| Some((c.to_string(), e.to_string(), n));
    assert_eq!(r("start", 3), t("default", "100", 1));
    assert_eq!(r("+2", 1), t("default", "100", 3));
    assert_eq!(r("-1", 3), t("default", "100", 2));
    assert_eq!(r("-5", 3), None);
    assert_eq!(r("101,bye", 1), t("default", "101", 3));
    assert_eq!(r("shared,info,1", 1), t("shared", "info", 1));
    assert_eq!(r("nolabel", 1), None);
    let (cond, yes, no) = parse_gotoif("0?start:done");
    assert!(!is_true(&cond));
    assert_eq!(r(&no.unwrap(), 3), t("default", "100", 4));
    assert_eq!(r(&yes.unwrap(), 3), t("default", "100", 1));
}

#[test]
fn executing_step_data() {
    let p = plan();
    let mut vars: Vec<(String, String)> = p.globals().to_vec();
    vars.push(("EXTEN".into(), "100".into()));
    vars.push(("COUNT".into(), "2".into()));
    let mut resolve = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let data = |pri| p.find("default", "100", pri).unwrap().data.clone();
    assert_eq!(substitute(&data(1), &mut resolve), "Entering 100");
    assert_eq!(substitute(&data(2), &mut resolve), "COUNT=3");
    let (cond, yes, no) = parse_gotoif(&substitute(&data(3), &mut resolve));
    assert_eq!(cond, "1");
    assert!(is_true(&cond));
    assert_eq!(
        (yes.as_deref(), no.as_deref()),
        (Some("start"), Some("done"))
    );
    assert_eq!(
        substitute("${TRUNK:6}/${COUNTRY}${EXTEN:1}", &mut resolve),
        "other/4400"
    );
}

fn err(src: &str) -> ParseError {
    Dialplan::parse(src, "bad.conf").expect_err("should fail")
}

#[test]
fn syntax_errors_have_line_numbers() {
    let e = err("[c]\nexten 100,1,NoOp()\n");
    assert_eq!((e.file.as_str(), e.line), ("bad.conf", 2));
    assert!(e.message.contains("=>"), "{e}");
    assert!(e.to_string().starts_with("bad.conf:2: "), "{e}");

    let e = err("[c]\n\nexten 100,1,Set(a=b)\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("=>"), "{e}");

    let e = err("[c]\nexten => 1,1,NoOp\nexten => 1,x,NoOp\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("priority"), "{e}");
    assert_eq!(err("[c]\nexten => 1,0,NoOp\n").line, 2);
    assert_eq!(err("[c]\nexten => 1,-1,NoOp\n").line, 2);
    assert_eq!(err("[c]\nexten => 1,1(lbl,NoOp\n").line, 2);

    let e = err("[c]\n; comment\nsame => n,NoOp\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("same"), "{e}");
    // `same` does not carry over into a new context.
    assert_eq!(err("[a]\nexten => 1,1,NoOp\n[b]\nsame => n,NoOp\n").line, 4);

    let e = err("[c]\nexten => 1,1,NoOp\n[broken\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains('['), "{e}");

    let e = err("; no context yet\n\nexten => 1,1,NoOp\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("context"), "{e}");

    // `n` with nothing before it.
    assert_eq!(err("[c]\nexten => 1,1,NoOp\nexten => 2,n,NoOp\n").line, 3);
    // Duplicates.
    assert_eq!(err("[c]\nexten => 1,1,NoOp\nexten => 1,1,NoOp\n").line, 3);
    assert_eq!(
        err("[c]\nexten => 1,1(a),NoOp\nexten => 1,2(a),NoOp\n").line,
        3
    );
    // Malformed steps.
    assert_eq!(err("[c]\nexten => 1,1,Dial(PJSIP/1\n").line, 2);
    assert_eq!(err("[c]\nexten => 1,1\n").line, 2);
    assert_eq!(err("[c]\nexten => 1,1,\n").line, 2);
    assert_eq!(err("[c]\nexten => _1[23,1,NoOp\n").line, 2);
    assert_eq!(err("[c]\nfoo => bar\n").line, 2);
    assert_eq!(err("[c]\n#include other.conf\n").line, 2);
    assert_eq!(
        err("[c]\nexten => 1,1,NoOp\n;-- open\nexten => 2,1,NoOp\n").line,
        3
    );
    assert_eq!(err("[]\n").line, 1);
}

#[test]
fn lenient_forms_parse() {
    let p = Dialplan::parse(
        "[c](+)\r\nexten = 1,1,NoOp ; '=' alone is fine too\r\nEXTEN => 1,n,Wait(1)\r\nignorepat => 9\r\n[c]\r\nexten => 1,3,Hangup()\r\n",
        "ok.conf",
    )
    .unwrap();
    assert_eq!(app_data(&p, "c", "1", 1), ad("NoOp", ""));
    assert_eq!(app_data(&p, "c", "1", 2), ad("Wait", "1"));
    assert_eq!(app_data(&p, "c", "1", 3), ad("Hangup", ""));
    // Inline block comments are removed, the rest of the line is kept.
    let p = Dialplan::parse("[c]\nexten => 1,1,NoOp(a;-- hidden --;b)\n", "ok.conf").unwrap();
    assert_eq!(app_data(&p, "c", "1", 1), ad("NoOp", "ab"));
}

#[test]
fn load_from_disk() {
    let dir = std::env::temp_dir().join(format!("ari-dialplan-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("extensions.conf");
    std::fs::write(&path, "[c]\nexten => 1,1,NoOp\nexten => 1,x,NoOp\n").unwrap();
    let e = Dialplan::load(&path).unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.file, path.display().to_string());
    std::fs::write(&path, "[c]\nexten => 1,1,NoOp\n").unwrap();
    assert!(Dialplan::load(&path).unwrap().exten_exists("c", "1"));
    std::fs::remove_dir_all(&dir).unwrap();
    let e = Dialplan::load(&dir.join("missing.conf")).unwrap_err();
    assert_eq!(e.line, 0);
}

/// Cheap deterministic fuzzing: arbitrary input must never panic.
#[test]
fn arbitrary_input_never_panics() {
    let alphabet: Vec<char> = "[]()${}=>,;\\\"_XZN.!-:?|&<>+*/%~ ab1 0\n\té"
        .chars()
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let _ = Dialplan::parse(&s, "fuzz");
        let _ = Dialplan::parse(&format!("[c]\nexten => {s}"), "fuzz");
        let _ = eval_expr(&s);
        let _ = substitute(&s, &mut |n| Some(n.to_string()));
        let _ = split_args(&s);
        let _ = parse_goto(&s);
        let _ = parse_gotoif(&s);
        let _ = pattern_matches(&format!("_{s}"), "123");
        let _ = ext_cmp(&format!("_{s}"), "_X.");
        let _ = is_true(&s);
    }
}
