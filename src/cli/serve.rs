//! `boucle serve`: the HTTP API and the map viewer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::server::{self, AppState};

/// Arguments of `boucle serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// A file holding the officer's secret (its first line; keep it readable by you only):
    /// requests with `Authorization: Bearer TOKEN` see company-level flow quantities. The
    /// environment variable BOUCLE_OFFICER_TOKEN may give it instead. Without either, officer
    /// access is disabled.
    #[arg(long, value_name = "PATH", conflicts_with = "officer_token")]
    pub officer_token_file: Option<PathBuf>,
    /// Deprecated: the secret on the command line is visible to every user of the machine in
    /// the process list. Use BOUCLE_OFFICER_TOKEN or --officer-token-file.
    #[arg(long, value_name = "TOKEN", hide = true)]
    pub officer_token: Option<String>,
    /// Heavy computations (rounds, clusters, siting, indicators) run at once (default: the
    /// cores less one, at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_computations: Option<u16>,
    /// Heavy requests waiting for a free slot; beyond, `503 busy` (default: 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=4096))]
    pub queue: Option<u16>,
    /// Longest run of one heavy computation, seconds: past it the server answers `503 timeout`
    /// and stops the computation.
    #[arg(long, value_name = "S", default_value_t = 40, value_parser = clap::value_parser!(u16).range(1..=3600))]
    pub compute_timeout: u16,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Environment variable holding the officer's secret.
pub const TOKEN_ENV: &str = "BOUCLE_OFFICER_TOKEN";

/// Largest officer token file read, in bytes.
const MAX_TOKEN_FILE: u64 = 4096;

/// The officer's secret: `--officer-token-file`, else the environment, else the deprecated
/// `--officer-token` (with a warning). An empty secret disables officer access.
fn officer_token(a: &ServeArgs) -> anyhow::Result<Option<String>> {
    if let Some(path) = &a.officer_token_file {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("reading the officer token file {}", path.display()))?;
        anyhow::ensure!(
            meta.is_file() && meta.len() <= MAX_TOKEN_FILE,
            "the officer token file {} must be a file of at most {MAX_TOKEN_FILE} bytes",
            path.display()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                eprintln!(
                    "attention : le fichier du jeton {} est lisible par d'autres utilisateurs ; faites `chmod 600 {}`.",
                    path.display(),
                    path.display()
                );
            }
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the officer token file {}", path.display()))?;
        let token = text.lines().next().unwrap_or("").trim().to_owned();
        anyhow::ensure!(
            !token.is_empty(),
            "the officer token file {} is empty",
            path.display()
        );
        return Ok(Some(token));
    }
    if let Some(t) = &a.officer_token {
        eprintln!(
            "attention : --officer-token est déprécié : le jeton est visible de tous les utilisateurs de la machine dans la liste des processus. Utilisez la variable {TOKEN_ENV} ou --officer-token-file."
        );
        return Ok(Some(t.clone()));
    }
    Ok(std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty()))
}

/// Run `boucle serve`: load the territory once, then serve until Ctrl-C.
pub fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
    let token = officer_token(&a)?;
    let mut limits = server::limits::Limits::default();
    if let Some(n) = a.max_computations {
        limits.concurrent = usize::from(n);
    }
    if let Some(q) = a.queue {
        limits.queue = usize::from(q);
    }
    limits.compute_timeout = std::time::Duration::from_secs(u64::from(a.compute_timeout));
    let territory = crate::territory::Territory::load(&dir)
        .with_context(|| format!("loading the territory {}", dir.display()))?;
    let state = AppState::with_limits(territory, token, limits)
        .with_context(|| format!("loading the territory {}", dir.display()))?;
    if !server::assets::leaflet_present() {
        eprintln!(
            "attention : Leaflet est absent (web/vendor/leaflet) ; la carte affichera un message. Lancez `(cd web && npm ci)`."
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let officer = state.officer_enabled();
    let name = state.territory.manifest.name.clone();
    let method = state.method().as_str();
    rt.block_on(server::serve(a.addr, state, |bound| {
        // The first line is machine-readable: tests wait for it to learn the port.
        println!("listening on http://{bound}/");
        println!(
            "territory: {name} ({}); distances: {method}; officer access: {}",
            dir.display(),
            if officer { "enabled" } else { "disabled" }
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }))
    .with_context(|| format!("serving on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}
