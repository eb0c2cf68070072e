// Copies the GOV.UK Frontend files the pages and the compiled CSS need into static/dist/,
// which Django serves as STATICFILES_DIRS (static/dist/x is /static/x). `npm run build` runs
// this before sass compiles static/src/scss/academy.scss. The sources in static/src/ are never
// served; only what lands in static/dist/ is. No dependencies beyond Node itself.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "static", "dist");

const copies = [
  // The JavaScript, loaded as a module; its source map must exist because the manifest
  // storage of collectstatic follows the sourceMappingURL comment.
  [join(govuk, "govuk-frontend.min.js"), join(dist, "govuk", "govuk-frontend.min.js")],
  [join(govuk, "govuk-frontend.min.js.map"), join(dist, "govuk", "govuk-frontend.min.js.map")],
  // Images the CSS refers to ($govuk-assets-path is /static/govuk/assets/), and the manifest.
  // The fonts are left out: the academy uses the system font stack, not GDS Transport.
  [join(govuk, "assets", "images"), join(dist, "govuk", "assets", "images")],
  [join(govuk, "assets", "manifest.json"), join(dist, "govuk", "assets", "manifest.json")],
  // The academy's own neutral images (favicon).
  [join(root, "static", "src", "images"), join(dist, "images")],
];

rmSync(join(dist, "govuk"), { recursive: true, force: true });
rmSync(join(dist, "images"), { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const [from, to] of copies) {
  cpSync(from, to, { recursive: true });
}
console.log(`Copied GOV.UK Frontend assets into ${dist}`);
