//! The classroom explorer (`custody-sim explorer`): bad explorer files are refused with the file
//! and field named and nothing written; the page is self-contained and accessible; the numbers
//! embedded for a setting are those `run` gives for that scenario at the same seed and scale
//! (common random numbers across settings); the page does not depend on the thread count; and
//! (ignored unless asked for with `--ignored`, as `.ci/run` does) a real browser moves the levers
//! with the keyboard and the mouse and sees the charts and the reading change to the precomputed
//! values of the new setting.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// The names in `dir`, to show that a refused command wrote nothing.
fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// A lever of ORR-to-ICE sharing with three levels (the second is the baseline's).
const SHARING: &str = r#"
[[levers]]
key = "sharing"
name = "ORR shares release addresses with ICE"
unit = "share of release addresses that reach ICE, and after how many days"
paths = ["data_sharing.orr_to_ice_probability", "data_sharing.orr_to_ice_delay_days_mean", "data_sharing.orr_to_ice_delay_cv"]
levels = [
  { label = "ORR never sends addresses to ICE", short = "no sharing", values = [0.0, 30.0, 1.0] },
  { label = "85% of addresses, after about 30 days (today)", short = "sharing as today", values = [0.85, 30.0, 1.0] },
  { label = "Every address, 7 days after release", short = "sharing within 7 days", values = [1.0, 7.0, 0.0] },
]
"#;

/// A switch: the integrated record.
const INTEGRATED: &str = r#"
[[levers]]
key = "integrated"
name = "One shared record"
unit = "off or on"
paths = ["data_sharing.integrated_record"]
levels = [
  { label = "Separate records (today)", short = "separate records", values = [false] },
  { label = "One record for every agency", short = "one shared record", values = [true] },
]
"#;

/// Welfare-check teams, three levels.
const CHECKS: &str = r#"
[[levers]]
key = "checks"
name = "Welfare-check teams"
unit = "teams from February 2025"
paths = ["welfare_checks.teams[0].value"]
levels = [
  { label = "150 teams", short = "150 teams", values = [150] },
  { label = "300 teams (today)", short = "300 teams", values = [300] },
  { label = "600 teams", short = "600 teams", values = [600] },
]
"#;

/// An explorer file over the baseline (by absolute path) with `body` after `base`.
fn explorer_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!("base = {:?}\n{body}", baseline().display().to_string());
    std::fs::write(&path, text).expect("write explorer file");
    path
}

/// Run `explorer FILE --out OUT --scale 0.01 -r 2 -s 7 -q ARGS` from `dir`.
fn make_page(dir: &Path, file: &Path, out: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "explorer",
        file.to_str().unwrap(),
        "--out",
        out,
        "--scale",
        "0.01",
        "-r",
        "2",
        "-s",
        "7",
        "-q",
    ];
    args.extend_from_slice(extra);
    cmd(dir).args(&args).assert().success().stdout("");
    std::fs::read_to_string(dir.join(out)).expect("the page is written")
}

/// The JSON data embedded in a page.
fn page_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"explorer-data\">";
    let start = html.find(open).expect("data element") + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .expect("data element closed");
    serde_json::from_str(&html[start..end]).expect("the data is JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// The command is refused as bad input (exit code 2) with an error naming every `expected`
/// fragment, and nothing is written.
fn refused(dir: &Path, args: &[&str], expected: &[&str]) {
    let before = entries(dir);
    let out = cmd(dir).args(args).assert().code(2).stdout("");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "missing `{e}` in:\n{stderr}");
    }
    assert_eq!(entries(dir), before, "a refused command wrote something");
}

