//! The defensive YAML front end: reads a file with a size cap, refuses binary data and absurd
//! nesting before parsing (for environment.yml, conda-lock.yml, .condarc/.mambarc and compose
//! files alike), and keeps every scalar as its source text (no YAML 1.1/1.2 type guessing)
//! with its line number.

use saphyr::{MarkedYaml, YamlData, YamlLoader};
use std::path::Path;

/// Files larger than this are not parsed (a real environment.yml is a few KiB; big locks a few MiB).
pub(crate) const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Leading indentation and `- `/`? ` markers a line may have; deeper block nesting is refused
/// so that building and dropping the tree cannot exhaust the stack.
const MAX_BLOCK_PREFIX: usize = 512;
/// Nodes an alias may expand to (a "billion laughs" file stops here).
const ALIAS_BUDGET: usize = 10_000;

pub(crate) mod tree;

/// Why a file could not be turned into YAML, with the 1-based line when known (0: the whole
/// file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub message: String,
}

impl YamlError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> YamlError {
        YamlError {
            line,
            message: message.into(),
        }
    }
}

/// Why a file's bytes are not text YAML can parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error(transparent)]
    Read(#[from] crate::disk::ReadError),
    #[error("binary data (a NUL byte at offset {0}), not YAML")]
    Binary(usize),
    #[error("not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
}

impl TextError {
    /// The system's kind of error, when the system refused the read.
    pub(crate) fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            TextError::Read(e) => e.io_kind(),
            _ => None,
        }
    }

    /// Not read: a link out of an untrusted project (see [`crate::disk::confine_to`]).
    pub(crate) fn is_withheld(&self) -> bool {
        matches!(self, TextError::Read(e) if e.is_withheld())
    }
}

/// Reads a text file with the size cap; binary content and invalid UTF-8 are errors that say
/// where they start. A UTF-8 byte-order mark is dropped.
pub(crate) fn read_text(path: &Path) -> Result<String, TextError> {
    let bytes =
        crate::disk::read_capped(path, MAX_BYTES, "this is not an environment or lock file")?;
    text_from_bytes(bytes)
}

/// The text of `bytes`, or why it is not text.
pub fn text_from_bytes(bytes: Vec<u8>) -> Result<String, TextError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(TextError::Binary(pos));
    }
    let mut text =
        String::from_utf8(bytes).map_err(|e| TextError::NotUtf8(e.utf8_error().valid_up_to()))?;
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    Ok(text)
}

/// Refuses block nesting deeper than the parsers' stacks allow (also used for rc and compose
/// files). A lone CR is a line break to YAML, so each CR-separated part is checked too.
pub(crate) fn check_nesting(text: &str) -> Result<(), YamlError> {
    for (i, line) in text.lines().enumerate() {
        let prefix = line
            .split('\r')
            .map(|part| {
                part.chars()
                    .take_while(|c| matches!(c, ' ' | '\t' | '-' | '?'))
                    .count()
            })
            .max()
            .unwrap_or(0);
        if prefix > MAX_BLOCK_PREFIX {
            return Err(YamlError::new(
                i + 1,
                format!("nested more than {MAX_BLOCK_PREFIX} levels deep; refusing to parse"),
            ));
        }
    }
    Ok(())
}

/// Parses the first YAML document of `text`, every scalar kept as its source text. `Ok(None)`
/// for an empty document.
pub(crate) fn parse(text: &str) -> Result<Option<MarkedYaml<'_>>, YamlError> {
    load_marked(text, false)
}

/// The one budgeted loader: nesting checked first, aliases expanded within [`ALIAS_BUDGET`];
/// `typed` resolves plain scalars to null, booleans and numbers (YAML 1.2 core schema).
fn load_marked(text: &str, typed: bool) -> Result<Option<MarkedYaml<'_>>, YamlError> {
    check_nesting(text)?;
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(typed);
    loader.alias_limit(ALIAS_BUDGET);
    let scan = parser.load(&mut loader, false);
    let err = scan.err().or_else(|| loader.error().cloned());
    if let Some(e) = err {
        return Err(YamlError::new(e.marker().line(), e.info().to_string()));
    }
    Ok(loader.into_documents().into_iter().next())
}

