//! compose.yaml text and short-syntax port specs.
#![no_main]
use devdoctor::probes::compose;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &text);
    let _ = compose::parse_port(&text, 1);
});
