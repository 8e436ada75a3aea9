//! The dependency graph between the top-level modules of a crate, read from its sources, and
//! the cycles in it. Shared by the `module_cycles` tests of `telcosynth-benchmarks` and
//! `telcosynth-inspect`.
//!
//! The top-level modules are `src/*.rs` (but `lib.rs` and `main.rs`) and `src/*/` folders.
//! Module A depends on module B when a file under A names `crate::B` (in a `use` line,
//! including `use crate::{B, …}` groups, or as a path in code) or `super::B` where that
//! `super` is the crate root (`super::B` in `src/A.rs` or `src/A/mod.rs`, `super::super::B`
//! in `src/A/x.rs`, …). Comments are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules it depends on.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The graph of the crate whose sources are under `src`.
pub fn graph(src: &Path) -> Graph {
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src folder").flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            modules.insert(name, rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            modules.entry(name).or_default().push(path);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let deps = graph.entry(module.clone()).or_default();
        for file in files {
            let depth = depth(src, file);
            let text = std::fs::read_to_string(file).expect("readable source");
            for target in references(&strip_comments(&text), depth) {
                if names.contains(&target) && &target != module {
                    deps.insert(target);
                }
            }
        }
    }
    graph
}

/// The cycles of `graph`: each strongly connected component of more than one module, sorted.
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<&String> = graph[from].iter().collect();
        while let Some(m) = pending.pop() {
            if seen.insert(m.clone()) {
                pending.extend(graph.get(m).into_iter().flatten());
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for m in graph.keys() {
        if !reached[m].contains(m) || out.iter().any(|c| c.contains(m)) {
            continue;
        }
        let component: Vec<String> = graph
            .keys()
            .filter(|o| reached[m].contains(*o) && reached[o].contains(m))
            .cloned()
            .collect();
        if component.len() > 1 {
            out.push(component);
        }
    }
    out
}

/// A readable list of `cycles` with the edges inside each.
pub fn describe(graph: &Graph, cycles: &[Vec<String>]) -> String {
    let mut out = String::new();
    for cycle in cycles {
        out.push_str(&format!("cycle between {}:\n", cycle.join(", ")));
        for from in cycle {
            for to in &graph[from] {
                if cycle.contains(to) {
                    out.push_str(&format!("  {from} -> {to}\n"));
                }
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("readable folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// How many `super`s lead from `file`'s module to the crate root: 1 for `src/a.rs` and
/// `src/a/mod.rs`, 2 for `src/a/b.rs`, …
fn depth(src: &Path, file: &Path) -> usize {
    let relative = file.strip_prefix(src).expect("under src");
    let parts = relative.components().count();
    if file.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// `text` without `//` and `/* */` comments (string literals are kept as they are).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Names of the top-level modules `code` (of a file `depth` below the root) refers to.
fn references(code: &str, depth: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    let boundary =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let root_path = if rest.starts_with("crate::") && boundary(i) {
            Some("crate::".len())
        } else if rest.starts_with("super::") && boundary(i) {
            // Count the chain of `super::`; it reaches the root after `depth` of them.
            let mut k = 0;
            let mut len = 0;
            while rest[len..].starts_with("super::") {
                k += 1;
                len += "super::".len();
            }
            if k != depth {
                i += len;
                continue;
            }
            Some(len)
        } else {
            None
        };
        match root_path {
            Some(len) => {
                let after = &rest[len..];
                if let Some(group) = after.strip_prefix('{') {
                    out.extend(group_heads(group));
                } else {
                    out.insert(identifier(after).to_owned());
                }
                i += len;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// The first path segment of each item of a `{a, b::c, d::{e, f}}` group (text after `{`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start_of_item = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start_of_item = true,
            c if c.is_whitespace() => {}
            _ if start_of_item && depth == 0 => {
                heads.push(identifier(&group[i..]).to_owned());
                start_of_item = false;
            }
            _ => {}
        }
    }
    heads
}

/// The identifier at the start of `text`.
fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

#[test]
fn the_reader_finds_groups_super_paths_and_ignores_comments() {
    let code = strip_comments(
        "use crate::{a, b::{c, d}, e::f};\n// crate::g\n/* crate::h */ let x = crate::i::j();\n\
         use super::k; let s = \"// crate::l\"; super::super::m::n();\n",
    );
    let found: Vec<String> = references(&code, 1).into_iter().collect();
    assert_eq!(found, ["a", "b", "e", "i", "k", "l"]);
    let found: Vec<String> = references(&code, 2).into_iter().collect();
    assert_eq!(found, ["a", "b", "e", "i", "l", "m"]);
}

#[test]
fn a_circle_is_a_cycle() {
    let mut graph = Graph::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "d")] {
        graph.entry(from.into()).or_default().insert(to.into());
        graph.entry(to.into()).or_default();
    }
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
}
