/** W4's DAG: W1's diamond with 1 ms per step, so scheduling cost dominates. */
import { diamond } from "../lib/dag.js";

export const W4_DAG = diamond({ extract: 1, classify: 1, entities: 1, generate: 1, validate: 1 });
