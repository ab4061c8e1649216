//! A small element tree read with quick-xml, for SOAP answers.
//!
//! 1C prefixes its elements freely (`m:`, `soap:`, none), and the seed gives no schema,
//! so answers are read by *local* name into a tree and mapped to typed results by hand;
//! requests are written with quick-xml's serde serializer (see `aplix::envelope`).

use quick_xml::events::Event;
use quick_xml::Reader;

/// An element: local name, attributes (local names), text content and children, in
/// document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// The trimmed text of a child, `None` when absent or empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
    /// Depth-first search for a descendant by local name.
    pub fn find(&self, name: &str) -> Option<&Node> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.to_string(),
    }
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("attribute: {e}"))?;
        let value = a
            .unescape_value()
            .map_err(|e| format!("attribute: {e}"))?
            .into_owned();
        out.push((local(a.key.as_ref()), value));
    }
    Ok(out)
}

/// Parses a document into its root element.
pub(crate) fn parse(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => stack.push(Node {
                name: local(e.name().as_ref()),
                attrs: attributes(&e)?,
                ..Node::default()
            }),
            Ok(Event::Empty(e)) => {
                let node = Node {
                    name: local(e.name().as_ref()),
                    attrs: attributes(&e)?,
                    ..Node::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Ok(Event::Text(t)) => {
                // quick-xml reports entity references apart (`GeneralRef`), so the
                // text holds none.
                let t = t.decode().map_err(|e| format!("text: {e}"))?;
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.decode().map_err(|e| format!("entity: {e}"))?.into_owned();
                let ch = match name.as_str() {
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "amp" => "&".to_string(),
                    "apos" => "'".to_string(),
                    "quot" => "\"".to_string(),
                    other => match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&ch);
                }
            }
            Ok(Event::End(_)) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "XML error at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
        }
    }
    if !stack.is_empty() {
        return Err("document ends inside an element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_by_local_name_with_entities() {
        let n = parse(
            r#"<?xml version="1.0"?><s:E xmlns:s="x"><m:A>1 &amp; 2</m:A><B/><A>&#1040;</A></s:E>"#,
        )
        .unwrap();
        assert_eq!(n.name, "E");
        assert_eq!(n.text_of("A"), Some("1 & 2"));
        assert_eq!(n.children_named("A").count(), 2);
        assert_eq!(n.children[2].text, "А");
        let e = parse(r#"<p><error key="invalidEndOfWeekCollection">x</error></p>"#).unwrap();
        assert_eq!(
            e.children[0].attr("key"),
            Some("invalidEndOfWeekCollection")
        );
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
    }
}
