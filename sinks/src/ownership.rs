//! What telcosynth may replace: only what it wrote itself.
//!
//! An output folder is *telcosynth's* when every entry in it is one telcosynth writes:
//!
//! ```text
//! manifest.json                 a telcosynth manifest (its tool.name is "telcosynth")
//! realism.json                  the report of `telcosynth inspect`
//! .<name>.tmp                   a temporary file (files are written under such names first)
//! <table>/                      a table's folder, holding only
//!     <table>-IIII-BBBBB.parquet|csv     its data files,
//!     .<name>.tmp                        temporary files, and
//!     date=YYYY-MM-DD/                   day partitions holding only the two above
//!                               (the folder of a table this build does not know must hold at
//!                               least one data file)
//! shard-IIII-of-NNNN/           a shard's folder of a split run, itself telcosynth's
//! ```
//!
//! `--force` replaces such a folder; any other non-empty folder (a home folder, a source tree,
//! a dataset with a file someone added) is refused and nothing in it is touched. Symbolic links
//! are never followed: a link is never telcosynth's.

use std::fs;
use std::io;
use std::path::Path;

use crate::error::SinkFailure;
use crate::layout::{FINGERPRINTS_FILE, parse_shard_folder_name};
use crate::manifest::MANIFEST_FILE;

/// File name of `telcosynth inspect`'s JSON report inside a dataset folder (not in the manifest).
pub const INSPECT_REPORT_FILE: &str = "realism.json";

/// Folder of a published reference's baseline scores (`reference-outputs/bench-baselines.sh`).
pub const REFERENCE_BASELINES_FOLDER: &str = "baselines";

/// Prefix of the probe files written and removed to check that a folder is writable (each a
/// temporary name of its own: shards checking one folder at once never share a probe).
const WRITE_CHECK_PREFIX: &str = ".telcosynth-write-check";

/// Foreign entries listed in a message; the rest are counted.
const LISTED: usize = 5;

/// Whether `name` is one of telcosynth's temporary file names: `.<name>.tmp`.
pub fn is_temporary_name(name: &str) -> bool {
    name.len() > ".tmp".len() + 1 && name.starts_with('.') && name.ends_with(".tmp")
}

/// Whether `name` is a data file name of `table`: `<table>-IIII-BBBBB.parquet` or `.csv`
/// (shard on four digits, block on five or more).
fn is_data_file_name(table: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(table).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    let Some(stem) = rest
        .strip_suffix(".parquet")
        .or_else(|| rest.strip_suffix(".csv"))
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match stem.split_once('-') {
        Some((shard, block)) => {
            shard.len() == 4 && digits(shard) && block.len() >= 5 && digits(block)
        }
        None => false,
    }
}

/// Whether `name` is a day partition folder name, `date=YYYY-MM-DD`.
fn is_date_folder_name(name: &str) -> bool {
    let Some(date) = name.strip_prefix("date=") else {
        return false;
    };
    let b = date.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Whether the file `path` is a manifest written by telcosynth (any format version): a JSON
/// object whose `tool.name` is `telcosynth`.
pub fn is_telcosynth_manifest(path: &Path) -> bool {
    let Ok(text) = fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&text).is_ok_and(|v| {
        v.get("tool")
            .and_then(|t| t.get("name"))
            .and_then(|n| n.as_str())
            == Some("telcosynth")
            && v.get("tables").is_some_and(serde_json::Value::is_object)
    })
}

/// The kind of an entry, without following symbolic links.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
    Other,
}

/// The entries of `dir` as (name, kind); names that are not UTF-8 come back lossily converted
/// (and are never telcosynth's).
fn entries(dir: &Path) -> Result<Vec<(String, Kind, bool)>, SinkFailure> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(SinkFailure::io("read folder", dir))? {
        let entry = entry.map_err(SinkFailure::io("read folder", dir))?;
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Kind::File,
            Ok(t) if t.is_dir() => Kind::Folder,
            _ => Kind::Other,
        };
        let name = entry.file_name();
        let utf8 = name.to_str().is_some();
        out.push((name.to_string_lossy().into_owned(), kind, utf8));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Entries of the folder `dir` that telcosynth did not write, as paths relative to `dir`
