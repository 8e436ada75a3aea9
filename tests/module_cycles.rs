//! Layering: inside every crate of the workspace, the top-level modules depend on one another
//! one way only. Module A depends on B when a non-test line under A names `crate::B` (also in a
//! `use crate::{B, …}` group) or reaches B through as many `super::` as its file is deep. A cycle
//! between top-level modules fails the test, naming the modules and a line that makes each step;
//! so does a layer of the generator below its model that imports the model.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's crates, by their source folders.
const CRATES: &[&str] = &[
    "src",
    "generator/src",
    "sinks/src",
    "inspect/src",
    "benchmarks/src",
    "bench-cli/src",
];

/// One dependency: `from` names `to` at `at`.
type Edges = BTreeMap<(String, String), String>;

#[test]
fn no_crate_has_an_import_cycle_between_its_top_level_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for dir in CRATES {
        let edges = dependencies(&root.join(dir));
        for cycle in cycles(&edges) {
            let steps: Vec<String> = cycle
                .iter()
                .zip(cycle.iter().cycle().skip(1))
                .map(|(a, b)| format!("  {a} → {b}: {}", edges[&(a.clone(), b.clone())]))
                .collect();
            failures.push(format!(
                "{dir}: {}\n{}",
                cycle.join(" → "),
                steps.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "import cycles between top-level modules:\n{}",
        failures.join("\n")
    );
}

/// The generator's layers below its model: the map, public data, scenario parsing and the
/// vocabulary they share.
const BELOW_THE_MODEL: &[&str] = &[
    "scenario",
    "events",
    "geography",
    "numbering",
    "vocabulary",
    "public_data",
];

/// The generator's model of people, their phones and the network, and what runs it.
const MODEL: &[&str] = &[
    "population",
    "mobility",
    "visitors",
    "behaviour",
    "network",
    "records",
    "tables",
    "plan",
    "generate",
];

#[test]
fn the_generator_parses_scenarios_without_its_model() {
    let edges = dependencies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("generator/src"));
    let wrong: Vec<&String> = edges
        .iter()
        .filter(|((from, to), _)| {
            BELOW_THE_MODEL.contains(&from.as_str()) && MODEL.contains(&to.as_str())
        })
        .map(|(_, at)| at)
        .collect();
    assert!(
        wrong.is_empty(),
        "a layer below the model imports it:\n{wrong:#?}"
    );
    let vocabulary: Vec<_> = edges
        .keys()
        .filter(|(from, _)| from == "vocabulary")
        .collect();
    assert!(vocabulary.is_empty(), "vocabulary imports {vocabulary:?}");
}

#[test]
fn the_check_finds_a_cycle_and_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::write(
        src.join("lib.rs"),
        "mod a;\nmod b;\nmod c;\nmod d;\nmod e;\n",
    )
    .unwrap();
    fs::write(src.join("a.rs"), "use crate::{c::X, b};\n").unwrap();
    fs::create_dir(src.join("b")).unwrap();
    fs::write(src.join("b/mod.rs"), "mod inner;\nuse super::c;\n").unwrap();
    fs::write(
        src.join("b/inner.rs"),
        "fn f() { crate::a::g() }\nuse super::super::d::Y;\nuse super::e;\n",
    )
    .unwrap();
    fs::write(
        src.join("c.rs"),
        "//! Not code: crate::a
use super::{d, e};
#[cfg(test)]
mod tests { use crate::a; }
",
    )
    .unwrap();
    fs::write(src.join("d.rs"), "").unwrap();
    fs::write(src.join("e.rs"), "").unwrap();
    let edges = dependencies(src);
    let found: BTreeSet<(String, String)> = edges.keys().cloned().collect();
    let pairs = [
        ("a", "b"),
        ("a", "c"),
        ("b", "a"),
        ("b", "c"),
        ("b", "d"),
        ("c", "d"),
        ("c", "e"),
    ];
    let expected = pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(cycles(&edges), vec![vec!["a".to_string(), "b".to_string()]]);
    assert!(edges[&("b".into(), "a".into())].starts_with("b/inner.rs:1"));
}

/// The dependencies between the top-level modules of the crate whose source folder is `src`.
fn dependencies(src: &Path) -> Edges {
    let mut edges = Edges::new();
    let modules: Vec<(String, PathBuf)> = fs::read_dir(src)
        .unwrap_or_else(|e| panic!("{}: {e}", src.display()))
        .map(|e| e.unwrap().path())
        .filter_map(|path| {
            let name = path.file_stem()?.to_str()?.to_owned();
            let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
            (is_module && !["lib", "main"].contains(&name.as_str())).then_some((name, path))
        })
        .collect();
    let names: BTreeSet<&str> = modules.iter().map(|(n, _)| n.as_str()).collect();
    for (module, path) in &modules {
        for file in rust_files(path) {
            let relative = file.strip_prefix(src).unwrap();
            let shown = relative.display().to_string();
            for (line, text) in code_lines(&file) {
                for named in named_modules(&text, depth(relative)) {
                    if named != *module && names.contains(named.as_str()) {
                        edges
                            .entry((module.clone(), named))
                            .or_insert_with(|| format!("{shown}:{line}: {}", text.trim()));
                    }
                }
            }
        }
    }
    edges
}

