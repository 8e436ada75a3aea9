//! `identity`: hands over the raw operator view unchanged — maximal utility and maximal risk,
//! the positive control.

use std::fs;
use std::path::Path;

use crate::contract::{CONTRACT_VERSION, INPUT_TABLES, Kind, ReleaseManifest, SpatialLevel};
use crate::error::HarnessError;

pub(super) fn run(input: &Path, output: &Path) -> Result<(), HarnessError> {
    for table in INPUT_TABLES {
        copy_dir(&input.join(table), &output.join("microdata").join(table))?;
    }
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Microdata,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::Cell,
            time_bin_s: 1,
            suppression: None,
            privacy_claim: None,
        },
    )
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), HarnessError> {
    fs::create_dir_all(to).map_err(HarnessError::io("create", to))?;
    let entries = fs::read_dir(from).map_err(HarnessError::io("read", from))?;
    for entry in entries {
        let entry = entry.map_err(HarnessError::io("read", from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(HarnessError::io("copy", &src))?;
        }
    }
    Ok(())
}
