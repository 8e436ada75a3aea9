//! Output adapters for telcosynth: Arrow conversion, Parquet (GeoParquet) and CSV encoding,
//! atomic dataset folders and their manifest, split runs (one folder per shard, merged
//! manifest), and published reference outputs with the check of a dataset against them.
//!
//! [`DatasetWriter`] is the [`Sink`](telcosynth_generator::columnar::Sink) a run writes into;
//! the encoders below it are usable on their own. Running the generator into a writer is the
//! `telcosynth` crate's `run` module: this crate only encodes, names, hashes and lists files.

mod arrow_convert;
mod csv_writer;
mod dataset;
mod error;
mod fingerprint;
mod geoparquet;
mod hashing;
mod layout;
mod manifest;
pub mod ownership;
mod parquet_writer;
pub mod read;
mod reference;
mod shards;

pub use arrow_convert::{arrow_schema, data_type, to_record_batch, wkb_point};
pub use csv_writer::write_csv;
pub use dataset::{DatasetWriter, Format, WriterOptions};
pub use error::SinkFailure;
pub use fingerprint::{FileFingerprint, chunk_rows_for, fingerprint_file};
pub use geoparquet::{GEO_KEY, geo_metadata};
pub use layout::{
    FINGERPRINTS_FILE, MAX_SHARDS, check_shard, parse_shard_folder_name, shard_dir,
    shard_folder_name,
};
pub use manifest::{
    FileEntry, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, MERGED_SHARDS_KEY, Manifest, ManifestInfo,
    ScenarioInfo, ShardInfo, TableEntry, TableView, ToolInfo, read_manifest,
};
pub use parquet_writer::{Compression, MAX_ROW_GROUP_ROWS, write_parquet, writer_properties};
pub use reference::{
    ContentDetail, Difference, Fingerprints, Reference, compare, read_reference, write_reference,
};
pub use shards::merge_shards;
