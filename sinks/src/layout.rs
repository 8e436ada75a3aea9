//! The names of what telcosynth writes beside a dataset's data (the manifest's own name is in
//! [`crate::manifest`]): the fingerprints of a reference folder and the folders of a split
//! run's shards. The ownership checks, split runs and reference outputs name them from here.

use std::path::{Path, PathBuf};

use crate::manifest::ShardInfo;

/// File name of the fingerprints in a reference folder.
pub const FINGERPRINTS_FILE: &str = "fingerprints.json";

/// Most shards a run can be split into (shard folders carry four-digit numbers).
pub const MAX_SHARDS: u32 = 9999;

/// Checks that `shard` is a valid part of a split: `count` from 1 to [`MAX_SHARDS`] and
/// `index < count`. The message says what is wrong and what is allowed.
pub fn check_shard(shard: ShardInfo) -> Result<(), String> {
    let ShardInfo { index, count } = shard;
    if count == 0 {
        return Err("the number of shards N must be at least 1 (write I/N with 0 <= I < N)".into());
    }
    if count > MAX_SHARDS {
        return Err(format!(
            "at most {MAX_SHARDS} shards are supported, not {count}"
        ));
    }
    if index >= count {
        return Err(format!(
            "shard index {index} is out of range for {count} shard{}: indices start at 0, so use 0 to {}",
            if count == 1 { "" } else { "s" },
            count - 1
        ));
    }
    Ok(())
}

/// Name of a shard's folder under the root: `shard-IIII-of-NNNN`.
pub fn shard_folder_name(shard: ShardInfo) -> String {
    format!("shard-{:04}-of-{:04}", shard.index, shard.count)
}

/// The shard a folder name denotes, if it is a valid `shard-IIII-of-NNNN` name.
pub fn parse_shard_folder_name(name: &str) -> Option<ShardInfo> {
    let rest = name.strip_prefix("shard-")?;
    let (index, count) = rest.split_once("-of-")?;
    let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(index) || !digits(count) {
        return None;
    }
    let shard = ShardInfo {
        index: index.parse().ok()?,
        count: count.parse().ok()?,
    };
    check_shard(shard).ok().map(|()| shard)
}

/// The shard folder of `shard` under `root`.
pub fn shard_dir(root: &Path, shard: ShardInfo) -> PathBuf {
    root.join(shard_folder_name(shard))
}