#[test]
fn bad_explorer_files_are_refused_with_the_file_and_field_named_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |file: &Path| -> Vec<String> {
        vec![
            "explorer".into(),
            file.display().to_string(),
            "--out".into(),
            "out/page.html".into(),
            "-q".into(),
        ]
    };
    let check = |name: &str, body: &str, expected: &[&str]| {
        let file = explorer_file(dir, name, body);
        let args = run(&file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut want = vec![name];
        want.extend_from_slice(expected);
        refused(dir, &args, &want);
        std::fs::remove_file(&file).unwrap();
    };
    // Too few and too many levers.
    check(
        "one.toml",
        SHARING,
        &["field `levers`", "1 lever(s)", "2 to 5 levers"],
    );
    let six: String = (0..6)
        .map(|i| INTEGRATED.replace("key = \"integrated\"", &format!("key = \"i{i}\"")))
        .collect();
    check(
        "six.toml",
        &six,
        &["field `levers`", "6 lever(s)", "2 to 5 levers"],
    );
    // Too many levels.
    let many = CHECKS.replace(
        "  { label = \"600 teams\"",
        "  { label = \"700\", short = \"700\", values = [700] },\n  { label = \"800\", short = \"800\", values = [800] },\n  { label = \"900\", short = \"900\", values = [900] },\n  { label = \"600 teams\"",
    );
    check(
        "levels.toml",
        &format!("{SHARING}{many}"),
        &["levers[1].levels", "6 level(s)", "2 to 5 levels"],
    );
    // An unknown path, with the nearest valid ones.
    let typo = SHARING.replace(
        "\"data_sharing.orr_to_ice_probability\"",
        "\"data_sharing.orr_to_ice_probabilty\"",
    );
    check(
        "typo.toml",
        &format!("{typo}{INTEGRATED}"),
        &[
            "levers[0].paths[0]",
            "orr_to_ice_probabilty",
            "nearest valid paths: data_sharing.orr_to_ice_probability",
        ],
    );
    // A grid too large for the page: 5 x 5 x 5 x 3 = 375 settings.
    let five = |key: &str, path: &str, base: i64| -> String {
        let levels: Vec<String> = (0..5)
            .map(|j| {
                let v = base + (j as i64 - 2) * 10;
                format!("  {{ label = \"{v}\", short = \"{v}\", values = [{v}] }},")
            })
            .collect();
        format!(
            "[[levers]]\nkey = \"{key}\"\nname = \"{key}\"\nunit = \"staff\"\npaths = [\"{path}\"]\nlevels = [\n{}\n]\n",
            levels.join("\n")
        )
    };
    let big = format!(
        "{}{}{}{SHARING}",
        five("calls", "wellbeing_calls.staff[0].value", 100),
        five("officers", "ice.nta_officers[0].value", 50),
        five("teams", "welfare_checks.teams[0].value", 300)
    );
    check(
        "big.toml",
        &big,
        &[
            "field `levers`",
            "5 x 5 x 5 x 3 = 375 settings",
            "too large for one page",
            "at most 256",
        ],
    );
    // A value the scenario rejects, named by its lever and level.
    let bad_value = SHARING.replace("values = [1.0, 7.0, 0.0]", "values = [1.5, 7.0, 0.0]");
    check(
        "value.toml",
        &format!("{bad_value}{INTEGRATED}"),
        &[
            "levers[0].levels[2].values",
            "data_sharing.orr_to_ice_probability",
            "probability in [0, 1]",
        ],
    );
    // No level for today's policy.
    let no_today = CHECKS.replace("values = [300]", "values = [400]");
    check(
        "today.toml",
        &format!("{SHARING}{no_today}"),
        &[
            "levers[1].levels",
            "no level has the base scenario's values",
            "welfare_checks.teams[0].value = 300",
        ],
    );
    // The teacher's steps: an unknown placeholder and an unknown level.
    let steps = "[[steps]]\ntitle = \"One\"\ntext = \"About {ice_ends} children.\"\n\n[[steps]]\ntitle = \"Two\"\ntext = \"x\"\nset = { sharing = \"sharing tomorrow\" }\n";
    check(
        "steps.toml",
        &format!("{SHARING}{INTEGRATED}{steps}"),
        &[
            "steps[0].text",
            "unknown placeholder {ice_ends}",
            "{ice_end}",
            "steps[1].set.sharing",
            "\"sharing tomorrow\" is not a level",
            "\"sharing within 7 days\"",
        ],
    );
    // A base scenario that does not exist.
    let file = dir.join("nobase.toml");
    std::fs::write(
        &file,
        format!("base = \"missing.toml\"\n{SHARING}{INTEGRATED}"),
    )
    .unwrap();
    let args = run(&file);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    refused(dir, &args, &["nobase.toml", "field `base`", "missing.toml"]);
    // An unknown key, and a bad scale on the command line.
    std::fs::write(
        &file,
        format!(
            "base = {:?}\ncolour = 1\n{SHARING}{INTEGRATED}",
            baseline().display().to_string()
        ),
    )
    .unwrap();
    refused(dir, &args, &["nobase.toml", "colour"]);
    let good = explorer_file(dir, "good.toml", &format!("{SHARING}{INTEGRATED}"));
    refused(
        dir,
        &[
            "explorer",
            good.to_str().unwrap(),
            "--out",
            "out/page.html",
            "--scale",
            "0",
            "-q",
        ],
        &["--scale", "between 0.001 and 1"],
    );
    refused(
        dir,
        &[
            "run",
            baseline().to_str().unwrap(),
            "--scale",
            "2",
            "-q",
            "-o",
            "out",
        ],
        &["--scale"],
    );
    // An output that is a folder.
    std::fs::create_dir(dir.join("folder")).unwrap();
    refused(
        dir,
        &[
            "explorer",
            good.to_str().unwrap(),
            "--out",
            "folder",
            "--scale",
            "0.01",
            "-q",
        ],
        &["folder", "is a folder"],
    );
}

