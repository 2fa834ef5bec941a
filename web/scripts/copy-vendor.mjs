// Copies node_modules/leaflet/dist into web/vendor/leaflet (git-ignored), which the boucle
// binary serves at /vendor/leaflet/ (read from disk in debug builds, embedded in release builds).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(web, 'node_modules', 'leaflet', 'dist');
const to = join(web, 'vendor', 'leaflet');
if (!existsSync(from)) {
  console.error(`copy-vendor: ${from} missing; run "npm ci" in web/`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true });
console.log(`copy-vendor: Leaflet copied to ${to}`);
