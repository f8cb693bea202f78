//! conda-meta record file names and JSON, conda-meta/history, `env list --json` and
//! `--version` output: what a prefix and the package-manager tools hand over.
#![no_main]
use devdoctor::probes::env::{discover, meta};
use devdoctor::probes::mamba::classify;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = meta::parse_record_json(data);
    let text = String::from_utf8_lossy(data);
    let _ = meta::parse_record_name(&text);
    let _ = meta::history_package(&text);
    for rev in meta::parse_history(&text) {
        let _ = rev.by_libmamba();
    }
    let _ = discover::parse_env_list_json(&text);
    let _ = classify("micromamba", &text);
});
