//! Cheap answers stay cheap: the public layers gzip-compressed once at start (served as is to a
//! client that accepts gzip), and the indicators computed once per loaded road graph. The
//! server loads the territory once and never changes it, so the layers are valid for the life
//! of the process; a changed territory folder is served after a restart, which rebuilds them.
//! A new road graph file is loaded without a restart (see `boucle_core::travel::SharedTravel`)
//! and the indicators are then computed again.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::Mutex;

/// The caches of one server state.
#[derive(Debug, Default)]
pub struct Cache {
    /// Public layers compressed at start: (name, gzip bytes).
    gzip_layers: Vec<(&'static str, Bytes)>,
    /// The indicators' JSON, computed by the first request that asks for them, with the
    /// generation of the road graph it was computed on (`SharedTravel::loads`).
    pub indicators: Mutex<Option<(u64, Bytes)>>,
}

impl Cache {
    /// Compress each public layer once (best compression: done once, served many times).
    pub fn new(public_layers: &[(&'static str, Bytes)]) -> Cache {
        Cache {
            gzip_layers: public_layers
                .iter()
                .map(|(name, bytes)| (*name, gzip(bytes)))
                .collect(),
            indicators: Mutex::new(None),
        }
    }

    /// The gzip bytes of a public layer.
    pub fn gzip_layer(&self, name: &str) -> Option<Bytes> {
        self.gzip_layers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
    }
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Bytes {
    let mut e = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::best());
    e.write_all(bytes).expect("writing to a Vec cannot fail");
    Bytes::from(e.finish().expect("writing to a Vec cannot fail"))
}

/// Whether the request's `Accept-Encoding` accepts gzip (not with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let q0 = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !q0
        })
}

/// A pre-compressed body with its content type.
pub fn gzip_response(content_type: &'static str, gz: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        gz,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_round_trips_and_accept_encoding_is_read() {
        let gz = gzip(b"{\"a\":1}");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
            .unwrap();
        assert_eq!(out, "{\"a\":1}");
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, "br, gzip;q=0.8".parse().unwrap());
        assert!(accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, "gzip;q=0, br".parse().unwrap());
        assert!(!accepts_gzip(&h));
    }
}
