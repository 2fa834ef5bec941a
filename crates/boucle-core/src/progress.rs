//! Progress of long operations (imports), reported to the caller through a trait, so that the
//! library needs no terminal: the CLI draws a progress bar, tests and the server pass
//! [`Silent`].

/// Receives the progress of a long operation.
pub trait Progress: Sync {
    /// A new phase starts: `what` in a few words, `total` units of work when known.
    fn start(&self, what: &str, total: Option<u64>);
    /// `n` more units of the current phase are done.
    fn advance(&self, n: u64);
    /// The current phase is over.
    fn finish(&self);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _what: &str, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
