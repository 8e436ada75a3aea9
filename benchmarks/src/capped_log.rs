//! A pipeline's stdout or stderr written to a file of bounded size: the first [`HEAD`] bytes,
//! then, when more came, a line saying how many were left out and the last [`TAIL`] bytes. A
//! pipeline printing gigabytes fills neither the disk nor the report.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Bytes kept from the start of a stream.
pub const HEAD: usize = 1 << 20;
/// Bytes kept from the end of a stream.
pub const TAIL: usize = 1 << 20;

/// A stream being copied to its capped file by a thread of its own.
pub struct CappedLog {
    done: mpsc::Receiver<()>,
}

impl CappedLog {
    /// Starts copying `stream` into `path` (created), keeping `head` and `tail` bytes.
    pub fn spawn(
        stream: impl Read + Send + 'static,
        path: &Path,
        head: usize,
        tail: usize,
    ) -> std::io::Result<CappedLog> {
        let file = File::create(path)?;
        let (tx, done) = mpsc::channel();
        std::thread::spawn(move || {
            // A log that cannot be written is not a reason to fail the pipeline.
            let _ = copy_capped(stream, file, head, tail);
            let _ = tx.send(());
        });
        Ok(CappedLog { done })
    }

    /// Waits up to `wait` for the stream to end (a process that escaped the pipeline's process
    /// group may hold it open; its log is then left as far as it got).
    pub fn finish(self, wait: Duration) {
        let _ = self.done.recv_timeout(wait);
    }
}

/// Copies `stream` into `out`: its first `head` bytes, and when it is longer, a line with the
/// number of bytes left out and its last `tail` bytes.
fn copy_capped(
    mut stream: impl Read,
    mut out: impl Write,
    head: usize,
    tail: usize,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut written, mut dropped) = (0usize, 0u64);
    let mut last: VecDeque<u8> = VecDeque::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut chunk = &buf[..n];
        if written < head {
            let k = chunk.len().min(head - written);
            out.write_all(&chunk[..k])?;
            written += k;
            chunk = &chunk[k..];
        }
        last.extend(chunk);
        if last.len() > tail {
            let excess = last.len() - tail;
            last.drain(..excess);
            dropped += excess as u64;
        }
    }
    if dropped > 0 {
        writeln!(out, "\n[… {dropped} bytes left out by telcosynth-bench …]")?;
    }
    let (a, b) = last.as_slices();
    out.write_all(a)?;
    out.write_all(b)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_streams_are_kept_whole_and_long_ones_keep_head_and_tail() {
        let mut out = Vec::new();
        copy_capped(&b"hello\n"[..], &mut out, 10, 10).unwrap();
        assert_eq!(out, b"hello\n");

        let text: Vec<u8> = (0..1000u32)
            .flat_map(|i| format!("{i:04}\n").into_bytes())
            .collect();
        let mut out = Vec::new();
        copy_capped(&text[..], &mut out, 10, 10).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("0000\n0001\n"), "{out}");
        assert!(out.ends_with("0998\n0999\n"), "{out}");
        assert!(
            out.contains("[… 4980 bytes left out by telcosynth-bench …]"),
            "{out}"
        );
        assert!(out.len() < 80, "{out}");
    }
}
