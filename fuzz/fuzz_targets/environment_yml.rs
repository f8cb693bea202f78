//! environment.yml and conda-lock.yml text (a cloned repository controls both).
#![no_main]
use devdoctor::probes::env::{envfile, lock};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
    let _ = lock::parse_explicit(Path::new("x.lock"), &text);
    if let Ok(file) = envfile::parse(Path::new("environment.yml"), text) {
        if let Some(pip) = &file.pip {
            let _ = pip.names();
        }
        for d in &file.dependencies {
            let _ = d.name();
        }
    }
});