#[test]
fn the_page_is_self_contained_and_accessible() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = explorer_file(dir, "tiny.toml", &format!("{SHARING}{INTEGRATED}"));
    let html = make_page(dir, &file, "page.html", &[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
    let lower = html.to_ascii_lowercase();
    // Nothing is fetched: no external source, link, stylesheet, image or request.
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "fetch(",
        "xmlhttprequest",
        "<script src",
        " src=",
    ] {
        assert!(
            !lower.contains(bad),
            "the page refers outside itself: {bad}"
        );
    }
    // The only address in the page is the SVG namespace the script creates elements in.
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("http") {
        let url = &rest[i..];
        assert!(
            url.starts_with("http://www.w3.org/2000/svg"),
            "an address in the page: {}",
            &url[..url.len().min(60)]
        );
        rest = &rest[i + 4..];
    }
    assert!(html.contains("Every child in this page is synthetic"));
    // Every lever is a native control with a label, and the reading is announced.
    let data = page_data(&html);
    for l in data["levers"].as_array().unwrap() {
        let key = l["key"].as_str().unwrap();
        assert!(
            html.contains(&format!("for=\"lever-{key}\"")),
            "lever {key} has no <label>"
        );
        let kind = if l["levels"].as_array().unwrap().len() == 2 {
            "type=\"checkbox\" role=\"switch\""
        } else {
            "type=\"range\""
        };
        assert!(
            html.contains(&format!("<input {kind} id=\"lever-{key}\"")),
            "lever {key} is not a native {kind}"
        );
    }
    assert!(html.contains("id=\"reading\" aria-live=\"polite\""));
    assert!(html.contains("id=\"large-type\" aria-pressed=\"false\""));
    assert!(html.contains("@media print"));
    assert!(html.contains("role=\"img\""));
    // Without steps in the file, the teacher's mode has generated steps; every estimate in them
    // carries its interval.
    let steps = html.matches("<article class=\"step\"").count();
    assert!((4..=6).contains(&steps), "{steps} steps");
    // The reading of today's policy is in the page as written, and every setting has one.
    let cells = data["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 6);
    let today = data["reference"].as_u64().unwrap() as usize;
    assert_eq!(today, 2, "sharing as today (1) x separate records (0)");
    let reading = cells[today]["reading"].as_str().unwrap();
    assert!(reading.starts_with("Today's policy: about "), "{reading}");
    assert!(html.contains(&reading.replace('\'', "&#39;")));
    for (c, cell) in cells.iter().enumerate() {
        let r = cell["reading"].as_str().unwrap();
        assert!(
            r.contains('\u{2013}'),
            "setting {c}: a number without its interval: {r}"
        );
        if c != today {
            assert!(r.starts_with("With "), "{r}");
        }
    }
    // The README's default explorer file is valid (checked by building its scenarios only).
    assert!(root().join("scenarios/explorer/default.toml").is_file());
}

#[test]
fn embedded_numbers_equal_run_at_the_same_seed_and_scale_and_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = explorer_file(dir, "tiny.toml", &format!("{SHARING}{INTEGRATED}"));
    let one = make_page(dir, &file, "one.html", &["-t", "1"]);
    let two = make_page(dir, &file, "two.html", &["-t", "2"]);
    assert!(one == two, "the page differs between 1 and 2 threads");
    let data = page_data(&one);
    let cells = data["cells"].as_array().unwrap();
    let metrics: Vec<&str> = data["run_metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    // Common random numbers: every setting draws the same children.
    let arrived: Vec<Vec<f64>> = cells
        .iter()
        .map(|c| floats(&c["runs"][metrics.iter().position(|m| *m == "arrived").unwrap()]))
        .collect();
    assert!(arrived.iter().all(|a| *a == arrived[0]), "{arrived:?}");
    assert_ne!(arrived[0][0], arrived[0][1], "replications differ");

    // Two settings, each written as a scenario file and run with `run --scale`: today's policy
    // (the baseline itself) and every address within 7 days with one shared record.
    let today = extend_baseline(dir, "today.toml", "");
    let reform = extend_baseline(
        dir,
        "reform.toml",
        "[data_sharing]\norr_to_ice_probability = 1.0\norr_to_ice_delay_days_mean = 7.0\norr_to_ice_delay_cv = 0.0\nintegrated_record = true\n",
    );
    for (scenario, cell) in [(&today, 2usize), (&reform, 5)] {
        let out = format!("run-{cell}");
        cmd(dir)
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--scale",
                "0.01",
                "-r",
                "2",
                "-s",
                "7",
                "-q",
                "-o",
                &out,
            ])
            .assert()
            .success();
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(&out).join("manifest.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["scale"].as_f64(), Some(0.01));
        // Whole-run metrics, replication by replication, as summary.csv has them.
        let (header, rows) = read_csv(&dir.join(&out).join("summary.csv"));
        for (k, m) in metrics.iter().enumerate() {
            let page = floats(&cells[cell]["runs"][k]);
            let run: Vec<f64> = rows
                .iter()
                .map(|r| r[col(&header, m)].parse::<f64>().unwrap())
                .collect();
            assert_eq!(page, run, "setting {cell}, {m}");
        }
        // The monthly series: means across replications at every month's end.
        let (header, rows) = read_csv(&dir.join(&out).join("timeseries.csv"));
        let (rep, date) = (col(&header, "replication"), col(&header, "date"));
        let month_end = |i: usize| -> bool {
            i + 1 == rows.len()
                || rows[i + 1][rep] != rows[i][rep]
                || rows[i + 1][date][..7] != rows[i][date][..7]
        };
        let at_ends = |name: &str| -> Vec<f64> {
            let c = col(&header, name);
            let per_rep: Vec<Vec<f64>> = ["0", "1"]
                .iter()
                .map(|r| {
                    (0..rows.len())
                        .filter(|&i| rows[i][rep] == *r && month_end(i))
                        .map(|i| rows[i][c].parse::<f64>().unwrap())
                        .collect()
                })
                .collect();
            (0..per_rep[0].len())
                .map(|m| (per_rep[0][m] + per_rep[1][m]) / 2.0)
                .collect()
        };
        let months = data["months"].as_array().unwrap().len();
        let ice = at_ends("unlocatable_by_ice");
        assert_eq!(ice.len(), months);
        let r1 = |x: f64| (x * 10.0).round() / 10.0;
        assert_eq!(
            floats(&cells[cell]["ice"]["mean"]),
            ice.iter().map(|&x| r1(x)).collect::<Vec<_>>(),
            "setting {cell}: unlocatable by ICE"
        );
        let pooled = at_ends("unlocatable_pooled");
        assert_eq!(
            floats(&cells[cell]["pooled"]["mean"]),
            pooled.iter().map(|&x| r1(x)).collect::<Vec<_>>()
        );
        for (k, agency) in ["cbp", "orr", "ice", "court"].iter().enumerate() {
            let want = at_ends(&format!("accurate_share_{agency}"));
            let got = floats(&cells[cell]["accurate"][k]["mean"]);
            for (m, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w * 1000.0).abs() <= 0.5 + 1e-6,
                    "setting {cell}, {agency}, month {m}: page {g} per mille, run {w}"
                );
            }
        }
    }
    // The reading of the reform names what it changes and compares with today's policy.
    let reading = cells[5]["reading"].as_str().unwrap();
    assert!(
        reading.starts_with("With sharing within 7 days and one shared record, "),
        "{reading}"
    );
    assert!(
        reading.contains("than under today's policy") || reading.contains("from today's policy"),
        "{reading}"
    );
}

