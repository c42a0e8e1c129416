//! Reading one file's text, bounded: only a regular file (a FIFO or a
//! device would block or never end), at most the size limit even if it
//! grows while read, and only UTF-8 text (errors give the byte and line).

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The byte order mark some editors write first; not part of the document.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of the file `path` (named in errors), opened as `canonical`.
pub fn text(path: &Path, canonical: &Path, max_bytes: u64) -> Result<String> {
    // Before opening: opening a FIFO blocks until a writer comes.
    let metadata = std::fs::metadata(canonical).map_err(|e| Error::io(path, e))?;
    regular(path, &metadata)?;
    if metadata.len() > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    let file = std::fs::File::open(canonical).map_err(|e| Error::io(path, e))?;
    // The name may have been pointed elsewhere between the check and the open.
    regular(path, &file.metadata().map_err(|e| Error::io(path, e))?)?;
    let mut bytes = Vec::new();
    // One byte over the limit tells a file that grew past it from one at it.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    decode(path, bytes)
}

/// The text of `bytes`, read from `path`: without a leading byte order
/// mark, and refused when not UTF-8 or holding a NUL byte.
pub fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<String> {
    let skipped = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    bytes.drain(..skipped);
    let at = |offset: usize, bytes: &[u8]| {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!(
            "byte offset {} (line {line}, column {column})",
            offset + skipped
        )
    };
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(Error::new(
            path,
            "",
            format!(
                "a NUL byte at {}: a spec is text, and neither YAML nor JSON allows one",
                at(offset, &bytes)
            ),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            return Err(Error::new(
                path,
                "",
                format!(
                    "invalid UTF-8 at {}: a spec must be UTF-8 text",
                    at(offset, error.as_bytes())
                ),
            ));
        }
    };
    Ok(text)
}

/// An error unless `metadata` is a regular file's (links are followed).
fn regular(path: &Path, metadata: &std::fs::Metadata) -> Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(Error::new(
        path,
        "",
        format!(
            "{} is {}, not a regular file: only regular files are read",
            path.display(),
            kind(metadata)
        ),
    ))
}

/// What a file that is not a regular file is, for a person.
fn kind(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

fn too_large(path: &Path, max_bytes: u64) -> Error {
    Error::new(
        path,
        "",
        format!(
            "{} is larger than the limit of {max_bytes} bytes{}; raise it with \
             `--max-file-size BYTES`, `Builder::max_file_size` or `LoadOptions::max_file_size`",
            path.display(),
            mebibytes(max_bytes)
        ),
    )
}

/// ` (N MiB)` for a whole number of MiB, else nothing.
fn mebibytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!(" ({} MiB)", bytes / MIB)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_bad_bytes_after_a_byte_order_mark() {
        let path = Path::new("a.yaml");
        let error = decode(path, b"\xEF\xBB\xBFa: 1\nb: \xFF\n".to_vec()).unwrap_err();
        assert!(
            error.message.contains("byte offset 11 (line 2, column 4)"),
            "{error}"
        );
        assert_eq!(decode(path, b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
    }
}
