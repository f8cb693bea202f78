//! Loader tests: the schema, every kind of validation error with its file:line:key, and the
//! bundled packs.

use super::*;
use crate::core::Status;

fn load(text: &str) -> Result<Pack, Vec<Diag>> {
    parse("team.toml", text, &Origin::Pack(PathBuf::from("team.toml")))
}

fn errors(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(d) => diags_error(&d).to_string(),
    }
}

#[test]
fn bundled_packs_are_valid() {
    for (i, p) in bundled().into_iter().enumerate() {
        if let Err(d) = p {
            panic!("{} is invalid:\n{}", BUNDLED[i].0, diags_error(&d));
        }
    }
}
