//! Taxomet (seed 004): the taxi server's GET API — add_order, cancel_order, get_order,
//! set_driver, remove_driver, send_sms, send_voice_code, add_driver_rating.
//!
//! The request types, their validation, the URL encoding (Cyrillic addresses, repeated
//! `to[]`) and the reply parser (`result` a string or a number) are `courier-rules`'
//! (`taxomet`); this client adds the transport. The operator's password travels in the
//! query string of every call: the transport never logs the query, scrubs the password
//! (raw and percent-encoded) from every error, and a refused validation never echoes it.
//! Only `get_order` is retried; every other method changes state and is sent once.

use reqwest::Method;
use serde::Deserialize;

use crate::error::{Error, FieldIssue};
use crate::rules_api::{
    parse_taxomet_reply, TaxometCall, TaxometPassword, TaxometReply, TaxometReplyError,
    TaxometRequest,
};
use crate::secret::Secret;
use crate::transport::{Call, Transport, TransportConfig};

/// The client's configuration (see `data/adapters/taxomet.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxometConfig {
    pub transport: TransportConfig,
    pub operator_login: String,
    /// The environment variable holding the operator's password.
    pub password_env: String,
}

/// The Taxomet client of one operator.
#[derive(Debug, Clone)]
pub struct TaxometClient {
    transport: Transport,
    login: String,
    password: Secret,
}

impl TaxometClient {
    pub fn new(config: &TaxometConfig, password: Secret) -> Result<Self, Error> {
        Ok(TaxometClient {
            transport: Transport::new("taxomet", &config.transport, vec![password.clone()])?,
            login: config.operator_login.clone(),
            password,
        })
    }

    /// Validates `call` with the rules, sends it and parses the reply.
    pub async fn call(&self, call: TaxometCall) -> Result<TaxometReply, Error> {
        let request = TaxometRequest {
            operator_login: self.login.clone(),
            operator_password: TaxometPassword::new(self.password.expose()),
            call,
        };
        let operation = request.method_name();
        let issues: Vec<FieldIssue> = request
            .validate()
            .into_iter()
            .map(|e| FieldIssue::new(e.field, e.code, self.transport.redact(&e.message)))
            .collect();
        if !issues.is_empty() {
            return Err(Error::LocalRefusal {
                operation: operation.into(),
                issues,
            });
        }
        // The rules build the URL from a base; the transport adds the configured one.
        let mut http = Call::new(operation, Method::GET, request.url(""));
        if operation != "get_order" {
            http = http.once();
        }
        let resp = self.transport.send(&http).await?;
        if !resp.is_success() {
            return Err(Error::Http {
                operation: operation.into(),
                status: resp.status,
                body_excerpt: self.transport.excerpt(&resp.body),
            });
        }
        parse_taxomet_reply(&resp.body).map_err(|e| match e {
            TaxometReplyError::Refused { result, error } => Error::Rejected {
                operation: operation.into(),
                carrier: "taxomet",
                status: resp.status,
                error: format!("result_{}", self.transport.redact(&result)),
                message: self.transport.redact(&error),
                issues: Vec::new(),
            },
            other => Error::malformed(operation, self.transport.redact(&other.to_string())),
        })
    }
}
