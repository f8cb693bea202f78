//! .condarc / .mambarc text and shell rc files with init blocks (HOME and prefixes control them).
#![no_main]
use devdoctor::probes::mamba::{rc, shell};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = rc::parse(&text);
    let _ = shell::parse_blocks(&text, &|s| PathBuf::from(s));
});
