//! `boucle vrp solve FILE.json`: a problem in VROOM's input format solved by the engine, the
//! answer in VROOM's output shape (see [`crate::vroom`]).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::SolveArgs;
use crate::cli::DataArg;
use crate::network::{CrowFlies, CrowFliesRouter};
use crate::territory::Territory;
use crate::travel::Travel;
use crate::vrp::SolverParams;

/// Largest VROOM file read (bytes).
pub const MAX_JSON_BYTES: u64 = 128 << 20;

/// Whether `path` holds a VROOM problem: a `.json` name, or text starting with `{`.
pub fn is_vroom(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return true;
    }
    let mut head = [0u8; 256];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let k = std::io::Read::read(&mut f, &mut head).unwrap_or(0);
    crate::vroom::looks_like_json(&String::from_utf8_lossy(&head[..k]))
}

/// The territory's travel context when one can be loaded, else the default crow-flies estimate.
fn travel(data: &DataArg) -> anyhow::Result<Travel> {
    let dir = data.resolve();
    match Territory::load(&dir) {
        Ok(t) => Travel::for_territory(&t).context("opening the territory's router"),
        Err(_) => {
            let cf = CrowFlies::default();
            Ok(Travel::with_router(Box::new(CrowFliesRouter(cf)), cf))
        }
    }
}

/// Solves the VROOM problem of `args.file` and prints (or writes) VROOM's output.
pub fn solve(args: &SolveArgs, params: SolverParams) -> anyhow::Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let path = &args.file;
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if size > MAX_JSON_BYTES {
        anyhow::bail!(
            "{}: {size} bytes, more than the limit of {MAX_JSON_BYTES}",
            path.display()
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut input = crate::vroom::parse(
        &text,
        crate::limits::max_stops(),
        crate::limits::max_matrix_points(),
    )
    .with_context(|| format!("{}", path.display()))?;
    if args.strict_vroom {
        for v in &mut input.vehicles {
            v.unloading = None;
        }
    }
    if let Some(k) = args.vehicles {
        anyhow::bail!(
            "--vehicles {k}: a VROOM problem lists its vehicles; edit the file's `vehicles` instead"
        );
    }
    let travel = if input.matrices.is_none() {
        travel(&args.data)?
    } else {
        let cf = CrowFlies::default();
        Travel::with_router(Box::new(CrowFliesRouter(cf)), cf)
    };
    let prepared =
        crate::vroom::prepare(input, &travel).with_context(|| format!("{}", path.display()))?;
    let loading_ms = t0.elapsed().as_secs_f64() * 1e3;
    let out = crate::vroom::solve(&prepared, &params, loading_ms)
        .with_context(|| format!("solving {}", path.display()))?;
    let text = serde_json::to_string(&out)?;
    match &args.out {
        Some(o) => crate::io::atomic::write_atomic(o, text.as_bytes())
            .with_context(|| format!("writing {}", o.display()))?,
        None => println!("{text}"),
    }
    let violations = out["summary"]["violations"].as_array().map_or(0, Vec::len);
    if violations > 0 {
        anyhow::bail!("the solution breaks {violations} constraint(s): see `violations`");
    }
    Ok(ExitCode::SUCCESS)
}
