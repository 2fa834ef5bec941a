// French strings of the viewer, and number formatting (fr-FR). Every text shown goes through t().
const FR = {
  title: 'boucle — carte du territoire',
  loading: 'Chargement…',
  layers: 'Couches',
  legend: 'Légende',
  'layer.communes': 'Communes',
  'layer.epci': 'Intercommunalités (EPCI)',
  'layer.parks': "Zones d'activités",
  'layer.sites': 'Sites de traitement',
  'layer.actors': 'Entreprises et acteurs',
  'layer.clusters': 'Regroupements',
  'layer.rounds': 'Tournées',
  'choropleth.label': 'Colorer les communes par',
  'choropleth.population': 'population',
  'choropleth.actors': "nombre d'acteurs",
  'choropleth.flows': 'nombre de flux',
  'actors.colour': 'Couleur des acteurs',
  'actors.by_material': 'par matière',
  'actors.by_sector': "par secteur d'activité",
  'actors.material_filter': 'Matière',
  'actors.all_materials': 'toutes les matières',
  'actors.unlocated': '{n} acteur(s) sans position (non affichés)',
  'actors.spread': 'Les acteurs d’une même commune sont écartés autour du point de la commune.',
  population: 'Population',
  insee: 'Code INSEE',
  epci: 'Intercommunalité',
  actors: 'Acteurs',
  sites: 'Sites',
  flows: 'Flux',
  source: 'Source',
  sector: 'Secteur',
  naf: 'Code NAF',
  naf_unverified: '(non vérifié)',
  commune: 'Commune',
  park: "Zone d'activités",
  employees: 'Effectif',
  materials: 'Matières',
  remarks: 'Remarques',
  operator: 'Exploitant',
  accepts: 'Matières acceptées',
  address: 'Adresse',
  kind: 'Type',
  area: 'Surface',
  free_land: 'Foncier disponible',
  companies: 'Entreprises',
  jobs: 'Emplois',
  confidence: 'Fiabilité',
  'kind.company': 'Entreprise',
  'kind.ess': 'Structure ESS',
  'kind.public': 'Organisme public',
  'direction.out': 'produit',
  'direction.in': 'reçoit',
  'precision.manual': 'Position saisie à la main',
  'precision.housenumber': "Position à l'adresse",
  'precision.sirene': 'Position SIRENE',
  'precision.street': 'Position à la rue',
  'precision.park': "Position approximative : zone d'activités",
  'precision.commune': 'Position approximative : centre de la commune',
  'precision.unknown': 'Position inconnue',
  'agg.title': 'Flux agrégés (par an)',
  'agg.hidden': 'confidentiel (moins de {n} contributeurs)',
  'agg.contributors': '{n} contributeur(s)',
  'agg.none': 'Aucun flux connu.',
  estimate: 'estimation',
  demo: 'valeur de démonstration',
  'officer.flows': 'Flux (accès chargé de mission)',
  'officer.label': 'Accès chargé de mission',
  'officer.placeholder': 'jeton',
  'officer.login': 'Valider',
  'officer.logout': 'Quitter',
  'officer.on': 'Mode chargé de mission : quantités par entreprise visibles',
  'officer.off': 'Vue publique : quantités par entreprise masquées',
  'officer.bad': 'Jeton refusé',
  'officer.disabled': "L'accès chargé de mission n'est pas activé sur ce serveur",
  'legend.population': 'Population (habitants)',
  'legend.actors': "Nombre d'acteurs",
  'legend.flows': 'Nombre de flux',
  'legend.epci': 'Limite d’intercommunalité',
  'legend.park': "Zone d'activités",
  'legend.site': 'Site de traitement',
  'legend.other': 'autre',
  'legend.round': 'Tournée {n}',
  'sector.industry': 'Industrie',
  'sector.construction': 'Construction',
  'sector.trade': 'Commerce',
  'sector.transport': 'Transport, logistique',
  'sector.waste': 'Déchets, environnement',
  'sector.services': 'Services',
  'sector.unknown': 'Secteur inconnu',
  'plan.title': 'Planifier des tournées mutualisées',
  'plan.material': 'Matière',
  'plan.depot': 'Dépôt (départ et retour)',
  'plan.dump': 'Site de traitement',
  'plan.vehicles': 'Véhicules',
  'plan.time_limit': 'Temps de calcul (s)',
  'plan.default': 'par défaut',
  'plan.compute': 'Calculer les tournées',
  'plan.computing': 'Calcul en cours…',
  'plan.unavailable': "Le calcul des tournées n'est pas encore disponible sur ce serveur.",
  'plan.error': 'Erreur : {msg}',
  'plan.alone': 'Chacun seul',
  'plan.pooled': 'Mutualisé',
  'plan.savings': 'Gain',
  'plan.km': 'km',
  'plan.hours': 'heures',
  'plan.eur': '€',
  'plan.co2': 'kg CO2e',
  'plan.round': 'Tournée {n}',
  'plan.stops': '{n} arrêts',
  'plan.unassigned': 'Non desservis : {list}',
  'plan.method.road': 'distances routières (réseau OpenStreetMap)',
  'plan.method.crow_flies': "distances à vol d'oiseau × {c}",
  'plan.factors': 'Facteurs et sources',
  'reason.unlocated': 'sans position',
  'reason.zero_quantity': 'quantité nulle',
  'reason.max_duration': 'durée maximale dépassée',
  'reason.max_distance': 'distance maximale dépassée',
  'reason.unreachable': 'injoignable par la route',
  'plan.defaults_title': 'Valeurs par défaut utilisées',
  'plan.load_hidden': 'charge masquée (vue publique)',
  'export.title': 'Exports',
  'export.geojson': 'GeoJSON des couches affichées',
  'export.csv': 'CSV des couches affichées',
  'export.gpx': 'GPX',
  'export.sheet': 'Feuille de route',
  'stop.depot': 'Dépôt',
  'stop.dump': 'Vidage',
  'stop.stop': 'Collecte',
  'print.title': 'Feuille de route — tournée {n}',
  'print.print': 'Imprimer',
  'print.order': 'Ordre',
  'print.name': 'Lieu',
  'print.kind': 'Type',
  'print.arrival': 'Arrivée',
  'print.load': 'Charge',
  'print.none': 'Aucune tournée à imprimer : calculez des tournées sur la carte.',
  'attrib.osm': '© contributeurs OpenStreetMap',
  'error.load': 'Impossible de charger les données : {msg}',
};

/** The French string `key`, with `{name}` placeholders replaced from `params`. */
export function t(key, params = {}) {
  const s = FR[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
}

const nf = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const nf0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** A number in French notation (narrow no-break space thousands, decimal comma). */
export function num(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (digits === 0) return nf0.format(x);
  if (digits !== undefined) {
    return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(x);
  }
  return nf.format(x);
}

/** Seconds as "h:mm". */
export function clock(s) {
  if (s === null || s === undefined) return '—';
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

/** Escape text for HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
