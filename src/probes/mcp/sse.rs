//! An incremental Server-Sent Events parser (WHATWG "event stream interpretation") for MCP
//! replies: CRLF, LF or CR line ends (also split across reads), `:` comment lines, multi-line
//! `data`, `id` and `retry` fields, and a cap on line length so a stream without newlines
//! cannot grow memory. It never panics on any input.

/// One dispatched event. `event` is `message` when the stream named none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
}

/// A line longer than the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTooLong(pub usize);

#[derive(Debug)]
pub struct Parser {
    line: Vec<u8>,
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
    max_line: usize,
}

impl Parser {
    pub fn new(max_line: usize) -> Parser {
        Parser {
            line: Vec::new(),
            after_cr: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            last_id: None,
            retry: None,
            max_line,
        }
    }

    /// Feeds bytes; returns the events completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Event>, LineTooLong> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue; // the LF of a CRLF
                }
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out);
                }
                b'\n' => self.end_line(&mut out),
                _ => {
                    if self.line.len() >= self.max_line {
                        return Err(LineTooLong(self.max_line));
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(out)
    }

    /// The last `id:` seen (for `Last-Event-ID` when resuming a stream).
    pub(crate) fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref().filter(|id| !id.is_empty())
    }

    /// The last `retry:` value in milliseconds.
    pub(crate) fn retry_ms(&self) -> Option<u64> {
        self.retry
    }

    /// At end of stream: the spec drops an unterminated event; a lenient reader keeps one that
    /// has data, which helps with servers that close without the final blank line.
    pub fn finish(&mut self) -> Option<Event> {
        let mut out = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut out);
        }
        self.end_line(&mut out);
        out.pop()
    }

    fn end_line(&mut self, out: &mut Vec<Event>) {
        let line = String::from_utf8_lossy(&self.line).into_owned();
        self.line.clear();
        if line.is_empty() {
            if self.has_data {
                out.push(Event {
                    event: if self.event.is_empty() {
                        "message".to_string()
                    } else {
                        std::mem::take(&mut self.event)
                    },
                    data: std::mem::take(&mut self.data),
                    id: self.last_id.clone(),
                });
            }
            self.event.clear();
            self.data.clear();
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return; // comment (keep-alive pings)
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_str(), ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {} // unknown fields
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse_all(chunks: &[&[u8]]) -> Vec<Event> {
        let mut p = Parser::new(1 << 20);
        let mut out = Vec::new();
        for c in chunks {
            out.extend(p.feed(c).unwrap());
        }
        out.extend(p.finish());
        out
    }

    #[test]
    fn python_sdk_reply() {
        let ev = parse_all(&[
            b"event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\r\n\r\n",
        ]);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].event, "message");
        assert_eq!(ev[0].data, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }

    #[test]
    fn comments_multiline_and_priming() {
        let ev = parse_all(&[
            b": ping - 2025\n\nid: 7\ndata:\n\nevent: message\ndata: {\"a\":\ndata: 1}\n\n",
        ]);
        // The priming event has empty data but is still an event; the consumer skips it.
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].data, "");
        assert_eq!(ev[0].id.as_deref(), Some("7"));
        assert_eq!(ev[1].data, "{\"a\":\n1}");
        assert_eq!(ev[1].id.as_deref(), Some("7"));
    }

    #[test]
    fn id_and_retry_for_resuming() {
        let mut p = Parser::new(1024);
        p.feed(b"id: ev-1\nretry: 250\ndata:\n\nretry: soon\n\n")
            .unwrap();
        assert_eq!(p.last_event_id(), Some("ev-1"));
        assert_eq!(p.retry_ms(), Some(250));
        p.feed(b"id:\n\n").unwrap();
        assert_eq!(p.last_event_id(), None, "an empty id resets it");
    }

    #[test]
    fn line_ends_split_across_reads() {
        let ev = parse_all(&[
            b"event: endpoint\r",
            b"\ndata: /messages/?s=1\r",
            b"\r",
            b"\n",
        ]);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].event, "endpoint");
        assert_eq!(ev[0].data, "/messages/?s=1");
        let cr_only = parse_all(&[b"data: a\rdata: b\r\r"]);
        assert_eq!(cr_only[0].data, "a\nb");
    }

    #[test]
    fn no_space_and_no_colon() {
        let ev = parse_all(&[b"data:x\ndata\n\n"]);
        assert_eq!(ev[0].data, "x\n");
    }

    #[test]
    fn unterminated_event_at_eof_is_kept() {
        let ev = parse_all(&[b"data: {\"id\":1}"]);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].data, "{\"id\":1}");
    }

    #[test]
    fn long_line_is_an_error_not_memory() {
        let mut p = Parser::new(16);
        assert_eq!(p.feed(&[b'a'; 64]), Err(LineTooLong(16)));
    }

    proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn never_panics_and_chunking_does_not_matter(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            split in 0usize..512,
        ) {
            let split = split.min(bytes.len());
            let whole = parse_all(&[&bytes]);
            let parts = parse_all(&[&bytes[..split], &bytes[split..]]);
            prop_assert_eq!(whole, parts);
        }
    }
}