/// (empty when `dir` is a telcosynth dataset, shard or split-run folder, or empty). Folders that
/// are not telcosynth's are listed, not searched.
pub fn foreign_dataset_entries(dir: &Path) -> Result<Vec<String>, SinkFailure> {
    let tables = telcosynth_generator::tables::names();
    let mut foreign = Vec::new();
    dataset_entries(dir, "", &tables, true, &mut foreign)?;
    Ok(foreign)
}

fn dataset_entries(
    dir: &Path,
    prefix: &str,
    tables: &[&str],
    shards_allowed: bool,
    foreign: &mut Vec<String>,
) -> Result<(), SinkFailure> {
    for (name, kind, utf8) in entries(dir)? {
        let path = dir.join(&name);
        let ours = utf8
            && match kind {
                Kind::File => {
                    is_temporary_name(&name)
                        || name == INSPECT_REPORT_FILE
                        || (name == MANIFEST_FILE && is_telcosynth_manifest(&path))
                }
                Kind::Folder if tables.contains(&name.as_str()) => {
                    table_entries(&path, &format!("{prefix}{name}/"), &name, true, foreign)?;
                    true
                }
                // A table this build does not know (an older version's, a library user's):
                // ours only if it holds its own data files and nothing else.
                Kind::Folder if is_table_name(&name) => {
                    let mut inside = Vec::new();
                    let files = table_entries(
                        &path,
                        &format!("{prefix}{name}/"),
                        &name,
                        true,
                        &mut inside,
                    )?;
                    files > 0 && inside.is_empty()
                }
                Kind::Folder if shards_allowed && parse_shard_folder_name(&name).is_some() => {
                    dataset_entries(&path, &format!("{prefix}{name}/"), tables, false, foreign)?;
                    true
                }
                _ => false,
            };
        if !ours {
            foreign.push(entry_label(prefix, &name, kind));
        }
    }
    Ok(())
}

/// An entry as listed in a refusal: its path below the checked folder, folders with a '/'.
fn entry_label(prefix: &str, name: &str, kind: Kind) -> String {
    let slash = if kind == Kind::Folder { "/" } else { "" };
    format!("{prefix}{name}{slash}")
}

/// Lists the foreign entries of the table folder `dir` into `foreign`; returns the number of
/// the table's data files found.
fn table_entries(
    dir: &Path,
    prefix: &str,
    table: &str,
    days_allowed: bool,
    foreign: &mut Vec<String>,
) -> Result<usize, SinkFailure> {
    let mut files = 0;
    for (name, kind, utf8) in entries(dir)? {
        let ours = utf8
            && match kind {
                Kind::File if is_data_file_name(table, &name) => {
                    files += 1;
                    true
                }
                Kind::File => is_temporary_name(&name),
                Kind::Folder if days_allowed && is_date_folder_name(&name) => {
                    let path = dir.join(&name);
                    files +=
                        table_entries(&path, &format!("{prefix}{name}/"), table, false, foreign)?;
                    true
                }
                _ => false,
            };
        if !ours {
            foreign.push(entry_label(prefix, &name, kind));
        }
    }
    Ok(files)
}

