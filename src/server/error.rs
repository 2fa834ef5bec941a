//! API errors: a JSON body `{ "code": "...", "message": "..." }` with the matching HTTP status.
//! The codes are stable and listed in `docs/api.md`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered by the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (snake_case), e.g. `bad_parameter`.
    pub code: &'static str,
    /// Human-readable explanation (English, like the rest of the API).
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `bad_parameter`: a query parameter or body field is missing, malformed or unknown.
    pub fn bad_parameter(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_parameter", message)
    }

    /// 400 `invalid_json`: the request body is not the expected JSON.
    pub fn invalid_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_json", message)
    }

    /// 404 `not_found`: no such route, layer or record.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 401 `unauthorized`: officer-only data asked without a valid bearer token.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403 `officer_disabled`: a bearer token was sent but the server has no officer token.
    pub fn officer_disabled() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "officer_disabled",
            "officer access is not enabled on this server (start it with BOUCLE_OFFICER_TOKEN or --officer-token-file)",
        )
    }

    /// 403 `officer_only_parameter`: a parameter that only the officer may set (inline
    /// vehicles, factors, coordinates, candidates, clustering radius…), sent without the
    /// token. Public computations use the territory's own parameters. French message.
    pub fn officer_only(field: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "officer_only_parameter",
            format!(
                "Le paramètre « {field} » est réservé au chargé de mission (jeton) : sans jeton, les calculs publics n'utilisent que les paramètres du territoire, pour qu'aucune réponse ne révèle les quantités d'une entreprise."
            ),
        )
    }

    /// 401 `confidential`: the answer would rest on fewer companies than the territory's
    /// `min_contributors`; only the officer may see it. French message, the detail after it.
    pub fn confidential(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "confidential",
            format!(
                "Résultat confidentiel : il reposerait sur trop peu d'entreprises ; réservé au chargé de mission (jeton). ({detail})"
            ),
        )
    }

    /// 429 `too_many_attempts`: too many wrong officer tokens from this client; retry after
    /// the delay given in `Retry-After`.
    pub fn too_many_attempts(retry_after_s: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Trop de jetons erronés depuis ce client : réessayez dans {retry_after_s} s."),
        )
    }

    /// 413 `payload_too_large`: the request body exceeds the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body larger than {limit} bytes"),
        )
    }

    /// 500 `internal`: a bug or an unexpected failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Invalid(m) => ApiError::bad_parameter(m),
            crate::Error::Confidential(m) => ApiError::confidential(m),
            crate::Error::NoData(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_data", m)
            }
            e @ (crate::Error::Input(_) | crate::Error::Validation(_)) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "invalid_data",
                format!("the territory data on the server is invalid (run `boucle check`): {e}"),
            ),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = Json(Body {
            code: self.code,
            message: &self.message,
        })
        .into_response();
        *r.status_mut() = self.status;
        r
    }
}
