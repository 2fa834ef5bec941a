// The officer's session on the client. Nothing company-level is ever written to localStorage:
// the token stays in sessionStorage (this tab), computed answers in memory. Views that hold
// company-level data register a `clear` callback here; logging out, or the server refusing the
// token (expired or changed), clears them all and closes the route sheets opened from this tab.

const clearers = new Set();
const sheets = new Set();

/** Register `fn`, called when the officer's session ends (logout or token refused). */
export function onSessionEnd(fn) {
  clearers.add(fn);
}

/** Remember a window opened from this tab (route sheet), closed when the session ends. */
export function trackWindow(w) {
  if (w) sheets.add(w);
}

/** End the session's client state: every registered view cleared, opened sheets closed. */
export function endSession() {
  for (const w of sheets) {
    try {
      w.close();
    } catch {
      // A window already closed by the user.
    }
  }
  sheets.clear();
  for (const fn of clearers) fn();
}
