//! SOAP 1.1 envelopes: writing a call and reading an answer, fault or 1C error.
//!
//! **Writing.** The operation element carries the configured namespace as the default
//! namespace (`<PushOrder xmlns="…">`), so every parameter element is qualified as 1C's
//! XDTO expects; parameters are written by quick-xml's serde serializer with the seed's
//! names, and a list parameter is the element repeated (XDTO's form for a property with
//! an upper bound above one), e.g. `<Goods>…</Goods><Goods>…</Goods>`.
//!
//! **Reading.** A `Fault` in the body becomes [`Error::SoapFault`] whatever the status
//! (1C sends faults with 500). A body whose answer carries an `Error` element (1C's
//! in-body error: `<Error><Code>…</Code><Description>…</Description></Error>`, or a bare
//! text) becomes [`Error::Rejected`] with status 200 — see also the operation-specific
//! checks in the client (a non-positive id with a comment).

use serde::Serialize;

use crate::error::Error;
use crate::transport::Transport;
use crate::xml::{self, Node};

pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The envelope of `operation` in `namespace` with `params` (a struct whose fields are
/// the parameters, renamed to the seed's spellings).
pub(crate) fn write<T: Serialize>(
    operation: &str,
    namespace: &str,
    params: &T,
) -> Result<String, Error> {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>"#
    );
    let body = quick_xml::se::to_string_with_root(operation, params)
        .map_err(|e| Error::Config(format!("aplix: {operation}: cannot write the request: {e}")))?;
    // The serializer writes `<{operation}>` or `<{operation}/>` first; the default
    // namespace goes into that tag (the configuration checked it needs no escaping).
    let rest = body.strip_prefix(&format!("<{operation}")).ok_or_else(|| {
        Error::Config(format!("aplix: {operation}: unexpected serializer output"))
    })?;
    out.push_str(&format!(
        "<{operation} xmlns=\"{namespace}\"{}",
        drop_empty_elements(rest)
    ));
    out.push_str("</soap:Body></soap:Envelope>");
    Ok(out)
}

/// The parameters without their empty elements (`<Settlement/>`): quick-xml writes an
/// absent (`None`) parameter as an empty element, which 1C would read as an empty
/// string rather than "not given". An empty string is dropped the same way, which for
/// 1C's string parameters means the same.
fn drop_empty_elements(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        let is_empty_element = tag.len() > 3
            && tag.ends_with("/>")
            && tag[1..tag.len() - 2]
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
        if !is_empty_element {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The answer element (`<{operation}Response>`) of a SOAP answer, or the typed error.
pub(crate) fn read(
    transport: &Transport,
    operation: &str,
    status: u16,
    body: &str,
) -> Result<Node, Error> {
    if status == 401 || status == 403 {
        return Err(Error::Unauthorized {
            operation: operation.into(),
            status,
        });
    }
    if body.trim().is_empty() {
        return Err(Error::Http {
            operation: operation.into(),
            status,
            body_excerpt: String::new(),
        });
    }
    let root = match xml::parse(body) {
        Ok(root) => root,
        Err(e) if (200..300).contains(&status) => {
            return Err(Error::malformed(operation, transport.redact(&e)))
        }
        Err(_) => {
            return Err(Error::Http {
                operation: operation.into(),
                status,
                body_excerpt: transport.excerpt(body),
            })
        }
    };
    let soap_body = (root.name == "Envelope")
        .then(|| root.child("Body"))
        .flatten()
        .ok_or_else(|| Error::malformed(operation, "not a SOAP envelope (no Envelope/Body)"))?;
    if let Some(fault) = soap_body.child("Fault") {
        return Err(Error::SoapFault {
            operation: operation.into(),
            fault_code: transport.redact(fault.text_of("faultcode").unwrap_or("")),
            fault_string: transport.redact(fault.text_of("faultstring").unwrap_or("")),
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http {
            operation: operation.into(),
            status,
            body_excerpt: transport.excerpt(body),
        });
    }
    let answer = soap_body
        .children
        .first()
        .ok_or_else(|| Error::malformed(operation, "empty SOAP body"))?;
    if let Some(err) = answer.find("Error") {
        let code = err.text_of("Code").unwrap_or("error");
        let message = err
            .text_of("Description")
            .or_else(|| err.text_of("Message"))
            .unwrap_or(err.text.trim());
        return Err(rejected(transport, operation, code, message));
    }
    Ok(answer.clone())
}

/// A 1C error inside a successful answer.
pub(crate) fn rejected(transport: &Transport, operation: &str, code: &str, message: &str) -> Error {
    Error::Rejected {
        operation: operation.into(),
        carrier: "aplix",
        status: 200,
        error: transport.redact(code),
        message: transport.redact(message),
        issues: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_elements_are_dropped_and_the_rest_kept() {
        assert_eq!(
            drop_empty_elements("<A>1</A><B/><C><D/>x</C><E a=\"1\"/>"),
            "<A>1</A><C>x</C><E a=\"1\"/>"
        );
    }
}