/// A minimal WebDriver client (HTTP/1.1 over TCP to chromedriver on this machine).
mod webdriver {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use serde_json::{json, Value};

    /// The key WebDriver uses for element references.
    pub(super) const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

    pub(super) fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
        let v = exchange(port, method, path, body);
        assert!(
            v["value"]["error"].is_null(),
            "{method} {path} failed: {}",
            v["value"]
        );
        v["value"].clone()
    }

    fn exchange(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
        let body = match (body, method) {
            (Some(b), _) => b.to_string(),
            (None, "POST") => "{}".to_string(),
            (None, _) => String::new(),
        };
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        // chromedriver keeps connections alive: read the head, then exactly the body it announces.
        let mut raw = Vec::new();
        let mut buf = [0u8; 65536];
        let split = loop {
            if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break p;
            }
            let n = s.read(&mut buf).expect("read the response head");
            assert!(
                n > 0,
                "{method} {path}: the connection closed before a response"
            );
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let mut payload = raw[split + 4..].to_vec();
        let length = head.lines().find_map(|l| {
            l.strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        });
        let chunked = head.contains("transfer-encoding: chunked");
        let complete = |p: &[u8]| match length {
            Some(n) => p.len() >= n,
            None if chunked => p.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        while !complete(&payload) {
            let n = s.read(&mut buf).expect("read the response body");
            if n == 0 {
                break;
            }
            payload.extend_from_slice(&buf[..n]);
        }
        if chunked {
            let mut out = Vec::new();
            let mut rest = &payload[..];
            loop {
                let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
                let size =
                    usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
                        .unwrap();
                if size == 0 {
                    break;
                }
                out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
                rest = &rest[line_end + 2 + size + 2..];
            }
            payload = out;
        } else if let Some(n) = length {
            payload.truncate(n);
        }
        serde_json::from_slice(&payload).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: not JSON ({e}): {}",
                String::from_utf8_lossy(&payload)
            )
        })
    }

    /// One browser session.
    pub(super) struct Session {
        pub port: u16,
        pub id: String,
    }

    /// The session ends (and its browser with it) however the test ends.
    impl Drop for Session {
        fn drop(&mut self) {
            let (port, path) = (self.port, format!("/session/{}", self.id));
            let _ = std::panic::catch_unwind(move || exchange(port, "DELETE", &path, None));
        }
    }

    impl Session {
        pub(super) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
            request(
                self.port,
                method,
                &format!("/session/{}{path}", self.id),
                body.as_ref(),
            )
        }
        pub(super) fn script(&self, js: &str) -> Value {
            self.call(
                "POST",
                "/execute/sync",
                Some(json!({"script": js, "args": []})),
            )
        }
        pub(super) fn element(&self, css: &str) -> String {
            let v = self.call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            );
            v[ELEMENT].as_str().expect("an element").to_string()
        }
        pub(super) fn actions(&self, actions: Value) {
            self.call("POST", "/actions", Some(json!({ "actions": actions })));
            self.call("DELETE", "/actions", None);
        }
        pub(super) fn key(&self, key: &str) {
            self.actions(json!([{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
            ]}]));
        }
        pub(super) fn screenshot(&self, path: &std::path::Path) {
            let b64 = self.call("GET", "/screenshot", None);
            let png = decode_base64(b64.as_str().expect("base64 text"));
            assert!(png.starts_with(b"\x89PNG"), "not a PNG");
            std::fs::write(path, png).expect("write screenshot");
        }
    }

    pub(super) fn decode_base64(s: &str) -> Vec<u8> {
        let val = |c: u8| -> Option<u32> {
            Some(match c {
                b'A'..=b'Z' => (c - b'A') as u32,
                b'a'..=b'z' => (c - b'a') as u32 + 26,
                b'0'..=b'9' => (c - b'0') as u32 + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            })
        };
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.bytes().filter_map(val) {
            acc = (acc << 6) | c;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(decode_base64("aGVsbG8gd29ybGQ="), b"hello world");
        assert_eq!(decode_base64("iVBORw=="), b"\x89PNG");
    }
}

