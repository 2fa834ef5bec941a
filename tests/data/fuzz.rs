//! "Never panics" for every parser (OSM PBF excepted: its decoder is the `osmpbf` crate's): each target takes a valid sample, mutates its bytes
//! (proptest: overwrite, insert, delete, truncate, splice in numbers such as `0`, `1e300`,
//! `NaN`, `-1`), and feeds the result to the parser, which must answer `Ok` or `Err`. The inputs
//! that once broke boucle are kept in `tests/fuzz-corpus/<target>/` and replayed first.
//! `PROPTEST_CASES` sets the cases per target (default 64); `benches/fuzz.sh` runs longer.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::common::geodata;

/// Numbers and tokens that broke computations after parsing.
const TOKENS: &[&str] = &[
    "0",
    "-1",
    "1e300",
    "NaN",
    "inf",
    "1e9",
    "2e18",
    "",
    "\"",
    ",",
    ";",
    "\n",
    "999999999999",
];

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Token(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Token(i, t)),
    ]
}

fn mutate(seed: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in ms {
        let n = b.len().max(1);
        match *m {
            Mutation::Set(i, x) if !b.is_empty() => {
                let i = i % b.len();
                b[i] = x;
            }
            Mutation::Insert(i, x) => b.insert(i % (b.len() + 1), x),
            Mutation::Delete(i) if !b.is_empty() => {
                b.remove(i % b.len());
            }
            Mutation::Truncate(i) => b.truncate(i % n),
            Mutation::Token(i, t) => {
                // Replace the field (between separators) around i by the token.
                let i = i % (b.len() + 1);
                let sep = |c: &u8| matches!(c, b',' | b';' | b'\n' | b' ' | b'"' | b'=' | b':');
                let start = b[..i].iter().rposition(sep).map_or(0, |p| p + 1);
                let end = b[i..].iter().position(sep).map_or(b.len(), |p| i + p);
                b.splice(start..end, TOKENS[t].bytes());
            }
            _ => {}
        }
    }
    b
}

/// A parser under test: it may fail, never panic.
type Target = fn(&Path, &[u8]);

fn with_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn csv_of(file: &'static str) -> Vec<u8> {
    std::fs::read(geodata().join(file)).unwrap()
}

