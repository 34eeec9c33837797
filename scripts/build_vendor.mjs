// Copy the browser builds Fireline's pages load from node_modules/ into
// src/fireline/web/static/vendor/. Run after `npm ci` (the Makefile's `vendor` target).
// The vendor folder is gitignored: front-end packages come from the npm registry,
// never from the repository (docs/architecture.md, "Interfaces").
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src", "fireline", "web", "static", "vendor");

// [package, file inside the package, name in vendor/]. UMD builds: they define
// globals (htmx, vega, vegaLite, vegaEmbed, cytoscape) and need no bundler.
const FILES = [
  ["htmx.org", "dist/htmx.min.js", "htmx.min.js"],
  ["vega", "build/vega.min.js", "vega.min.js"],
  ["vega-lite", "build/vega-lite.min.js", "vega-lite.min.js"],
  ["vega-embed", "build/vega-embed.min.js", "vega-embed.min.js"],
  ["cytoscape", "dist/cytoscape.min.js", "cytoscape.min.js"],
  // Swagger UI for /api/v1/docs, served from here rather than a CDN so the page works
  // on a network without internet access.
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui.css"],
];

function version(pkg) {
  const manifest = JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8"));
  return manifest.version;
}

const missing = FILES.filter(([pkg, file]) => !existsSync(join(root, "node_modules", pkg, file)));
if (missing.length) {
  const names = missing.map(([pkg, file]) => `${pkg}/${file}`).join(", ");
  console.error(`build_vendor: missing ${names}; run \`npm ci\` first`);
  process.exit(1);
}

mkdirSync(target, { recursive: true });
const manifest = {};
for (const [pkg, file, name] of FILES) {
  copyFileSync(join(root, "node_modules", pkg, file), join(target, name));
  manifest[name] = { package: pkg, version: version(pkg) };
}
// The app reads this to know the vendor build is complete (and shows the versions).
writeFileSync(join(target, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`build_vendor: ${FILES.length} files copied to ${target}`);
