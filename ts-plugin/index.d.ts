// The type of stepgraph/ts-plugin (see index.js): the factory of dist/ts-plugin.
import init from "../dist/ts-plugin/index.cjs";
export = init;