fn t_flows(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_flows(&with_file(d, "flows.csv", b));
}
fn t_actors(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_actors(&with_file(d, "actors.csv", b));
}
fn t_parks(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_parks(&with_file(d, "parks.csv", b));
}
fn t_sites(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_sites(&with_file(d, "sites.csv", b));
}
fn t_materials(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_materials(&with_file(d, "materials.csv", b));
}
fn t_vehicles(_: &Path, b: &[u8]) {
    let _ = boucle::territory::vehicles::parse_vehicles_lenient(Path::new("vehicles.csv"), b);
}
fn t_factors(_: &Path, b: &[u8]) {
    let _ = boucle::territory::vehicles::parse_emission_factors_lenient(
        Path::new("emission_factors.csv"),
        b,
    );
}
fn t_synergies(_: &Path, b: &[u8]) {
    let _ = boucle::territory::register::parse_register(Path::new("synergies.csv"), b);
}
fn t_candidates(_: &Path, b: &[u8]) {
    let _ = boucle::siting::parse_candidates(Path::new("c.csv"), b);
}
fn t_manifest(_: &Path, b: &[u8]) {
    let _ = boucle::territory::Manifest::parse(
        Path::new("territory.toml"),
        &String::from_utf8_lossy(b),
    );
}
fn t_geojson(_: &Path, b: &[u8]) {
    let _ = boucle::io::geojson::parse_features(
        Path::new("communes.geojson"),
        &String::from_utf8_lossy(b),
        "code",
    );
}
fn t_communes(d: &Path, b: &[u8]) {
    let _ = boucle::territory::files::read_communes(&with_file(d, "communes.geojson", b));
}
/// A one-commune ADMIN EXPRESS-like shapefile written into `dir`; returns the `.shp` path.
fn sample_shapefile(dir: &Path) -> PathBuf {
    let t = crate::common::load();
    let c = &t.communes[0];
    let shp = dir.join("COMMUNE.shp");
    boucle::io::shapefile::write_polygons(
        &shp,
        boucle::io::shapefile::Crs::Lambert93,
        &["INSEE_COM", "NOM"],
        &[(vec![c.insee.clone(), c.name.clone()], c.geometry.clone())],
    )
    .unwrap();
    shp
}
fn t_shapefile(d: &Path, b: &[u8]) {
    let dir = d.join("shp");
    if !dir.join("COMMUNE.dbf").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        sample_shapefile(&dir);
    }
    let shp = with_file(&dir, "COMMUNE.shp", b);
    let _ = boucle::io::shapefile::read_polygons(&shp);
}
fn t_cvrplib(_: &Path, b: &[u8]) {
    let _ = boucle::vrp::formats::parse_cvrplib(Path::new("x.vrp"), &String::from_utf8_lossy(b));
}
fn t_solomon(_: &Path, b: &[u8]) {
    let _ = boucle::vrp::formats::parse_solomon(Path::new("x.txt"), &String::from_utf8_lossy(b));
}
fn t_osm_xml(d: &Path, b: &[u8]) {
    let p = with_file(d, "x.osm", b);
    let _ = boucle::network::osm::read_osm(
        &p,
        boucle::network::Profile::Truck,
        &boucle::progress::Silent,
    );
}
fn t_graph(_: &Path, b: &[u8]) {
    let _ = boucle::network::file::decode(Path::new("network.graph"), b);
}
fn t_ban(d: &Path, b: &[u8]) {
    let _ = boucle::geocode::ban::read_all(&with_file(d, "ban.csv", b));
}
fn t_sirene(d: &Path, b: &[u8]) {
    let codes = ["68376".to_owned(), "68063".to_owned()]
        .into_iter()
        .collect();
    let _ = boucle::geocode::sirene::read_establishments(
        &with_file(d, "sirene.csv", b),
        &codes,
        boucle::geocode::sirene::SireneOptions {
            include_closed: false,
        },
    );
}
fn t_rounds_body(_: &Path, b: &[u8]) {
    let _ = boucle::server::compute::rounds_request(b);
}
fn t_vroom_json(_: &Path, b: &[u8]) {
    use boucle::network::{CrowFlies, CrowFliesRouter};
    let Ok(input) = boucle::vroom::parse(&String::from_utf8_lossy(b), 200, 200) else {
        return;
    };
    let cf = CrowFlies::default();
    let travel = boucle::travel::Travel::with_router(Box::new(CrowFliesRouter(cf)), cf);
    let Ok(p) = boucle::vroom::prepare(input, &travel) else {
        return;
    };
    let params = boucle::vrp::SolverParams {
        time_limit_s: 0.05,
        seed: 1,
        max_iterations: Some(2),
        max_work: None,
        cancel: None,
    };
    let _ = boucle::vroom::solve(&p, &params, 0.0);
}
fn t_siting_body(_: &Path, b: &[u8]) {
    let _ = serde_json::from_slice::<boucle::siting::SitingRequest>(b);
}

const OSM: &str = "<?xml version=\"1.0\"?><osm version=\"0.6\"><node id=\"1\" lat=\"47.80\" lon=\"7.10\"/><node id=\"2\" lat=\"47.81\" lon=\"7.11\"><tag k=\"highway\" v=\"traffic_signals\"/></node><node id=\"3\" lat=\"47.82\" lon=\"7.12\"/><way id=\"10\"><nd ref=\"1\"/><nd ref=\"2\"/><nd ref=\"1\"/><tag k=\"highway\" v=\"residential\"/></way><way id=\"11\"><nd ref=\"2\"/><nd ref=\"3\"/><tag k=\"highway\" v=\"primary\"/><tag k=\"oneway\" v=\"yes\"/></way><relation id=\"5\"><member type=\"way\" ref=\"10\" role=\"from\"/><member type=\"node\" ref=\"2\" role=\"via\"/><member type=\"way\" ref=\"11\" role=\"to\"/><tag k=\"type\" v=\"restriction\"/><tag k=\"restriction\" v=\"no_left_turn\"/></relation></osm>";

