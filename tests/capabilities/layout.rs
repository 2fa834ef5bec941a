//! The layout holds: inside each crate, no module uses a module that uses it back, at any depth
//! (`rounds::baseline` ↔ `rounds::scenario` would fail, as would `geocode` ↔ `territory`).
//! Between crates, cargo already refuses circles; this test keeps the modules of one crate in
//! layers too. Paths are read from the sources (`crate::…`, `super::…`, `self::…`, with their
//! `{…}` groups); comments and `#[cfg(test)] mod tests` blocks are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`a::b`, the crate root is "") → source text.
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(root).expect("inside the root");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if parts.last().is_some_and(|l| l == "mod") {
                parts.pop();
            }
            if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
                parts.clear();
            }
            let text = std::fs::read_to_string(&path).expect("readable source");
            out.insert(parts.join("::"), text);
        }
    }
    out
}

/// The source without its unit-test module and without `//` comments.
fn strip(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a source names from its own crate: `crate::a::b`, `super::c` (with `{x, y}`
/// groups expanded one level), as written.
fn paths(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !src.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &src[i..];
        let starts = ["crate::", "super::", "self::"]
            .iter()
            .any(|p| rest.starts_with(p));
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if !(starts && boundary) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b':') {
            j += 1;
        }
        let head = src[i..j].trim_end_matches(':').to_string();
        if j < b.len() && b[j] == b'{' {
            let close = src[j..].find('}').map_or(b.len(), |k| j + k);
            for item in src[j + 1..close].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(format!("{head}::{name}"));
                }
            }
            i = close;
        } else {
            out.push(head);
            i = j;
        }
    }
    out
}

/// The module a path from `from` lands in: the longest prefix that is a module.
fn resolve(from: &str, path: &str, mods: &BTreeMap<String, String>) -> Option<String> {
    let mut cur: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    let mut parts = path.split("::").peekable();
    match parts.next()? {
        "crate" => cur.clear(),
        "super" => {
            cur.pop();
        }
        "self" => {}
        _ => return None,
    }
    while parts.peek() == Some(&"super") {
        parts.next();
        cur.pop();
    }
    let full: Vec<&str> = cur.into_iter().chain(parts).collect();
    (1..=full.len())
        .rev()
        .map(|k| full[..k].join("::"))
        .find(|c| mods.contains_key(c))
}

/// The module `m` seen at `depth` segments.
fn at_depth(m: &str, depth: usize) -> String {
    m.split("::").take(depth).collect::<Vec<_>>().join("::")
}

/// Whether one of `a`, `b` contains the other (a module and its own submodule).
fn nested(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

/// Every circle among modules (seen at depths 1 to 4): groups of modules that reach each other.
fn circles(mods: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for (m, src) in mods {
        for p in paths(&strip(src)) {
            if let Some(t) = resolve(m, &p, mods)
                && !t.is_empty()
                && !nested(m, &t)
            {
                edges.insert((m.clone(), t));
            }
        }
    }
    let mut found = Vec::new();
    for depth in 1..=4 {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in &edges {
            let (a, b) = (at_depth(a, depth), at_depth(b, depth));
            if !nested(&a, &b) {
                g.entry(a).or_default().insert(b);
            }
        }
        for comp in components(&g) {
            if !found.contains(&comp) {
                found.push(comp);
            }
        }
    }
    found
}

/// Strongly connected components of more than one node (Kosaraju, iterative enough for a
/// source tree).
fn components(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn reach(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(v) = stack.pop() {
            for w in g.get(&v).into_iter().flatten() {
                if seen.insert(w.clone()) {
                    stack.push(w.clone());
                }
            }
        }
        seen
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    for v in g.keys() {
        let fwd = reach(g, v);
        if !fwd.contains(v) {
            continue;
        }
        let comp: Vec<String> = fwd
            .iter()
            .filter(|w| reach(g, w).contains(v))
            .cloned()
            .collect();
        if comp.len() > 1 && !out.contains(&comp) {
            out.push(comp);
        }
    }
    out
}

#[test]
fn the_detector_finds_a_circle_and_a_clean_tree() {
    let mut mods = BTreeMap::new();
    mods.insert(String::new(), "mod a; mod b;".to_string());
    mods.insert("a".into(), "use crate::b::Thing;".into());
    mods.insert("a::x".into(), "use super::super::b::{Thing, Other};".into());
    mods.insert(
        "b".into(),
        "pub struct Thing; // crate::a is only named here".into(),
    );
    assert!(circles(&mods).is_empty(), "{:?}", circles(&mods));
    mods.insert("b::y".into(), "use crate::a::x::f;".into());
    assert_eq!(circles(&mods), vec![vec!["a".to_string(), "b".to_string()]]);
}

#[test]
fn no_module_uses_a_module_that_uses_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in ["crates/boucle-vrp/src", "crates/boucle-core/src", "src"] {
        let mods = modules(&root.join(src));
        assert!(mods.len() > 10, "{src}: only {} modules read", mods.len());
        let c = circles(&mods);
        assert!(c.is_empty(), "{src}: modules in a circle: {c:?}");
    }
}
