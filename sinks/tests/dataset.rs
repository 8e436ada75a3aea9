//! Dataset folders: refusal of non-empty folders, atomic files, and the manifest.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{DAY, EVERY_KIND, every_kind_batch};
use sha2::{Digest, Sha256};
use telcosynth_generator::columnar::{
    Batch, Column, ColumnData, ColumnKind, PartKey, Sink, TableSchema, View,
};
use telcosynth_sinks::{
    Compression, DatasetWriter, Format, MANIFEST_FILE, ManifestInfo, ShardInfo, SinkFailure,
    TableView, ToolInfo, WriterOptions, read_manifest,
};

static COUNTS_COLUMNS: &[Column] = &[Column::new("n", ColumnKind::Int64, "a count")];

/// A table without days, in the truth view.
static COUNTS: TableSchema = TableSchema {
    name: "counts",
    view: View::Truth,
    doc: "counts",
    columns: COUNTS_COLUMNS,
    sort_key: None,
};

/// A table that is declared but never receives rows.
static NEVER_WRITTEN: TableSchema = TableSchema {
    name: "never_written",
    view: View::Operator,
    doc: "stays empty",
    columns: COUNTS_COLUMNS,
    sort_key: None,
};

fn options(format: Format, force: bool) -> WriterOptions {
    WriterOptions {
        format,
        compression: Compression::Zstd,
        force,
    }
}

fn info() -> ManifestInfo {
    ManifestInfo {
        tool: ToolInfo {
            name: "telcosynth".into(),
            version: "0.1.0".into(),
        },
        scenario_name: "tiny".into(),
        scenario_text: "name = \"tiny\"\n".into(),
        seed: 42,
        shard: ShardInfo { index: 0, count: 1 },
        extra: serde_json::json!({ "people": 3 }),
    }
}

fn counts_batch(values: Vec<i64>) -> Batch {
    Batch::new(&COUNTS, vec![ColumnData::Int64(values).into()])
}

fn event_part(day: i32, block: u32) -> PartKey {
    PartKey {
        table: EVERY_KIND.name,
        day: Some(day),
        shard: 0,
        block,
    }
}

/// Writes three event parts over two days and one part without a day, from several threads.
fn write_sample(writer: &DatasetWriter) {
    writer.declare(&NEVER_WRITTEN);
    let parts = [
        (event_part(DAY, 0), every_kind_batch()),
        (event_part(DAY, 1), every_kind_batch()),
        (event_part(DAY + 1, 0), every_kind_batch()),
        (
            PartKey {
                table: COUNTS.name,
                day: None,
                shard: 1,
                block: 2,
            },
            counts_batch(vec![5, 6]),
        ),
    ];
    std::thread::scope(|scope| {
        for (part, batch) in parts {
            scope.spawn(move || writer.write(part, batch).unwrap());
        }
    });
}

/// Every file under `dir`, as paths relative to it with `/` separators.
fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let parts: Vec<_> = relative.iter().map(|p| p.to_str().unwrap()).collect();
                out.insert(parts.join("/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn non_empty_folder_is_refused_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
    write_sample(&writer);
    writer.finish(info()).unwrap();

    let err = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap_err();
    assert!(matches!(err, SinkFailure::NotEmpty { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("--force") && message.contains("--out"),
        "{message}"
    );
    assert!(
        dir.path().join(MANIFEST_FILE).exists(),
        "refusal must not delete anything"
    );
}

#[test]
fn a_folder_with_foreign_files_is_refused_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.txt"), "old").unwrap();
    fs::create_dir_all(dir.path().join("calls")).unwrap();
    fs::write(dir.path().join("calls/calls-0000-00000.parquet"), "x").unwrap();
    for force in [false, true] {
        let err = DatasetWriter::create(dir.path(), options(Format::Parquet, force)).unwrap_err();
        assert!(matches!(err, SinkFailure::NotOurs { .. }), "{err}");
        let message = err.to_string();
        assert!(
            message.contains("old.txt") && message.contains("--out"),
            "{message}"
        );
        assert!(dir.path().join("old.txt").exists());
        assert!(dir.path().join("calls/calls-0000-00000.parquet").exists());
    }
}

#[test]
fn force_removes_old_manifest_and_contents() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(MANIFEST_FILE),
        r#"{"tool": {"name": "telcosynth"}, "tables": {}}"#,
    )
    .unwrap();
    fs::write(dir.path().join(".manifest.json.tmp"), "old").unwrap();
    fs::create_dir_all(dir.path().join("calls/date=2020-01-01")).unwrap();
    fs::write(
        dir.path()
            .join("calls/date=2020-01-01/calls-0000-00000.parquet"),
        "x",
    )
    .unwrap();
    fs::write(
        dir.path()
            .join("calls/date=2020-01-01/.calls-0000-00001.parquet.tmp"),
        "x",
    )
    .unwrap();

    let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, true)).unwrap();
    assert!(files_under(dir.path()).is_empty());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "old folders remain"
    );
    drop(writer);
}

