//! The map viewer end to end: starts `boucle serve` on 127.0.0.1 with a free port and runs the
//! headless-Chromium script `tests/e2e/map.mjs` (playwright-core). Fails, never skips, when
//! Chromium, node or web/node_modules are missing: `.ci/run` installs them
//! (`apt-get install chromium`, `(cd web && npm ci)`). The screenshot is kept in
//! `target/test-artifacts/map.png` (also `siting.png`, `indicators-sheet.png`, `route-sheet.png`;
//! `tests/e2e/viewer.mjs` adds `phone.png`, `phone-panel.png`, `phone-popup.png`, `keyboard.png`,
//! `route-sheet-driver.png`, `route-sheet-a4.png`, `route-sheet.pdf`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "e2e-officer-token";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `boucle serve` with the officer's token, runs `node tests/e2e/SCRIPT URL ARTIFACTS`
/// and returns its stdout; fails (never skips) when Chromium, node or web/node_modules are
/// missing, or when the script fails.
fn run_e2e(script: &str, data: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).is_file(),
        "{chromium} missing: install it (apt-get install -y chromium) or set CHROMIUM"
    );
    assert!(
        root.join("web/node_modules/playwright-core").is_dir(),
        "web/node_modules missing: run `(cd web && npm ci)`"
    );
    assert!(
        root.join("web/vendor/leaflet/leaflet.js").is_file(),
        "web/vendor/leaflet missing: run `(cd web && npm ci)` (its postinstall copies Leaflet)"
    );
    let mut child = crate::common::command()
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("BOUCLE_OFFICER_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("boucle serve starts");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut first = String::new();
    let mut lines = BufReader::new(stdout);
    lines
        .read_line(&mut first)
        .expect("server prints its address");
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    // Keep draining the server's stdout so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.lines() {});
    let artifacts = root.join("target/test-artifacts");
    let out = Command::new("node")
        .arg(root.join("tests/e2e").join(script))
        .arg(&url)
        .arg(&artifacts)
        .env("CHROMIUM", &chromium)
        .env("BOUCLE_E2E_TOKEN", TOKEN)
        .env("BOUCLE_E2E_REQUIRE_ROUNDS", "1")
        .output()
        .expect("node runs (install nodejs)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    drop(server);
    assert!(
        out.status.success(),
        "e2e {script} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[test]
fn map_viewer_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let artifacts = root.join("target/test-artifacts");
    let stdout = run_e2e("map.mjs", &root.join("geodata"));
    assert!(stdout.contains("46 commune polygons drawn"));
    assert!(stdout.contains("pallet rounds computed"));
    for step in [
        "one marker per candidate",
        "colours ordered by score",
        "legend entry explains the score and its scale",
        "public siting popup: no transport figure, the reason in French",
        "public siting: scores in five classes",
        "public upload refused in French",
        "uploaded CSV: one marker per row",
        "officer sees the per-site transport figures",
        "401 shown in French",
        "API error shown in French",
        "officer sees the confidential material's siting",
        "empty register said in words",
        "printable indicators sheet",
    ] {
        assert!(stdout.contains(step), "e2e step missing: {step}");
    }
    assert!(artifacts.join("map.png").is_file());
}

/// The viewer's session (nothing company-level outlives the logout or a refused token), errors
/// and stale state, the phone layout, the permalink and the keyboard: `tests/e2e/viewer.mjs`.
#[test]
fn viewer_session_errors_phone_permalink_keyboard_in_headless_chromium() {
    // On a copy: the officer places a company (actors.csv is written).
    let data = crate::common::copy_geodata();
    let stdout = run_e2e("viewer.mjs", data.path());
    for step in [
        "nothing stored after logout",
        "route sheet in another tab after logout: nothing",
        "logout closes the route sheet opened as the officer",
        "token refused: session ended, rounds cleared",
        "a failed computation clears the previous rounds, figures and legend",
        "treatment site picked on the map",
        "login with the server down: the server is blamed, not the token",
        "no uncaught « Failed to fetch »",
        "phone: map 390 px wide",
        "phone: a tap on the map opens a popup",
        "link reproduces the view",
        "Forward: the rounds again",
        "Tab reaches a park",
        "zoom buttons in French",
        "clock times from the shift start",
        "quantities in palettes, truck load in % of capacity",
        "commune-centre stops flagged",
        "GPX route with the sheet's marks",
        "A4 print: the route",
        "GeoJSON export includes the computed rounds",
        "French Excel: « ; » and decimal comma",
        "legend swatches = the communes' fill",
        "neighbouring classes contrast ≥ 3:1 as rendered",
        "commune names drawn without tiles",
        "base map switcher",
        "unlocated companies listed with their ids",
        "without the token: 403 officer_only",
        "the company is on the map at once",
        "attribute table filtered",
        "EPCI filter (",
        "no JavaScript errors",
    ] {
        assert!(stdout.contains(step), "e2e step missing: {step}");
    }
    // The placed company is in actors.csv with `precision = manual`.
    let id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("placed actor: "))
        .expect("the script names the company it placed")
        .trim()
        .to_owned();
    let t = boucle::territory::Territory::load(data.path()).expect("the copy still loads");
    let a = t.actor(&id).expect("the placed actor");
    assert!(a.position.is_some(), "{id} has a position");
    assert_eq!(a.precision.as_str(), "manual");
}
