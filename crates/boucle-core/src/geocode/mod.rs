//! Geolocation: postal addresses → WGS84 points with a precision.
//!
//! - [`normalise`]: French address normalisation (accents, case, abbreviations, stop words,
//!   house numbers with bis/ter suffixes);
//! - [`ban`]: streaming readers of Base Adresse Nationale CSV and Base Adresse Locale files;
//! - [`index`]: the compact binary address index (`DIR/addresses.idx`) and its builder;
//! - [`candidates`]: which commune (or former commune) a query names;
//! - `query`: reading a query (postcode, where the street part starts);
//! - [`matcher`]: the offline geocoder (precision ladder housenumber → street → park → commune,
//!   score and type like addok's);
//! - [`siret_match`]: SIRET suggestions for actors without one (listed, never merged);
//! - [`online`]: the IGN Géoplateforme geocoding client (only when asked);
//! - [`legal_units`]: SIRENE legal units (StockUniteLegale), joined to establishments by SIREN;
//! - [`sirene`]: SIRENE establishments (stock CSV) → actors, with Lambert-93 coordinates.

pub mod actors;
pub mod ban;
pub mod candidates;
pub mod index;
pub mod legal_units;
pub mod matcher;
pub mod normalise;
pub mod online;
pub(crate) mod query;
pub mod sirene;
pub mod siret_match;

pub use ban::{AddressFormat, AddressReader, AddressRecord};
pub use index::{AddressIndex, CommuneSeed, INDEX_FILE, IndexBuilder};
pub use matcher::{ACCEPTANCE, GeocodeResult, Geocoder, Hints, MatchType, ParkRef};
