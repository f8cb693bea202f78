//! A YAML tree with typed scalars and 1-based line numbers (for compose files), built by the
//! one budgeted loader: aliases are expanded within its budget, `<<` merge keys are resolved
//! (explicit keys win, earlier merge sources win over later ones), and tags are dropped.

use super::YamlError;
use saphyr::{MarkedYaml, Scalar, YamlData};

/// Nesting deeper than this is refused (a compose file is a few levels deep).
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML node and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub line: usize,
    pub value: Value,
    /// Tagged `!reset`: in a compose override, the value (or service) the file removes from
    /// what it overrides.
    pub reset: bool,
}

impl Node {
    /// A scalar as text (`8000`, `true`, `"x"`); `None` for null and collections.
    pub(crate) fn text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean, also from the strings `true`/`false` (compose accepts both).
    pub(crate) fn boolean(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Some(true),
                "false" | "no" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    pub(crate) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub(crate) fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The entry for `key` in a mapping: (key node, value node).
    pub(crate) fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()
            .iter()
            .find(|(k, _)| k.text().as_deref() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follows a path of keys through nested mappings.
    pub(crate) fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, k| node.get(k))
    }
}

/// Parses the first document of `text`.
pub(crate) fn load(text: &str) -> Result<Node, YamlError> {
    match super::load_marked(text, true)? {
        Some(doc) => convert(&doc, 0),
        None => Err(YamlError::new(0, "the file is empty")),
    }
}

fn convert(node: &MarkedYaml, depth: usize) -> Result<Node, YamlError> {
    let line = node.span.start.line();
    if depth > MAX_DEPTH {
        return Err(YamlError::new(
            line,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Tagged(tag, inner) => {
            let mut node = convert(inner, depth + 1)?;
            node.reset |= tag.handle == "!" && tag.suffix == "reset";
            return Ok(node);
        }
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|i| convert(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut own: Vec<(Node, Node)> = Vec::new();
            let mut merges: Vec<Node> = Vec::new();
            for (k, v) in map.iter() {
                let key = convert(k, depth + 1)?;
                let val = convert(v, depth + 1)?;
                if key.value == Value::Str("<<".into()) {
                    match val.value {
                        Value::Map(_) => merges.push(val),
                        Value::Seq(items) => merges.extend(items),
                        _ => {
                            return Err(YamlError::new(
                                key.line,
                                "a `<<` merge key needs a mapping or a list of mappings",
                            ))
                        }
                    }
                } else {
                    own.push((key, val));
                }
            }
            for source in merges {
                let Value::Map(entries) = source.value else {
                    return Err(YamlError::new(
                        source.line,
                        "a `<<` merge source is not a mapping",
                    ));
                };
                for (k, v) in entries {
                    if !own.iter().any(|(o, _)| o.value == k.value) {
                        own.push((k, v));
                    }
                }
            }
            Value::Map(own)
        }
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Ok(Node {
        line,
        value,
        reset: false,
    })
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_aliases_and_merge_keys() {
        let text = "x-base: &base\n  read_only: true\n  user: \"1000\"\nservices:\n  api:\n    <<: *base\n    user: root\n    ports: [\"80:80\"]\n";
        let root = load(text).unwrap();
        let api = root.path(&["services", "api"]).unwrap();
        assert_eq!(api.get("user").unwrap().text().as_deref(), Some("root"));
        assert_eq!(api.get("read_only").unwrap().boolean(), Some(true));
        assert_eq!(api.entry("read_only").unwrap().0.line, 2);
        assert_eq!(api.entry("user").unwrap().0.line, 7);
        assert_eq!(api.get("ports").unwrap().items()[0].line, 8);
        assert_eq!(root.entry("services").unwrap().0.line, 4);
    }

    #[test]
    fn merge_lists_prefer_earlier_sources() {
        let text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n";
        let c = load(text).unwrap().get("c").cloned().unwrap();
        assert_eq!(c.get("x").unwrap().text().as_deref(), Some("1"));
        assert_eq!(c.get("z").unwrap().text().as_deref(), Some("2"));
    }

    #[test]
    fn errors_carry_a_line() {
        let e = load("services:\n  api:\n    image: [unclosed\n").unwrap_err();
        assert!(e.line >= 3, "{e:?}");
        assert_eq!(load("").unwrap_err().message, "the file is empty");
        assert!(load("a: *nope\n").is_err() || load("a: *nope\n").is_ok());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        assert!(load(&text).is_err());
    }

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = load(&s);
        }

        #[test]
        fn never_panics_on_yaml_like_text(
            lines in proptest::collection::vec("( {0,4})(- )?([a-z<]{1,6}: ?)?([&*][a-z]{1,3} ?)?(\\[|\\{|\"|'|[0-9:]{1,6}|[a-z ]{0,8})", 0..20)
        ) {
            let _ = load(&lines.join("\n"));
        }
    }
}
