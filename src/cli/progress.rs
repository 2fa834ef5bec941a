//! Progress bars on stderr (indicatif) for the core's long operations.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::Progress;

/// Draws one bar per phase on stderr, in bytes.
#[derive(Debug, Default)]
pub struct Bar(Mutex<Option<ProgressBar>>);

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        let pb = ProgressBar::new(total.unwrap_or(0));
        pb.set_style(
            ProgressStyle::with_template("{msg:>6} [{bar:40}] {bytes}/{total_bytes} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.set_message(what.to_owned());
        if let Ok(mut g) = self.0.lock()
            && let Some(old) = g.replace(pb)
        {
            old.finish_and_clear();
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(g) = self.0.lock()
            && let Some(pb) = g.as_ref()
        {
            pb.inc(n);
        }
    }

    fn finish(&self) {
        if let Ok(mut g) = self.0.lock()
            && let Some(pb) = g.take()
        {
            pb.finish_and_clear();
        }
    }
}
