// stepgraph/ts-plugin, as tsserver loads it. tsserver (TypeScript 5.x and 6)
// resolves a plugin named in compilerOptions.plugins under node_modules the
// old CommonJS way, without reading package.json `exports`, and calls what
// require() returns: so this folder is the plugin's real path, and it exports
// the factory itself. The code is src/ts-plugin, built into dist/ts-plugin
// (whose CommonJS build may export the factory as module.exports or as default).
"use strict";
const plugin = require("../dist/ts-plugin/index.cjs");
module.exports = typeof plugin === "function" ? plugin : plugin.default;