#[test]
fn missing_or_empty_folder_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
    let nested = dir.path().join("a/b");
    DatasetWriter::create(&nested, options(Format::Parquet, false)).unwrap();
    assert!(nested.is_dir());
}

#[test]
fn manifest_lists_every_file_with_rows_size_and_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
    write_sample(&writer);
    let manifest = writer.finish(info()).unwrap();
    assert_eq!(read_manifest(dir.path()).unwrap(), manifest);

    assert_eq!(manifest.format_version, 1);
    assert_eq!(manifest.seed, 42);
    assert_eq!(manifest.scenario.sha256, sha256_hex(b"name = \"tiny\"\n"));
    assert_eq!(manifest.extra, serde_json::json!({ "people": 3 }));

    let names: Vec<_> = manifest.tables.keys().map(String::as_str).collect();
    assert_eq!(names, ["counts", "every_kind", "never_written"]);

    let events = &manifest.tables["every_kind"];
    assert_eq!(events.view, TableView::Operator);
    assert_eq!(events.rows, 9);
    let paths: Vec<_> = events.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "every_kind/date=2025-01-06/every_kind-0000-00000.parquet",
            "every_kind/date=2025-01-06/every_kind-0000-00001.parquet",
            "every_kind/date=2025-01-07/every_kind-0000-00000.parquet",
        ]
    );

    let counts = &manifest.tables["counts"];
    assert_eq!(counts.view, TableView::Truth);
    assert_eq!(counts.rows, 2);
    assert_eq!(counts.files[0].path, "counts/counts-0001-00002.parquet");

    let empty = &manifest.tables["never_written"];
    assert_eq!((empty.rows, empty.files.len()), (0, 0));

    for file in manifest.tables.values().flat_map(|t| &t.files) {
        let bytes = fs::read(dir.path().join(&file.path)).unwrap();
        assert_eq!(file.bytes, bytes.len() as u64, "{}", file.path);
        assert_eq!(file.sha256, sha256_hex(&bytes), "{}", file.path);
        let rows = parquet::file::reader::SerializedFileReader::new(
            fs::File::open(dir.path().join(&file.path)).unwrap(),
        )
        .map(|r| {
            parquet::file::reader::FileReader::metadata(&r)
                .file_metadata()
                .num_rows()
        })
        .unwrap();
        assert_eq!(file.rows, rows as u64, "{}", file.path);
    }
}