const CVRPLIB: &str = "NAME : t\nTYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 0\n4 0 3\nDEMAND_SECTION\n1 0\n2 3\n3 4\n4 5\nDEPOT_SECTION\n1\n-1\nEOF\n";

const SOLOMON: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  3         20\n\nCUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n    0      40         50          0          0       1236          0\n    1      45         68         10        912        967         90\n    2      45         70         5         825        870         90\n";

const BAN: &str = "id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;lon;lat;type_position\n68376_0010_00001;1;;Rue de la Gare;68800;68376;Thann;7.10;47.80;entrée\n";

const SIRENE: &str = "siren,nic,siret,etatAdministratifEtablissement,codeCommuneEtablissement,numeroVoieEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,denominationUsuelleEtablissement,enseigne1Etablissement,activitePrincipaleEtablissement,trancheEffectifsEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,statutDiffusionEtablissement\n123456789,00012,12345678900012,A,68376,3,RUE,DE LA GARE,68800,ACME,,25.11Z,11,1011000,6750000,O\n";

const ROUNDS_BODY: &str = "{\"material\":\"pallets\",\"time_limit_s\":1,\"vehicles\":[{\"id\":\"v\",\"capacity_kg\":1000,\"cost_per_km_eur\":0.5,\"cost_per_hour_eur\":30,\"vehicle_class\":\"van_3_5t\",\"count\":2}],\"seed\":3}";

const VROOM_JSON: &str = "{\"vehicles\":[{\"id\":1,\"start_index\":0,\"end_index\":0,\"capacity\":[10,5],\"time_window\":[0,9000],\"costs\":{\"fixed\":100,\"per_km\":2},\"max_tasks\":3,\"boucle\":{\"dump_index\":1,\"unload_service\":60}}],\"jobs\":[{\"id\":1,\"location_index\":2,\"pickup\":[3,1],\"service\":30,\"time_windows\":[[0,4000],[5000,6000]],\"skills\":[1]},{\"id\":2,\"location_index\":3,\"delivery\":[4,0],\"setup\":10}],\"matrices\":{\"car\":{\"durations\":[[0,10,20,30],[10,0,15,25],[20,15,0,12],[30,25,12,0]],\"distances\":[[0,100,200,300],[100,0,150,250],[200,150,0,120],[300,250,120,0]]}}}";

const SITING_BODY: &str =
    "{\"material\":\"pallets\",\"p\":2,\"objective\":\"tonne-km\",\"min_free_ha\":1}";

fn graph_seed() -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = with_file(d.path(), "g.osm", OSM.as_bytes());
    let opts = boucle::network::ImportOptions {
        clip: None,
        ..boucle::network::ImportOptions::default()
    };
    let (g, _) = boucle::network::import::build_from_pbf(&p, &opts).expect("sample graph");
    boucle::network::file::encode(&g)
}

