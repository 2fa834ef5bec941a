//! Online geocoding with the IGN Géoplateforme service (the national address geocoder, addok
//! based). Used only when asked (`--online`): the offline index is the default.
//!
//! Endpoints (relative to a base URL, by default [`DEFAULT_BASE_URL`]):
//! - `GET /geocodage/search?q=…&limit=1[&citycode=…]` → a GeoJSON FeatureCollection whose
//!   features have `geometry.coordinates` `[lon, lat]` and properties `label`, `score`, `type`
//!   (`housenumber`, `street`, `locality`, `municipality`), `citycode`, `housenumber`, `street`,
//!   `name`, `postcode`, `city`;
//! - `POST /geocodage/search/csv` (multipart: a `data` file and one `columns` field per column
//!   to read, optionally `citycode` naming the column that holds INSEE codes) → the same CSV with
//!   columns appended: `latitude`, `longitude`, `result_label`, `result_score`, `result_type`,
//!   `result_citycode`, `result_housenumber`, `result_street` (or `result_name`),
//!   `result_postcode`, `result_city`…
//!
//! Politeness: the service's documented limit is 50 requests per second per IP; this client
//! spaces its requests by at least [`DEFAULT_MIN_INTERVAL`] (at most 10 per second, a fifth of
//! the limit), sends a `User-Agent` naming boucle, and gives up on a request after
//! [`DEFAULT_TIMEOUT`]. The batch endpoint is sent at most [`BATCH_ROWS`] rows per request.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::geocode::matcher::{GeocodeResult, MatchType};

/// The Géoplateforme's base URL.
pub const DEFAULT_BASE_URL: &str = "https://data.geopf.fr";
/// Environment variable overriding the base URL (tests, mirrors).
pub const BASE_URL_ENV: &str = "BOUCLE_GEOCODE_URL";
/// Minimum time between two requests.
pub const DEFAULT_MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Timeout of one request (connection, sending, waiting, reading).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Rows per batch request.
pub const BATCH_ROWS: usize = 5_000;

/// An error of the online geocoder.
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// The request failed (network, timeout, HTTP error status).
    #[error("geocoding service request to {url} failed")]
    Http {
        /// The URL requested.
        url: String,
        /// The underlying error.
        #[source]
        source: Box<ureq::Error>,
    },
    /// The service answered something this client cannot read.
    #[error("geocoding service at {url} sent an unexpected response: {message}")]
    Response {
        /// The URL requested.
        url: String,
        /// What was wrong.
        message: String,
    },
}

/// A client of the Géoplateforme geocoding service.
#[derive(Debug)]
pub struct OnlineGeocoder {
    agent: ureq::Agent,
    base_url: String,
    min_interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl OnlineGeocoder {
    /// A client for `base_url` (e.g. [`DEFAULT_BASE_URL`] or a local test server), with the
    /// default timeout and rate.
    pub fn new(base_url: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(DEFAULT_TIMEOUT))
            .timeout_connect(Some(Duration::from_secs(10)))
            .user_agent(concat!(
                "boucle/",
                env!("CARGO_PKG_VERSION"),
                " (territorial industrial ecology)"
            ))
            .build()
            .into();
        OnlineGeocoder {
            agent,
            base_url: base_url.trim_end_matches('/').to_owned(),
            min_interval: DEFAULT_MIN_INTERVAL,
            last: Mutex::new(None),
        }
    }

    /// Change the minimum interval between requests.
    pub fn with_min_interval(mut self, d: Duration) -> Self {
        self.min_interval = d;
        self
    }

    /// Wait until the next request is allowed.
    fn pace(&self) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = *last {
            let next = t + self.min_interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        *last = Some(Instant::now());
    }

    /// Geocode one address; `citycode` restricts the search to a commune (INSEE code).
    pub fn search(
        &self,
        q: &str,
        citycode: Option<&str>,
    ) -> Result<Option<GeocodeResult>, OnlineError> {
        let url = format!("{}/geocodage/search", self.base_url);
        self.pace();
        let mut req = self.agent.get(&url).query("q", q).query("limit", "1");
        if let Some(c) = citycode {
            req = req.query("citycode", c);
        }
        let http = |e| OnlineError::Http {
            url: url.clone(),
            source: Box::new(e),
        };
        let body = req
            .call()
            .map_err(http)?
            .body_mut()
            .read_to_string()
            .map_err(http)?;
        parse_search_response(&body).map_err(|message| OnlineError::Response {
            url: url.clone(),
            message,
        })
    }

