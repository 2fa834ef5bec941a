//! The viewer's files are embedded in release builds (rust-embed): rebuild when `web/static/`
//! or `web/vendor/` change, and when `web/vendor/` appears after a first build without Leaflet
//! (Cargo treats a path that does not exist as changed, so until `npm ci` has run in `web/`,
//! every build looks again).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=web/static");
    println!("cargo::rerun-if-changed=web/vendor");
}
