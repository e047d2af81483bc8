import { defineConfig } from "tsup";

// `npm run build` runs scripts/fix-cjs-declarations.mjs after tsup: see there.
export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      "testing/index": "src/testing/index.ts",
      "durable/index": "src/durable/index.ts",
      "telemetry/index": "src/telemetry/index.ts",
      // stepgraph/ts-plugin, loaded by tsserver through ts-plugin/index.js
      // (see there); built here so that one declaration build writes its types.
      "ts-plugin/index": "src/ts-plugin/index.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    treeshake: true,
    // See src/agents/tokens.ts: the CommonJS build imports the tokenizer by a
    // specifier bundlers do not follow, since they cannot tree-shake CommonJS.
    esbuildOptions(options, { format }) {
      options.define = { ...options.define, STEPGRAPH_OPAQUE_TOKENIZER_IMPORT: format === "cjs" ? "true" : "false" };
    },
  },
  {
    // The docs command uses top-level await, so it ships as ESM only.
    entry: { cli: "codegen/cli.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    target: "node20",
    external: ["ts-morph"],
  },
]);