    /// Geocode a batch of addresses with the CSV endpoint, [`BATCH_ROWS`] at a time. Each
    /// address comes with an optional INSEE code used as a `citycode` filter. Results are in the
    /// order of the input.
    pub fn search_batch(
        &self,
        addresses: &[(String, Option<String>)],
    ) -> Result<Vec<Option<GeocodeResult>>, OnlineError> {
        let url = format!("{}/geocodage/search/csv", self.base_url);
        let mut out = Vec::with_capacity(addresses.len());
        for chunk in addresses.chunks(BATCH_ROWS) {
            let mut w = csv::Writer::from_writer(Vec::new());
            let io_err = |e: csv::Error| OnlineError::Response {
                url: url.clone(),
                message: format!("cannot write the request CSV: {e}"),
            };
            w.write_record(["q", "citycode"]).map_err(io_err)?;
            for (q, c) in chunk {
                w.write_record([q.as_str(), c.as_deref().unwrap_or("")])
                    .map_err(io_err)?;
            }
            let data = w.into_inner().map_err(|e| OnlineError::Response {
                url: url.clone(),
                message: format!("cannot write the request CSV: {e}"),
            })?;
            let boundary = "----boucle-geocode-7d1f0c2a9b";
            let mut body = Vec::with_capacity(data.len() + 512);
            for (name, value) in [("columns", "q"), ("citycode", "citycode")] {
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                    )
                    .as_bytes(),
                );
            }
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"addresses.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(&data);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            self.pace();
            let http = |e| OnlineError::Http {
                url: url.clone(),
                source: Box::new(e),
            };
            let text = self
                .agent
                .post(&url)
                .content_type(format!("multipart/form-data; boundary={boundary}"))
                .send(&body[..])
                .map_err(http)?
                .body_mut()
                .with_config()
                .limit(256 * 1024 * 1024)
                .read_to_string()
                .map_err(http)?;
            let results = parse_csv_response(&text).map_err(|message| OnlineError::Response {
                url: url.clone(),
                message,
            })?;
            if results.len() != chunk.len() {
                return Err(OnlineError::Response {
                    url: url.clone(),
                    message: format!(
                        "{} result rows for {} addresses sent",
                        results.len(),
                        chunk.len()
                    ),
                });
            }
            out.extend(results);
        }
        Ok(out)
    }
}

fn type_of(t: &str) -> MatchType {
    MatchType::parse(t).unwrap_or(MatchType::Commune)
}

/// Parse a `/geocodage/search` response (GeoJSON FeatureCollection); `None` when it has no
/// feature.
pub fn parse_search_response(body: &str) -> Result<Option<GeocodeResult>, String> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("not JSON ({e})"))?;
    let features = v
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or("no `features` array")?;
    let Some(f) = features.first() else {
        return Ok(None);
    };
    let coords = f
        .pointer("/geometry/coordinates")
        .and_then(|c| c.as_array())
        .ok_or("feature without `geometry.coordinates`")?;
    let num = |i: usize| coords.get(i).and_then(|x| x.as_f64());
    let (Some(lon), Some(lat)) = (num(0), num(1)) else {
        return Err("coordinates are not two numbers".into());
    };
    let p = f.get("properties").ok_or("feature without `properties`")?;
    let s = |k: &str| p.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let match_type = type_of(s("type").as_deref().unwrap_or(""));
    Ok(Some(GeocodeResult {
        lon,
        lat,
        score: p.get("score").and_then(|x| x.as_f64()).unwrap_or(0.0),
        match_type,
        label: s("label").unwrap_or_default(),
        insee: s("citycode").unwrap_or_default(),
        housenumber: s("housenumber"),
        street: s("street").or_else(|| {
            (match_type == MatchType::Street)
                .then(|| s("name"))
                .flatten()
        }),
        postcode: s("postcode"),
        city: s("city").unwrap_or_default(),
        park_id: None,
        ambiguous: false,
        runner_up: None,
        former_commune: s("oldcity"),
        former_commune_insee: s("oldcitycode"),
        in_territory: true,
        reasons: Vec::new(),
    }))
}

/// Parse the CSV answered by `/geocodage/search/csv`: one result per data row, `None` where
/// the service found nothing.
pub fn parse_csv_response(body: &str) -> Result<Vec<Option<GeocodeResult>>, String> {
    let body = body.trim_start_matches('\u{feff}');
    let delim = if body
        .lines()
        .next()
        .is_some_and(|l| l.contains(';') && !l.contains(','))
    {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| format!("bad CSV header: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ilat), Some(ilon)) = (col("latitude"), col("longitude")) else {
        return Err("no `latitude`/`longitude` columns in the CSV answer".into());
    };
    let (ilabel, iscore, itype) = (col("result_label"), col("result_score"), col("result_type"));
    let (icity, icitycode) = (col("result_city"), col("result_citycode"));
    let (ihn, istreet, iname, ipc) = (
        col("result_housenumber"),
        col("result_street"),
        col("result_name"),
        col("result_postcode"),
    );
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("bad CSV row {}: {e}", i + 2))?;
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let lat = get(Some(ilat)).and_then(|s| s.parse::<f64>().ok());
        let lon = get(Some(ilon)).and_then(|s| s.parse::<f64>().ok());
        let (Some(lat), Some(lon)) = (lat, lon) else {
            out.push(None);
            continue;
        };
        let match_type = type_of(get(itype).as_deref().unwrap_or(""));
        out.push(Some(GeocodeResult {
            lon,
            lat,
            score: get(iscore).and_then(|s| s.parse().ok()).unwrap_or(0.0),
            match_type,
            label: get(ilabel).unwrap_or_default(),
            insee: get(icitycode).unwrap_or_default(),
            housenumber: get(ihn),
            street: get(istreet).or_else(|| {
                (match_type == MatchType::Street)
                    .then(|| get(iname))
                    .flatten()
            }),
            postcode: get(ipc),
            city: get(icity).unwrap_or_default(),
            park_id: None,
            ambiguous: false,
            runner_up: None,
            former_commune: None,
            former_commune_insee: None,
            in_territory: true,
            reasons: Vec::new(),
        }));
    }
    Ok(out)
}