/// Debian's chromium and chromedriver, installed with apt-get when missing (as root); a test that
/// cannot have them fails rather than pass without a browser.
fn ensure_browser() -> (PathBuf, PathBuf) {
    let chromium = PathBuf::from("/usr/bin/chromium");
    let driver = PathBuf::from("/usr/bin/chromedriver");
    if !(chromium.exists() && driver.exists()) {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        assert!(
            root,
            "chromium and chromedriver are missing, and installing them needs root: apt-get install chromium chromium-driver"
        );
        eprintln!("installing chromium and chromium-driver with apt-get");
        let status = std::process::Command::new("bash")
            .args([
                "-c",
                "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null",
            ])
            .status()
            .expect("apt-get runs");
        assert!(
            status.success(),
            "apt-get install chromium chromium-driver failed"
        );
    }
    (chromium, driver)
}

/// A browser, as a person would use it: the page opens offline; a slider moved with the keyboard
/// (Tab to it, then the right arrow) and another dragged with the mouse, a switch clicked, the
/// teacher's mode stepped through and large type turned on each change the charts' data and the
/// reading to the values precomputed for the new setting. Screenshots before and after are kept
/// in `target/explorer-test/`. Ignored by a plain `cargo test`; `.ci/run` runs it with
/// `--ignored`.
#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn browser_moves_the_levers_with_keyboard_and_mouse() {
    use serde_json::json;
    use webdriver::{request, Session};

    let started = std::time::Instant::now();
    let (chromium, driver) = ensure_browser();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = explorer_file(dir, "tiny.toml", &format!("{SHARING}{CHECKS}{INTEGRATED}"));
    let html = make_page(dir, &file, "explorer.html", &[]);
    let data = page_data(&html);
    let cells = data["cells"].as_array().unwrap().clone();
    let sizes: Vec<usize> = data["levers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["levels"].as_array().unwrap().len())
        .collect();
    let cell_of = |levels: [usize; 3]| -> usize {
        levels
            .iter()
            .zip(&sizes)
            .fold(0, |acc, (&j, &n)| acc * n + j)
    };
    let artefacts = root().join("target/explorer-test");
    std::fs::create_dir_all(&artefacts).unwrap();

    // chromedriver on a free local port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut driver_process = Kill(
        std::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && request(port, "GET", "/status", None)["ready"] == true
        {
            break;
        }
        if let Ok(Some(s)) = driver_process.0.try_wait() {
            panic!("chromedriver exited: {s}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "chromedriver did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let profile = dir.join("profile");
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.display().to_string(),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1700",
                format!("--user-data-dir={}", profile.display())
            ]
        }
    }}});
    let session = request(port, "POST", "/session", Some(&caps));
    let s = Session {
        port,
        id: session["sessionId"]
            .as_str()
            .expect("a session")
            .to_string(),
    };
    s.call(
        "POST",
        "/url",
        Some(json!({"url": format!("file://{}", dir.join("explorer.html").display())})),
    );
    assert_eq!(
        s.script("return document.body.getAttribute('data-ready')"),
        "true"
    );

    // What the page shows now, read from the page as drawn.
    let shown = |s: &Session| -> Value {
        s.script(
            "var q = function (sel) { var e = document.querySelector(sel); return e ? e.getAttribute('data-raw') : null; };
             return {
               cell: document.body.getAttribute('data-cell'),
               reading: document.getElementById('reading').textContent,
               ice: q('#chart-unlocatable path[data-series=\"ice\"]'),
               pooled: q('#chart-unlocatable path[data-series=\"pooled\"]'),
               agency_ice: q('#chart-friction path[data-series=\"agency-2\"]'),
               flow_first: q('#chart-flows rect[data-way=\"0\"][data-lens=\"ice\"]'),
               charts: [document.getElementById('chart-unlocatable').getAttribute('data-cell'),
                        document.getElementById('chart-friction').getAttribute('data-cell'),
                        document.getElementById('chart-flows').getAttribute('data-cell')],
               shapes: document.querySelectorAll('svg.chart *').length,
               active: document.activeElement ? document.activeElement.id : ''
             };",
        )
    };
    let nums = |text: &Value| -> Vec<f64> {
        text.as_str()
            .expect("drawn data")
            .split(',')
            .map(|x| x.parse::<f64>().unwrap())
            .collect()
    };
    // The page shows exactly the precomputed numbers and reading of setting `c`.
    let expect_cell = |s: &Session, c: usize, what: &str| {
        let v = shown(s);
        assert_eq!(
            v["cell"],
            c.to_string(),
            "{what}: the page shows another setting"
        );
        for chart in v["charts"].as_array().unwrap() {
            assert_eq!(
                chart,
                &json!(c.to_string()),
                "{what}: a chart was not redrawn"
            );
        }
        let cell = &cells[c];
        assert_eq!(v["reading"], cell["reading"], "{what}: reading");
        assert_eq!(
            nums(&v["ice"]),
            floats(&cell["ice"]["mean"]),
            "{what}: ICE line"
        );
        assert_eq!(
            nums(&v["pooled"]),
            floats(&cell["pooled"]["mean"]),
            "{what}: pooled line"
        );
        assert_eq!(
            nums(&v["agency_ice"]),
            floats(&cell["accurate"][2]["mean"]),
            "{what}: ICE's friction line"
        );
        assert_eq!(
            nums(&v["flow_first"]),
            vec![cell["flows"][0][0].as_f64().unwrap()],
            "{what}: first flow bar"
        );
        assert!(
            v["shapes"].as_u64().unwrap() > 100,
            "{what}: charts drawn empty"
        );
        v
    };
    let today = data["reference"].as_u64().unwrap() as usize;
    assert_eq!(today, cell_of([1, 1, 0]));
    expect_cell(&s, today, "on opening");
    s.screenshot(&artefacts.join("before.png"));

    // Keyboard: Tab to the sharing slider, as a person would, and press the right arrow.
    let mut tabs = 0;
    while shown(&s)["active"] != "lever-sharing" {
        s.key("\u{E004}");
        tabs += 1;
        assert!(tabs < 40, "the sharing slider cannot be reached with Tab");
    }
    s.key("\u{E014}");
    let c = cell_of([2, 1, 0]);
    expect_cell(&s, c, "after the right arrow on the sharing slider");
    assert_eq!(
        s.script("return document.getElementById('lever-sharing').value"),
        "2"
    );
    assert_eq!(
        s.script("return document.getElementById('lever-sharing-value').textContent"),
        data["levers"][0]["levels"][2]["label"]
    );
    assert!(cells[c]["reading"]
        .as_str()
        .unwrap()
        .starts_with("With sharing within 7 days, "));
    s.screenshot(&artefacts.join("after-keyboard.png"));

    // Mouse: drag the thumb of the check-teams slider to its left end.
    s.script(
        "document.getElementById('lever-checks').scrollIntoView({block: 'center'}); return 0;",
    );
    let r = s.script(
        "var r = document.getElementById('lever-checks').getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
    );
    let r: Vec<f64> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let (mid_x, mid_y) = (
        (r[0] + r[2] / 2.0).round() as i64,
        (r[1] + r[3] / 2.0).round() as i64,
    );
    s.actions(json!([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
        {"type": "pointerMove", "origin": "viewport", "x": mid_x, "y": mid_y},
        {"type": "pointerDown", "button": 0},
        {"type": "pointerMove", "origin": "viewport", "x": mid_x - 40, "y": mid_y, "duration": 100},
        {"type": "pointerMove", "origin": "viewport", "x": (r[0] + 1.0).round() as i64, "y": mid_y, "duration": 100},
        {"type": "pointerUp", "button": 0}
    ]}]));
    let c = cell_of([2, 0, 0]);
    expect_cell(&s, c, "after dragging the check-teams slider");
    assert_eq!(
        s.script("return document.getElementById('lever-checks').value"),
        "0"
    );
    s.screenshot(&artefacts.join("after-mouse.png"));

    // Mouse: click the switch of the shared record.
    let switch = s.element("#lever-integrated");
    s.call("POST", &format!("/element/{switch}/click"), None);
    let c = cell_of([2, 0, 1]);
    expect_cell(&s, c, "after clicking the shared-record switch");

    // Back to today's policy, then the teacher's mode: each step sets the levers.
    let reset = s.element("#reset");
    s.call("POST", &format!("/element/{reset}/click"), None);
    expect_cell(&s, today, "after going back to today's policy");
    let teacher = s.element("#teacher-toggle");
    s.call("POST", &format!("/element/{teacher}/click"), None);
    let steps = html.matches("<article class=\"step\"").count();
    assert!(steps >= 4);
    for k in 0..steps {
        let levels = s.script(&format!(
            "return document.getElementById('step-{k}').hidden ? null : document.getElementById('step-{k}').getAttribute('data-levels')"
        ));
        let levels: Vec<usize> = levels
            .as_str()
            .unwrap_or_else(|| panic!("step {k} is not shown"))
            .split(',')
            .map(|x| x.parse().unwrap())
            .collect();
        expect_cell(
            &s,
            cell_of([levels[0], levels[1], levels[2]]),
            &format!("teacher's step {}", k + 1),
        );
        if k == 2 {
            s.screenshot(&artefacts.join("teacher-step-3.png"));
        }
        if k + 1 < steps {
            let next = s.element("#step-next");
            s.call("POST", &format!("/element/{next}/click"), None);
        }
    }
    // Large type, for a projector.
    let large = s.element("#large-type");
    s.call("POST", &format!("/element/{large}/click"), None);
    assert_eq!(
        s.script("return [document.body.classList.contains('large'), document.getElementById('large-type').getAttribute('aria-pressed'), getComputedStyle(document.body).fontSize]"),
        json!([true, "true", "22px"])
    );
    s.screenshot(&artefacts.join("large-type.png"));
    for shot in [
        "before",
        "after-keyboard",
        "after-mouse",
        "teacher-step-3",
        "large-type",
    ] {
        let p = artefacts.join(format!("{shot}.png"));
        let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(size > 20_000, "{}: {size} bytes, looks blank", p.display());
    }
    eprintln!(
        "explorer browser test: {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        artefacts.display()
    );
}

