//! The web viewer's files: `web/static/` (our HTML, CSS, ES modules) and `web/vendor/` (Leaflet,
//! copied from npm by `npm ci` in `web/`). Read from disk in debug builds, embedded in release
//! builds; `build.rs` makes a release build embed Leaflet again once `web/vendor` appears.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/static/"]
struct Static;

#[derive(RustEmbed)]
#[folder = "web/vendor/"]
#[allow_missing = true]
struct Vendor;

/// The page shown instead of the map when Leaflet was not installed.
pub const LEAFLET_MISSING_FR: &str = "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>boucle — Leaflet manquant</title>\
<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>La carte ne peut pas s'afficher</h1>\
<p>La bibliothèque cartographique Leaflet n'est pas installée (dossier <code>web/vendor/leaflet</code> absent).</p>\
<p>Installez-la puis relancez le serveur :</p><pre>(cd web &amp;&amp; npm ci) &amp;&amp; cargo run --release -- serve</pre>\
<p>En version compilée (<code>--release</code>), Leaflet est intégré au binaire : après <code>npm ci</code>, <code>cargo run --release</code> recompile le binaire pour l'y inclure.</p>\
<p>L'API reste disponible : <a href=\"/api/territory\">/api/territory</a>.</p></body></html>";

/// Whether Leaflet is available (embedded or on disk).
pub fn leaflet_present() -> bool {
    Vendor::get("leaflet/leaflet.js").is_some()
}

fn file(data: std::borrow::Cow<'static, [u8]>, path: &str) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut r = (StatusCode::OK, data.into_owned()).into_response();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /`: the map page, or a French explanation when Leaflet is missing.
pub async fn index() -> Response {
    if !leaflet_present() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Html(LEAFLET_MISSING_FR.to_owned()),
        )
            .into_response();
    }
    match Static::get("index.html") {
        Some(f) => file(f.data, "index.html"),
        None => (StatusCode::NOT_FOUND, "web/static/index.html missing").into_response(),
    }
}

/// `GET /vendor/{*path}`: Leaflet's files.
pub async fn vendor(Path(path): Path<String>) -> Response {
    match Vendor::get(&path) {
        Some(f) => file(f.data, &path),
        None if !leaflet_present() => {
            (StatusCode::NOT_FOUND, Html(LEAFLET_MISSING_FR.to_owned())).into_response()
        }
        None => (StatusCode::NOT_FOUND, "fichier introuvable").into_response(),
    }
}

/// `GET /{*path}`: the viewer's own files.
pub async fn static_file(Path(path): Path<String>) -> Response {
    if path == "api" || path.starts_with("api/") {
        return super::api::not_found().await.into_response();
    }
    match Static::get(&path) {
        Some(f) => file(f.data, &path),
        None => (StatusCode::NOT_FOUND, Html("<!doctype html><meta charset=\"utf-8\"><p>Page introuvable. <a href=\"/\">Retour à la carte</a></p>")).into_response(),
    }
}
