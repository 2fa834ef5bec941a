//! The viewer's files are embedded in release builds (rust-embed): rebuild when `web/static/`
//! or `web/vendor/` change, and when `web/vendor/` appears after a build without Leaflet. While
//! `web/vendor` is absent, `web/` itself is watched: creating `web/vendor` changes it, whatever
//! the dates of the files copied in.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=web/static");
    if std::path::Path::new("web/vendor").is_dir() {
        println!("cargo::rerun-if-changed=web/vendor");
    } else {
        println!("cargo::rerun-if-changed=web");
    }
}