/// Whether `name` can be a table's name: lowercase letters, digits and `_`.
fn is_table_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `names` for a message: the first few, then how many more.
pub fn list_entries(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(LISTED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}

/// Checks that `dir` can be an output folder and creates it: it is a folder or can be created,
/// and it is writable. Returns whether it already held something.
pub fn ensure_output_folder(dir: &Path) -> Result<bool, SinkFailure> {
    let problem = |problem: String| SinkFailure::OutputFolder {
        dir: dir.to_owned(),
        problem,
    };
    let non_empty = match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => fs::read_dir(dir)
            .map_err(|e| {
                problem(format!(
                    "cannot be read ({e}); choose a folder you can write to"
                ))
            })?
            .next()
            .is_some(),
        Ok(_) => {
            return Err(problem(
                "is a file, not a folder; choose a new or empty folder for --out".into(),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| {
                problem(format!(
                    "cannot be created ({e}); choose a folder you can write to for --out"
                ))
            })?;
            false
        }
        Err(e) => {
            return Err(problem(format!(
                "cannot be used ({e}); choose a folder you can write to for --out"
            )));
        }
    };
    check_writable(dir)?;
    Ok(non_empty)
}

/// Checks that a file can be created in the folder `dir` (by creating and removing one).
pub fn check_writable(dir: &Path) -> Result<(), SinkFailure> {
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let probe = dir.join(format!(
        "{WRITE_CHECK_PREFIX}-{}-{n}.tmp",
        std::process::id()
    ));
    fs::write(&probe, b"").map_err(|e| SinkFailure::OutputFolder {
        dir: dir.to_owned(),
        problem: format!("is not writable ({e}); choose a folder you can write to for --out"),
    })?;
    fs::remove_file(&probe).map_err(SinkFailure::io("remove", &probe))
}

/// Checks that the dataset folder `dir` may be written: created if needed and writable; when
/// not empty, telcosynth's and `force` given. Nothing is removed.
pub fn check_dataset_folder(dir: &Path, force: bool) -> Result<(), SinkFailure> {
    if !ensure_output_folder(dir)? {
        return Ok(());
    }
    let foreign = foreign_dataset_entries(dir)?;
    if !foreign.is_empty() {
        return Err(SinkFailure::NotOurs {
            dir: dir.to_owned(),
            what: "a telcosynth dataset",
            foreign: list_entries(&foreign),
        });
    }
    if !force {
        return Err(SinkFailure::NotEmpty {
            dir: dir.to_owned(),
        });
    }
    Ok(())
}

/// Removes the contents of the telcosynth dataset folder `dir` (checked with
/// [`check_dataset_folder`]): its `manifest.json` first, so that it never looks complete, then
/// shard folders' manifests, then the rest. Refuses, removing nothing, if anything in it is not
/// telcosynth's.
pub fn clear_dataset_folder(dir: &Path) -> Result<(), SinkFailure> {
    let foreign = foreign_dataset_entries(dir)?;
    if !foreign.is_empty() {
        return Err(SinkFailure::NotOurs {
            dir: dir.to_owned(),
            what: "a telcosynth dataset",
            foreign: list_entries(&foreign),
        });
    }
    remove_if_present(&dir.join(MANIFEST_FILE))?;
    let entries = entries(dir)?;
    for (name, kind, _) in &entries {
        if *kind == Kind::Folder && parse_shard_folder_name(name).is_some() {
            remove_if_present(&dir.join(name).join(MANIFEST_FILE))?;
        }
    }
    for (name, kind, _) in entries {
        let path = dir.join(&name);
        match kind {
            Kind::Folder => {
                fs::remove_dir_all(&path).map_err(SinkFailure::io("remove folder", &path))?
            }
            _ => remove_if_present(&path)?,
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), SinkFailure> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(SinkFailure::io("remove", path)(e)),
        _ => Ok(()),
    }
}

/// Checks that `out` may receive a reference folder ([`crate::write_reference`]): created if
/// needed and writable, and holding nothing but a reference's files — `manifest.json` (a
/// telcosynth manifest), `fingerprints.json`, `baselines/` and temporary files. Writing a
/// reference replaces its manifest and fingerprints and keeps `baselines/`.
pub fn check_reference_folder(out: &Path) -> Result<(), SinkFailure> {
    if !ensure_output_folder(out)? {
        return Ok(());
    }
    let mut foreign = Vec::new();
    for (name, kind, utf8) in entries(out)? {
        let ours = utf8
            && match kind {
                Kind::File => {
                    name.ends_with(".tmp")
                        || name == FINGERPRINTS_FILE
                        || (name == MANIFEST_FILE && is_telcosynth_manifest(&out.join(&name)))
                }
                Kind::Folder => name == REFERENCE_BASELINES_FOLDER,
                Kind::Other => false,
            };
        if !ours {
            foreign.push(entry_label("", &name, kind));
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    Err(SinkFailure::NotOurs {
        dir: out.to_owned(),
        what: "a telcosynth reference folder",
        foreign: list_entries(&foreign),
    })
}

/// Writes a one-byte file at `rel` under `dir`, creating folders (for tests).
#[cfg(test)]
fn touch(dir: &Path, rel: &str) -> std::path::PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"x").unwrap();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_data_file_name("cdr", "cdr-0000-00000.parquet"));
        assert!(is_data_file_name("cdr", "cdr-0012-123456.csv"));
        assert!(!is_data_file_name("cdr", "cdr-0000-00000.txt"));
        assert!(!is_data_file_name("cdr", "cdr-000-00000.parquet"));
        assert!(!is_data_file_name("cdr", "ip_calls-0000-00000.parquet"));
        assert!(is_date_folder_name("date=2025-01-06"));
        assert!(!is_date_folder_name("date=2025-1-06"));
        assert!(is_temporary_name(".cdr-0000-00000.parquet.tmp"));
        assert!(!is_temporary_name(".tmp"));
        assert!(!is_temporary_name("notes.tmp"));
    }

    #[test]
    fn a_dataset_is_ours_and_anything_else_is_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        touch(dir, "cdr/date=2025-01-06/cdr-0000-00000.parquet");
        touch(dir, "cdr/date=2025-01-06/.cdr-0000-00001.parquet.tmp");
        touch(dir, "persons/persons-0000-00000.csv");
        touch(dir, "shard-0000-of-0002/cells/cells-0000-00000.parquet");
        touch(dir, "realism.json");
        fs::write(
            dir.join(MANIFEST_FILE),
            r#"{"tool": {"name": "telcosynth", "version": "0"}, "tables": {}}"#,
        )
        .unwrap();
        assert_eq!(foreign_dataset_entries(dir).unwrap(), Vec::<String>::new());
        touch(dir, "precious.txt");
        touch(dir, "src/main.rs");
        touch(dir, "cdr/notes.md");
        touch(dir, "shard-0000-of-0002/shard-0001-of-0002/x");
        assert_eq!(
            foreign_dataset_entries(dir).unwrap(),
            [
                "cdr/notes.md",
                "precious.txt",
                "shard-0000-of-0002/shard-0001-of-0002/",
                "src/"
            ]
        );
        let err = clear_dataset_folder(dir).unwrap_err().to_string();
        assert!(
            err.contains("precious.txt") && err.contains("src/"),
            "{err}"
        );
        assert!(dir.join(MANIFEST_FILE).exists(), "nothing is removed");
    }

    #[test]
    fn a_foreign_manifest_is_not_ours() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(MANIFEST_FILE), r#"{"name": "my web app"}"#).unwrap();
        assert_eq!(
            foreign_dataset_entries(tmp.path()).unwrap(),
            ["manifest.json"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        touch(elsewhere.path(), "cdr-0000-00000.parquet");
        std::os::unix::fs::symlink(elsewhere.path(), tmp.path().join("cdr")).unwrap();
        assert_eq!(foreign_dataset_entries(tmp.path()).unwrap(), ["cdr"]);
        assert!(clear_dataset_folder(tmp.path()).is_err());
        assert!(elsewhere.path().join("cdr-0000-00000.parquet").exists());
    }

    #[test]
    fn clearing_removes_everything_of_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        touch(dir, "cdr/date=2025-01-06/cdr-0000-00000.parquet");
        touch(dir, ".manifest.json.tmp");
        touch(dir, "shard-0001-of-0002/persons/persons-0001-00001.parquet");
        clear_dataset_folder(dir).unwrap();
        assert_eq!(fs::read_dir(dir).unwrap().count(), 0);
    }

    #[test]
    fn reference_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ref");
        check_reference_folder(&dir).unwrap();
        touch(&dir, "fingerprints.json");
        touch(&dir, "baselines/report.json");
        check_reference_folder(&dir).unwrap();
        touch(&dir, "Cargo.toml");
        let err = check_reference_folder(&dir).unwrap_err().to_string();
        assert!(err.contains("Cargo.toml"), "{err}");
    }

    #[test]
    fn files_and_unwritable_places_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = touch(tmp.path(), "file");
        let err = ensure_output_folder(&file).unwrap_err().to_string();
        assert!(err.contains("is a file"), "{err}");
        let err = ensure_output_folder(&file.join("below"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot be"), "{err}");
    }
}
