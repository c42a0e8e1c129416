use crate::error::Result;
use std::path::{Path, PathBuf};
#[allow(unused)]
pub fn run(_: &Path, _: Option<&str>, _: &[PathBuf]) -> Result<i32> {
    Ok(0)
}
