//! `boucle serve`: the HTTP API and the map viewer.

use std::net::SocketAddr;
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
    /// The officer's secret: requests with `Authorization: Bearer TOKEN` see company-level flow
    /// quantities. Without it, officer access is disabled.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "BOUCLE_OFFICER_TOKEN",
        hide_env_values = true
    )]
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

/// Run `boucle serve`: load the territory once, then serve until Ctrl-C.
pub fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
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
    let state = AppState::with_limits(territory, a.officer_token.clone(), limits)
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