/// Parts without rows write no file, except that a table with no rows at all is written as its
/// first empty part (by day, shard and block), whatever order the parts arrive in.
#[test]
fn empty_parts_are_written_only_for_a_table_without_rows() {
    let part = |table: &'static TableSchema, shard, block| PartKey {
        table: table.name,
        day: None,
        shard,
        block,
    };
    let batch = |table, values| Batch::new(table, vec![ColumnData::Int64(values).into()]);
    for order in [[(1, 0), (0, 3), (0, 1)], [(0, 3), (0, 1), (1, 0)]] {
        let dir = tempfile::tempdir().unwrap();
        let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
        for (shard, block) in order {
            // Empty parts of a table that has rows in another part, and of one that has none.
            writer
                .write(part(&COUNTS, shard, block), batch(&COUNTS, vec![]))
                .unwrap();
            writer
                .write(
                    part(&NEVER_WRITTEN, shard, block),
                    batch(&NEVER_WRITTEN, vec![]),
                )
                .unwrap();
        }
        writer
            .write(part(&COUNTS, 0, 2), batch(&COUNTS, vec![7]))
            .unwrap();
        let manifest = writer.finish(info()).unwrap();
        let paths: Vec<_> = (manifest.tables.values())
            .flat_map(|t| &t.files)
            .map(|f| f.path.clone())
            .collect();
        assert_eq!(
            paths,
            [
                "counts/counts-0000-00002.parquet",
                "never_written/never_written-0000-00001.parquet",
            ],
            "order {order:?}"
        );
        assert_eq!(manifest.tables["never_written"].rows, 0);
        let on_disk: Vec<String> = files_under(dir.path())
            .into_iter()
            .filter(|f| f != MANIFEST_FILE)
            .collect();
        assert_eq!(on_disk, paths);
    }
}

#[test]
fn no_temporary_files_remain_after_finish() {
    for format in [Format::Parquet, Format::Csv] {
        let dir = tempfile::tempdir().unwrap();
        let writer = DatasetWriter::create(dir.path(), options(format, false)).unwrap();
        write_sample(&writer);
        let manifest = writer.finish(info()).unwrap();

        let mut expected: BTreeSet<String> = manifest
            .tables
            .values()
            .flat_map(|t| &t.files)
            .map(|f| f.path.clone())
            .collect();
        expected.insert(MANIFEST_FILE.to_owned());
        assert_eq!(files_under(dir.path()), expected);
        assert!(
            expected
                .iter()
                .all(|p| p.ends_with(format.extension()) || p == MANIFEST_FILE)
        );
    }
}

#[test]
fn same_inputs_give_identical_files_and_manifest() {
    let run = |format| -> (PathBuf, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let writer = DatasetWriter::create(dir.path(), options(format, false)).unwrap();
        write_sample(&writer);
        writer.finish(info()).unwrap();
        (dir.path().join(MANIFEST_FILE), dir)
    };
    for format in [Format::Parquet, Format::Csv] {
        let (a, _keep_a) = run(format);
        let (b, _keep_b) = run(format);
        // The manifest holds every file's SHA-256, so equal manifests mean equal files.
        assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
    }
}

#[test]
fn csv_dataset_files_hold_csv_text() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(dir.path(), options(Format::Csv, false)).unwrap();
    write_sample(&writer);
    writer.finish(info()).unwrap();
    let text = fs::read_to_string(dir.path().join("counts/counts-0001-00002.csv")).unwrap();
    assert_eq!(text, "n\n5\n6\n");
}

#[test]
fn writer_dropped_without_finish_leaves_no_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
    write_sample(&writer);
    drop(writer);

    assert!(!dir.path().join(MANIFEST_FILE).exists());
    assert!(dir.path().join("counts/counts-0001-00002.parquet").exists());
    let err = read_manifest(dir.path()).unwrap_err();
    assert!(err.to_string().contains(MANIFEST_FILE), "{err}");
    // The half-written folder is not empty, so a new run must be forced.
    assert!(DatasetWriter::create(dir.path(), options(Format::Parquet, false)).is_err());
}

#[test]
fn a_part_written_twice_or_to_another_table_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(dir.path(), options(Format::Parquet, false)).unwrap();
    let part = PartKey {
        table: COUNTS.name,
        day: None,
        shard: 0,
        block: 0,
    };
    writer.write(part, counts_batch(vec![1])).unwrap();

    let err = writer.write(part, counts_batch(vec![2])).unwrap_err();
    assert!(
        err.to_string().contains("counts-0000-00000.parquet"),
        "{err}"
    );

    let wrong = PartKey {
        table: EVERY_KIND.name,
        ..part
    };
    let err = writer.write(wrong, counts_batch(vec![3])).unwrap_err();
    assert!(err.to_string().contains("counts"), "{err}");

    let manifest = writer.finish(info()).unwrap();
    assert_eq!(manifest.tables["counts"].rows, 1);
    assert!(!manifest.tables.contains_key("every_kind"));
}