/// 1-based line of a node (0 when unknown).
pub(crate) fn line(node: &MarkedYaml<'_>) -> usize {
    node.span.start.line()
}

/// The source text of a scalar node (tags are looked through).
pub(crate) fn scalar<'a>(node: &'a MarkedYaml<'_>) -> Option<&'a str> {
    match &node.data {
        YamlData::Representation(text, _, _) => Some(text.as_ref()),
        YamlData::Value(saphyr::Scalar::String(s)) => Some(s.as_ref()),
        YamlData::Tagged(_, inner) => scalar(inner),
        _ => None,
    }
}

/// Whether the node is YAML null (`~`, `null`, or nothing).
pub(crate) fn is_null(node: &MarkedYaml<'_>) -> bool {
    match &node.data {
        YamlData::Representation(text, style, _) => {
            *style == saphyr::ScalarStyle::Plain
                && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
        }
        YamlData::Value(saphyr::Scalar::Null) => true,
        _ => false,
    }
}

/// The entries of a mapping node with string keys, in file order.
pub(crate) fn mapping<'a, 'i>(
    node: &'a MarkedYaml<'i>,
) -> Option<Vec<(&'a str, &'a MarkedYaml<'i>, usize)>> {
    match &node.data {
        YamlData::Mapping(map) => Some(
            map.iter()
                .map(|(k, v)| (scalar(k).unwrap_or(""), v, line(k)))
                .collect(),
        ),
        YamlData::Tagged(_, inner) => mapping(inner),
        _ => None,
    }
}

/// The items of a sequence node.
pub(crate) fn sequence<'a, 'i>(node: &'a MarkedYaml<'i>) -> Option<&'a [MarkedYaml<'i>]> {
    match &node.data {
        YamlData::Sequence(items) => Some(items.as_slice()),
        YamlData::Tagged(_, inner) => sequence(inner),
        _ => None,
    }
}

/// A word for the kind of a node, for messages ("a mapping", "a list", …).
pub(crate) fn kind(node: &MarkedYaml<'_>) -> &'static str {
    match &node.data {
        YamlData::Mapping(_) => "a mapping",
        YamlData::Sequence(_) => "a list",
        YamlData::Representation(..) | YamlData::Value(_) => "a scalar",
        YamlData::Tagged(_, inner) => kind(inner),
        YamlData::Alias(_) => "an alias",
        YamlData::BadValue => "an invalid value",
    }
}

/// A value from a mapping by key.
pub(crate) fn get<'a, 'i>(node: &'a MarkedYaml<'i>, key: &str) -> Option<&'a MarkedYaml<'i>> {
    mapping(node)?
        .into_iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_text_and_line() {
        let doc = parse("name: x\nversion: 1.10\nlist:\n  - 3.1\n  - 'a'\n")
            .unwrap()
            .unwrap();
        assert_eq!(scalar(get(&doc, "version").unwrap()), Some("1.10"));
        let list = sequence(get(&doc, "list").unwrap()).unwrap();
        assert_eq!(scalar(&list[0]), Some("3.1"));
        assert_eq!(line(&list[1]), 5);
    }

    #[test]
    fn errors_carry_a_line() {
        let err = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        let dup = parse("a: 1\na: 2\n").unwrap_err();
        assert!(dup.message.contains("duplicate") || dup.line > 0, "{dup:?}");
    }

    #[test]
    fn hostile_input_is_refused_not_crashed() {
        let deep = format!("{}x\n", "- ".repeat(5000));
        assert!(parse(&deep).unwrap_err().message.contains("nested"));
        let flow = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(parse(&flow).is_err());
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        assert!(parse(laughs).is_err());
        assert_eq!(
            text_from_bytes(vec![b'a', 0, b'b']).unwrap_err(),
            TextError::Binary(1)
        );
        let err = text_from_bytes(vec![b'a', 0xff]).unwrap_err();
        assert_eq!(err, TextError::NotUtf8(1));
        assert_eq!(err.to_string(), "not UTF-8 text (invalid byte at offset 1)");
        assert_eq!(parse("").unwrap().map(|d| kind(&d)), None);
    }
}