/// Every target: its name, its parser, its valid sample.
fn targets() -> Vec<(&'static str, Target, Vec<u8>)> {
    vec![
        ("flows", t_flows as Target, csv_of("flows.csv")),
        ("actors", t_actors, csv_of("actors.csv")),
        ("parks", t_parks, csv_of("parks.csv")),
        ("sites", t_sites, csv_of("sites.csv")),
        ("materials", t_materials, csv_of("materials.csv")),
        ("vehicles", t_vehicles, csv_of("vehicles.csv")),
        ("emission_factors", t_factors, csv_of("emission_factors.csv")),
        (
            "synergies",
            t_synergies,
            b"id,title,material,status,actors,started,updated,notes,source\ns1,T,pallets,idea,a;b,2024-01-01,,n,demo\n".to_vec(),
        ),
        (
            "candidates",
            t_candidates,
            b"id,name,lon,lat,free_ha,excluded\nc1,C,7.1,47.8,2,false\n".to_vec(),
        ),
        ("territory_toml", t_manifest, csv_of("territory.toml")),
        (
            "geojson",
            t_geojson,
            std::fs::read(geodata().join("epci.geojson")).unwrap(),
        ),
        (
            "communes",
            t_communes,
            std::fs::read(geodata().join("territory.geojson")).unwrap(),
        ),
        ("shapefile", t_shapefile, {
            let d = tempfile::tempdir().unwrap();
            std::fs::read(sample_shapefile(d.path())).unwrap()
        }),
        ("cvrplib", t_cvrplib, CVRPLIB.as_bytes().to_vec()),
        ("solomon", t_solomon, SOLOMON.as_bytes().to_vec()),
        ("osm_xml", t_osm_xml, OSM.as_bytes().to_vec()),
        ("graph", t_graph, graph_seed()),
        ("ban", t_ban, BAN.as_bytes().to_vec()),
        ("sirene", t_sirene, SIRENE.as_bytes().to_vec()),
        ("rounds_body", t_rounds_body, ROUNDS_BODY.as_bytes().to_vec()),
        ("siting_body", t_siting_body, SITING_BODY.as_bytes().to_vec()),
        ("vroom_json", t_vroom_json, VROOM_JSON.as_bytes().to_vec()),
    ]
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus")
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

#[test]
fn every_parser_survives_its_corpus_and_mutations() {
    let d = tempfile::tempdir().unwrap();
    let mut report = Vec::new();
    for (name, target, seed) in targets() {
        target(d.path(), &seed);
        let mut replayed = 0;
        if let Ok(entries) = std::fs::read_dir(corpus_dir().join(name)) {
            for e in entries.flatten() {
                target(d.path(), &std::fs::read(e.path()).unwrap());
                replayed += 1;
            }
        }
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: cases(),
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let dir = d.path().to_path_buf();
        runner
            .run(&proptest::collection::vec(mutation(), 1..8), |ms| {
                target(&dir, &mutate(&seed, &ms));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("target {name}: {e}"));
        report.push(format!("{name}: {} mutated + {replayed} corpus", cases()));
    }
    println!("fuzz: {}", report.join("; "));
}

/// The computations after parsing: a territory whose flows and vehicles are mutated either
/// fails to load with an error, or plans rounds and sites without panicking or exploding.
#[test]
fn fuzzed_flows_and_vehicles_never_crash_rounds_or_siting() {
    let flows = csv_of("flows.csv");
    let vehicles = csv_of("vehicles.csv");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: (cases() / 4).max(4),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &(
                proptest::collection::vec(mutation(), 1..4),
                proptest::collection::vec(mutation(), 0..3),
            ),
            |(mf, mv)| {
                let d = crate::common::copy_geodata();
                std::fs::write(d.path().join("flows.csv"), mutate(&flows, &mf)).unwrap();
                std::fs::write(d.path().join("vehicles.csv"), mutate(&vehicles, &mv)).unwrap();
                if let Ok(t) = boucle::territory::Territory::load(d.path()) {
                    let req = boucle::rounds::RoundsRequest {
                        material: "pallets".into(),
                        max_iterations: Some(3),
                        ..Default::default()
                    };
                    let _ = boucle::rounds::plan_rounds(&t, &req);
                    let _ =
                        boucle::siting::site(&t, &boucle::siting::SitingRequest::new("pallets"));
                }
                Ok(())
            },
        )
        .unwrap();
}