/// The Rust files of a module: its file, or every file under its folder that is not a test.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                files.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_stem().is_some_and(|n| n != "tests")
        {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The numbered lines of a file up to its `#[cfg(test)]` module, without comments.
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    let text = fs::read_to_string(file).unwrap();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        if !code.trim().is_empty() {
            lines.push((i + 1, code.to_owned()));
        }
    }
    lines
}

/// How many `super::` lead from a file's module to the crate root: 1 for `a.rs` and
/// `a/mod.rs`, 2 for `a/b.rs`, and so on.
fn depth(relative: &Path) -> usize {
    let parts = relative.components().count();
    if relative.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// The top-level modules a line names: `crate::m`, the first names of a `crate::{…}` group, and
/// the same after exactly `depth` times `super::` (the crate root, seen from a file that deep).
fn named_modules(line: &str, depth: usize) -> Vec<String> {
    let up = "super::".repeat(depth);
    let mut roots: Vec<(usize, usize)> = line
        .match_indices("crate::")
        .map(|(at, m)| (at, m.len()))
        .collect();
    for (at, _) in line.match_indices(&up) {
        let exact =
            !line[..at].ends_with("super::") && !line[at + up.len()..].starts_with("super::");
        if exact {
            roots.push((at, up.len()));
        }
    }
    let mut named = Vec::new();
    for (at, len) in roots {
        let before = line[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &line[at + len..];
        if let Some(group) = rest.strip_prefix('{') {
            named.extend(group_heads(group));
        } else {
            named.push(identifier(rest));
        }
    }
    named
}

/// The first names of the items of a `{…}` group (nested groups skipped), up to its end.
fn group_heads(group: &str) -> Vec<String> {
    let (mut heads, mut depth, mut start) = (Vec::new(), 0, true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && (c.is_alphanumeric() || c == '_') => {
                heads.push(identifier(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    heads
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The cycles of the graph: its strongly connected components of more than one module, each
/// as a closed walk through all its modules, from the smallest name.
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reaches = |from: &String| -> BTreeSet<String> {
        let (mut seen, mut pending) = (BTreeSet::new(), vec![from.clone()]);
        while let Some(node) = pending.pop() {
            for (a, b) in edges.keys() {
                if *a == node && seen.insert(b.clone()) {
                    pending.push(b.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reaches(n))).collect();
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for node in &nodes {
        if done.contains(*node) || !reach[node].contains(*node) {
            continue;
        }
        let component: BTreeSet<String> = reach[node]
            .iter()
            .filter(|other| reach[other].contains(*node))
            .cloned()
            .collect();
        done.extend(component.iter().cloned());
        found.push(walk(edges, &component));
    }
    found
}

/// A closed walk through every module of a strongly connected `component`, each step an edge.
fn walk(edges: &Edges, component: &BTreeSet<String>) -> Vec<String> {
    let start = component.first().unwrap().clone();
    let mut path = vec![start.clone()];
    let mut unvisited: BTreeSet<String> = component.iter().skip(1).cloned().collect();
    while let Some(next) = unvisited
        .iter()
        .find(|m| path_exists(edges, component, path.last().unwrap(), m))
        .cloned()
    {
        path.extend(
            route(edges, component, path.last().unwrap(), &next)
                .into_iter()
                .skip(1),
        );
        unvisited.retain(|m| !path.contains(m));
    }
    let back = route(edges, component, path.last().unwrap(), &start);
    path.extend(back.into_iter().skip(1));
    path.pop();
    path
}

fn path_exists(edges: &Edges, component: &BTreeSet<String>, from: &str, to: &str) -> bool {
    !route(edges, component, from, to).is_empty()
}

/// The shortest route from `from` to `to` inside `component` (breadth first), both included.
fn route(edges: &Edges, component: &BTreeSet<String>, from: &str, to: &str) -> Vec<String> {
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut frontier = vec![from.to_owned()];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for node in frontier {
            for (a, b) in edges.keys() {
                if *a == node && component.contains(b) && !previous.contains_key(b) && b != from {
                    previous.insert(b.clone(), a.clone());
                    next.push(b.clone());
                }
            }
        }
        if previous.contains_key(to) {
            let mut path = vec![to.to_owned()];
            while path.last().unwrap() != from {
                path.push(previous[path.last().unwrap()].clone());
            }
            path.reverse();
            return path;
        }
        frontier = next;
    }
    if from == to {
        vec![from.to_owned()]
    } else {
        Vec::new()
    }
}
