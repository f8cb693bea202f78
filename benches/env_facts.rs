//! Env facts benchmark (filled in below as the probes land).
fn main() {}
