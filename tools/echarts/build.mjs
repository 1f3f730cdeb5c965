// Bundles entry.js into one minified file in the vendored static folder (no CDN: deployments
// may be on an intranet). Reproducible: package-lock.json pins every package.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";

const out = "../../static/vendor/echarts/echarts.custom.min.js";
const version = JSON.parse(readFileSync("node_modules/echarts/package.json", "utf8")).version;
await build({
  entryPoints: ["entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2017",
  legalComments: "none",
  outfile: out,
  banner: { js: `/* Apache ECharts ${version}, custom build (bar, line, grid, legend, tooltip, SVG): tools/echarts. Apache-2.0, see LICENSE beside this file. */` },
});
writeFileSync(
  "../../static/vendor/echarts/VERSION",
  `Apache ECharts ${version} (npm package echarts@${version}), custom build by tools/echarts (make echarts): bar and line charts, grid, legend, tooltip, SVG renderer. Vendored: deployments may have no internet.\n`,
);
