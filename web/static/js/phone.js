// On a phone (narrow screen) the panel is a bottom sheet over the full-width map: its handle
// opens and folds it. Choosing a point on the map folds it, so that the map can be tapped.

/** Wire the panel's handle; `map` is told when its size changes. */
export function phonePanel(map) {
  const side = document.getElementById('sidebar');
  const handle = document.getElementById('panel-toggle');
  if (!side || !handle) return;
  const set = (open) => {
    side.classList.toggle('open', open);
    handle.setAttribute('aria-expanded', String(open));
  };
  handle.addEventListener('click', () => set(!side.classList.contains('open')));
  // A point to pick on the map: the sheet folds away.
  document.addEventListener('change', (e) => {
    if (e.target?.id === 'plan-dump' && e.target.value === '__pick') set(false);
  });
  window.matchMedia('(max-width: 700px)').addEventListener('change', () => map.invalidateSize({ pan: false }));
}
