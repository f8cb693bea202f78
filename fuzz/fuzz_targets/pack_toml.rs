//! Check packs (`.devdoctor/checks/*.toml` ships with a repository) and plugin output.
#![no_main]
use devdoctor::core::Origin;
use devdoctor::{packs, plugins};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let origin = Origin::Pack(PathBuf::from("x.toml"));
    if let Err(diags) = packs::parse("x.toml", &text, &origin) {
        for d in diags {
            let _ = d.to_string();
        }
    }
    let _ = plugins::parse_output(&text);
});
