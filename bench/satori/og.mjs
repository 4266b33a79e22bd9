// The invite card of renderer/og_image.py, rendered by Satori (SVG) and resvg (PNG), for
// bench/og_image.py. Same fonts, same text, same 1200×630 layout as closely as CSS allows.
//
//   node og.mjs --n 100 [--photo photo.jpg] [--save-dir DIR]
//
// Prints one JSON object: {"variant": {"median_ms": …, "p95_ms": …, "bytes": …}, …}.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { Resvg } from "@resvg/resvg-js";
import satori from "satori";

const here = dirname(fileURLToPath(import.meta.url));
const fontDirectory = join(here, "..", "..", "renderer", "fonts");

const { values: options } = parseArgs({
  options: {
    n: { type: "string", default: "100" },
    photo: { type: "string" },
    "save-dir": { type: "string" },
  },
});

function font(file, name, weight) {
  return { name, data: readFileSync(join(fontDirectory, file)), weight, style: "normal" };
}

// Satori falls back glyph by glyph through this list, as renderer/fonts.py does.
const fonts = [
  font("NotoSans-Regular.ttf", "Noto Sans", 400),
  font("NotoSans-Bold.ttf", "Noto Sans", 700),
  font("NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari", 400),
  font("NotoSansDevanagari-Bold.ttf", "Noto Sans Devanagari", 700),
];

const latin = {
  title: "Priya's birthday dinner",
  host: "Hosted by Priya",
  name: "The Bombay Canteen",
  locality: "Jubilee Hills, Hyderabad",
  when: "Sat 12 Dec · 8:00 PM",
  party: "Table for 6",
};
const hindi = {
  title: "प्रिया का जन्मदिन",
  host: "Hosted by प्रिया",
  name: "सागर रत्न",
  locality: "कनॉट प्लेस, नई दिल्ली",
  when: "Sat 12 Dec · 8:00 PM",
  party: "Table for 6",
};

function h(type, style, ...children) {
  return { type, props: { style, children: children.length === 1 ? children[0] : children } };
}

function card(text, photoUrl) {
  const gold = "#f4c56e";
  const layers = [];
  if (photoUrl) {
    layers.push({
      type: "img",
      props: {
        src: photoUrl,
        width: 1200,
        height: 630,
        style: { position: "absolute", left: 0, top: 0, width: 1200, height: 630, objectFit: "cover" },
      },
    });
  }
  // The designed background (renderer/fallback_image.py) approximated with CSS gradients, then
  // the same darkening for legibility as the Pillow card.
  const background = photoUrl
    ? "linear-gradient(180deg, rgba(12,7,4,0.62) 0%, rgba(12,7,4,0.05) 40%, rgba(12,7,4,0.35) 60%, rgba(12,7,4,0.88) 100%)"
    : "radial-gradient(circle at 80% 20%, #d9692f 0%, #4a141c 45%, #1a0a0c 100%)";
  layers.push(
    h("div", { position: "absolute", left: 0, top: 0, width: 1200, height: 630, backgroundImage: background }),
  );
  layers.push(
    h("div", {
      position: "absolute", left: 22, top: 22, width: 1156, height: 586,
      border: "1.5px solid rgba(244,197,110,0.38)", borderRadius: 18,
    }),
  );
  const pill = (label, style) =>
    h("div", { display: "flex", alignItems: "center", height: 50, padding: "0 22px", borderRadius: 25, fontSize: 26, ...style }, label);
  layers.push(
    h(
      "div",
      {
        position: "absolute", left: 72, top: 56, width: 1056, height: 514,
        display: "flex", flexDirection: "column", color: "white",
      },
      h("div", { fontSize: 19, letterSpacing: 4, fontWeight: 700, color: gold }, "YOU'RE INVITED"),
      h("div", { fontSize: 40, fontWeight: 700, marginTop: 14 }, text.title),
      h("div", { fontSize: 26, color: "#ece2d4", marginTop: 6 }, text.host),
      h("div", { flexGrow: 1 }),
      h("div", { width: 56, height: 4, backgroundColor: gold, marginBottom: 26 }),
      h("div", { fontSize: 84, fontWeight: 700, lineHeight: 1.1, maxHeight: 185, overflow: "hidden", textOverflow: "ellipsis", lineClamp: 2 }, text.name),
      h("div", { fontSize: 30, color: "#ece2d4", marginTop: 14, marginBottom: 24 }, text.locality),
      h(
        "div",
        { display: "flex", alignItems: "center" },
        pill(text.when, { backgroundColor: gold, color: "#1e120a", fontWeight: 700 }),
        pill(text.party, { backgroundColor: "rgba(255,255,255,0.16)", marginLeft: 14 }),
        h("div", { flexGrow: 1 }),
        h("div", { fontSize: 24, fontWeight: 700, color: "#ece2d4" }, "tablefor"),
      ),
    ),
  );
  return h("div", { display: "flex", position: "relative", width: 1200, height: 630, fontFamily: "Noto Sans, Noto Sans Devanagari", backgroundColor: "#1a0a0c" }, ...layers);
}

async function renderPng(element) {
  const svg = await satori(element, { width: 1200, height: 630, fonts });
  return new Resvg(svg, { fitTo: { mode: "original" } }).render().asPng();
}

async function measure(name, element, n) {
  const durations = [];
  let png = await renderPng(element); // warm-up: font parsing, JIT
  for (let i = 0; i < n; i += 1) {
    const start = process.hrtime.bigint();
    png = await renderPng(element);
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  durations.sort((a, b) => a - b);
  if (options["save-dir"]) writeFileSync(join(options["save-dir"], `satori-${name}.png`), png);
  return {
    median_ms: durations[Math.floor((n - 1) / 2)],
    p95_ms: durations[Math.min(n - 1, Math.ceil(n * 0.95) - 1)],
    bytes: png.length,
  };
}

const n = Number(options.n);
const results = {
  fallback: await measure("fallback", card(latin), n),
  hindi: await measure("hindi", card(hindi), n),
};
if (options.photo) {
  const photoUrl = `data:image/jpeg;base64,${readFileSync(options.photo).toString("base64")}`;
  results.photo = await measure("photo", card(latin, photoUrl), n);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
