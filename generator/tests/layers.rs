//! The top-level modules of `generator/src` form layers: no module imports, directly or through
//! others, a module that imports it. Module A depends on module B when any file under A names
//! `crate::B` (also in a `use crate::{B, …}` group) or reaches B through `super::`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without `//` comments (line, doc and inner doc comments) and string literals.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '\'' if chars.peek() == Some(&'"') => {
                out.push(c);
                out.push(chars.next().expect("peeked"));
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Names the paths in `code` reach at the crate root, for a file at `module_path` (its module's
/// path from the crate root, e.g. `["mobility", "day"]`).
fn roots(code: &str, module_path: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    let word_start =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    for (i, _) in code.match_indices("crate::") {
        if !word_start(i) {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            let mut j = 0;
            let g = group.as_bytes();
            while j < g.len() {
                match g[j] {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => break,
                    b'}' => depth -= 1,
                    b',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == b'_') => {
                        found.insert(ident_at(&group[j..]).to_owned());
                        item_start = false;
                    }
                    _ => {}
                }
                j += 1;
            }
        } else {
            found.insert(ident_at(rest).to_owned());
        }
    }
    for (i, _) in code.match_indices("super::") {
        if !word_start(i) || code[..i].ends_with("super::") {
            continue;
        }
        let mut rest = &code[i..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups == module_path.len() {
            if let Some(group) = rest.strip_prefix('{') {
                for item in group.split('}').next().unwrap_or("").split(',') {
                    found.insert(ident_at(item.trim()).to_owned());
                }
            } else {
                found.insert(ident_at(rest).to_owned());
            }
        }
    }
    found
}

/// Module dependencies between the top-level modules of `generator/src`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top_name = |p: &Path| -> String {
        let first = p.components().next().expect("a path under src");
        let name = first.as_os_str().to_string_lossy();
        name.strip_suffix(".rs").unwrap_or(&name).to_owned()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| top_name(f.strip_prefix(&src).expect("under src")))
        .filter(|m| m != "lib")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = top_name(rel);
        if top == "lib" {
            continue;
        }
        let mut path: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if path.last().is_some_and(|l| l == "mod") {
            path.pop();
        }
        let text = fs::read_to_string(file).expect("read source file");
        for dep in roots(&code(&text), &path) {
            if dep != top && modules.contains(&dep) {
                graph.get_mut(&top).expect("known module").insert(dep);
            }
        }
    }
    graph
}

/// A cycle through `start`, if any.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in &graph[node] {
            if let Some(c) = visit(graph, next, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(graph, n, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_import_one_way() {
    let graph = graph();
    if let Some(cycle) = cycle(&graph) {
        let edges: Vec<String> = graph
            .iter()
            .map(|(m, deps)| {
                format!(
                    "{m} -> {}",
                    deps.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        panic!(
            "import cycle: {}\n\nall dependencies:\n{}",
            cycle.join(" -> "),
            edges.join("\n")
        );
    }
}

#[test]
fn the_scenario_never_imports_the_model() {
    let graph = graph();
    let model = [
        "population",
        "mobility",
        "visitors",
        "behaviour",
        "network",
        "records",
    ];
    for layer in [
        "scenario",
        "events",
        "geography",
        "numbering",
        "vocabulary",
        "public_data",
    ] {
        let bad: Vec<&str> = model
            .iter()
            .copied()
            .filter(|m| graph[layer].contains(*m))
            .collect();
        assert!(bad.is_empty(), "{layer} imports the model: {bad:?}");
    }
    assert!(
        graph["vocabulary"].is_empty(),
        "vocabulary imports {:?}",
        graph["vocabulary"]
    );
}

#[test]
fn the_check_sees_every_kind_of_path() {
    let path = ["mobility".to_owned(), "day".to_owned()];
    let code = code(
        "use crate::{rng::{a, b}, sampling};\nuse super::super::events::X; // crate::tables\n\
         let s = \"crate::records\"; crate::geography::f(); use super::trips::T;",
    );
    let found = roots(&code, &path);
    let want: BTreeSet<String> = ["rng", "sampling", "events", "geography"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(found, want);
}
