//! Dockerfile text: the parser, stages, and the word / key=value / variable helpers.
#![no_main]
use devdoctor::probes::dockerfile::{self, Dockerfile};
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), &text);
    let vars = HashMap::from([("A".to_string(), "b".to_string())]);
    for i in &df.instructions {
        let _ = dockerfile::words(&i.args, df.escape);
        let _ = dockerfile::key_values(&i.keyword, &i.args, df.escape);
        let _ = dockerfile::expand(&i.args, &vars);
    }
    for (n, s) in df.stages.iter().enumerate() {
        let _ = s.image();
        let _ = df.lineage(n);
    }
});