/// Over a calibrated posterior: a point posterior gives the runs of plain replications (stream
/// k x R + r), and draws that differ shade the range the assumptions allow, wider than the random
/// draws' band, with a sentence in the reading; a bad ensemble is refused with nothing written.
#[test]
fn the_page_shows_the_range_the_assumptions_allow_beside_the_random_band() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = explorer_file(dir, "tiny.toml", &format!("{SHARING}{INTEGRATED}"));
    std::fs::write(
        dir.join("point.csv"),
        "draw,life.move_rate_per_year,ice.nta_probability\n0,0.35,0.9\n1,0.35,0.9\n",
    )
    .unwrap();
    // 2 draws x 2 replications: streams 0..4, as 4 plain replications.
    let point = page_data(&make_page(
        dir,
        &file,
        "point.html",
        &["--posterior", "point.csv", "--draws", "2"],
    ));
    cmd(dir)
        .args(["explorer", file.to_str().unwrap(), "--out", "plain.html"])
        .args(["--scale", "0.01", "-r", "4", "-s", "7", "-q"])
        .assert()
        .success();
    let plain = page_data(&std::fs::read_to_string(dir.join("plain.html")).unwrap());
    for (a, b) in point["cells"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plain["cells"].as_array().unwrap())
    {
        assert_eq!(a["runs"], b["runs"], "the same streams");
        assert_eq!(a["end"]["ice"][0], b["end"]["ice"][0]);
    }
    assert_eq!(point["posterior"]["point"], true);
    std::fs::write(
        dir.join("wide.csv"),
        "draw,life.move_rate_per_year,ice.nta_probability\n0,0.1,0.6\n1,0.4,0.8\n2,0.8,0.95\n",
    )
    .unwrap();
    let html = make_page(
        dir,
        &file,
        "wide.html",
        &["--posterior", "wide.csv", "--draws", "3"],
    );
    let wide = page_data(&html);
    assert_eq!(wide["posterior"]["draws"], 3);
    let cells = wide["cells"].as_array().unwrap();
    for c in cells {
        let mean = floats(&c["ice"]["mean"]);
        let half = floats(&c["ice"]["half"]);
        let (lo, hi) = (floats(&c["ice"]["range"][0]), floats(&c["ice"]["range"][1]));
        for m in 0..mean.len() {
            assert!(lo[m] <= mean[m] && mean[m] <= hi[m], "month {m}");
        }
        let last = mean.len() - 1;
        assert!(
            hi[last] - lo[last] > 2.0 * half[last],
            "{} vs {}",
            hi[last] - lo[last],
            half[last]
        );
        let range = &c["change"]["range"];
        assert!(range[0][0].as_f64().unwrap() <= range[0][1].as_f64().unwrap());
    }
    let reference = wide["reference"].as_u64().unwrap() as usize;
    let other = if reference == 0 { 1 } else { 0 };
    let reading = cells[other]["reading"].as_str().unwrap();
    assert!(
        reading.contains("nobody knows the model's assumptions exactly"),
        "{reading}"
    );
    assert!(html.contains("light: what the assumptions allow"));
    refused(
        dir,
        &[
            "explorer",
            file.to_str().unwrap(),
            "--out",
            "bad.html",
            "--posterior",
            "nowhere.csv",
        ],
        &["nowhere.csv", "--posterior"],
    );
    refused(
        dir,
        &[
            "explorer",
            file.to_str().unwrap(),
            "--out",
            "bad.html",
            "--draws",
            "3",
        ],
        &["--posterior"],
    );
}
