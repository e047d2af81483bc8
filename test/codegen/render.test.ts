import { describe, expect, it } from "vitest";
import { fileStems, sanitizeFileStem } from "../../codegen/render/names.js";
import { renderFiles } from "../../codegen/render/pages.js";
import { escapeMarkdown, renderMarkdown } from "../../src/graph/markdown.js";
import { renderMermaid } from "../../src/graph/mermaid.js";
import { analyzeSources } from "./helpers.js";

const HOSTILE_IDS = [`say "hi"`, "a[0] (b) {c}", "x-->y", "<b>bold</b>", "pipe|cell", "`tick`", "back\\slash", "#35; & ;"];

const hostile = () =>
  analyzeSources({
    "flow.ts": `
      import { pipeline } from "stepgraph";
      const ids = ${JSON.stringify(HOSTILE_IDS)} as const;
      export const p = pipeline("<script>alert(1)</script> | \`x\`")
        .step(ids[0], () => 1)
        .step(ids[1], { after: [ids[0]] }, () => 1)
        .step(ids[2], { after: [ids[0]] }, () => 1)
        .step(ids[3], { after: [ids[1], ids[2]] }, () => 1)
        .step(ids[4], { after: [ids[3]] }, () => 1)
        .step(ids[5], { after: [ids[4]] }, () => 1)
        .step(ids[6], { after: [ids[5]] }, () => 1)
        .step(ids[7], { after: [ids[6]] }, () => 1);
    `,
  });

/** Unescaped `|` characters: the cell separators a Markdown table row really has. */
const separators = (row: string): number => row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1;

describe("rendering hostile ids", () => {
  it("reads the ids exactly as written", () => {
    const analysis = hostile();
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents[0]?.value.kind === "pipeline" && analysis.documents[0].value.steps.map((step) => step.id)).toEqual(HOSTILE_IDS);
  });

  it("keeps them text in Mermaid: every line is a node, an edge or a subgraph, never injected structure", () => {
    const analysis = hostile();
    const page = renderFiles(analysis.documents, "mermaid", { cwd: analysis.root, outDir: analysis.root }).get("script-alert-1-script-x.mmd");
    expect(page).toBeDefined();
    const lines = (page ?? "").trimEnd().split("\n").slice(2);
    for (const line of lines) {
      expect(line).toMatch(/^\s+(s\d+\["[^"]*"\]|s\d+ --> s\d+|subgraph p\d+\["parallel"\]|direction LR|end)$/);
    }
    expect(lines.filter((line) => line.includes("-->"))).toHaveLength(8);
  });

  it("keeps them text in Markdown: no raw HTML, and every table row has its columns", () => {
    const analysis = hostile();
    const page = renderFiles(analysis.documents, "md", { cwd: analysis.root, outDir: analysis.root }).get("script-alert-1-script-x.md") ?? "";
    const prose = page.split("```")[0]! + page.split("```")[2]!;
    expect(prose).not.toMatch(/<(script|b)>/);
    expect(prose).toContain("# &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\`x\\`");
    const rows = prose.split("\n").filter((line) => line.startsWith("|"));
    expect(rows).toHaveLength(2 + HOSTILE_IDS.length);
    for (const row of rows) expect(separators(row)).toBe(9);
    expect(rows[2]).toContain('| say "hi" |');
    expect(rows[4]).toContain("| x--&gt;y |");
    expect(rows[7]).toContain("| \\`tick\\` |");
  });

  it("escapes Markdown text so that it reads back as the same characters", () => {
    expect(escapeMarkdown("a|b <i>x</i> *y* [z](u) `c` \\ _d_\nnext")).toBe(
      "a\\|b &lt;i&gt;x&lt;/i&gt; \\*y\\* \\[z\\]\\(u\\) \\`c\\` \\\\ \\_d\\_ next",
    );
  });
});

describe("pages", () => {
  const graph = {
    name: "main",
    nodes: [
      { id: "a", kind: "step" as const, after: [], config: { timeoutMs: 90_000, retries: 2, retryDelayMs: 250 } },
      { id: "b", kind: "agent" as const, after: [], config: { model: "gpt-4o-mini", costBudget: 0.05, conditional: true } },
      { id: "c", kind: "pipeline" as const, after: ["a", "b"], config: {}, pipeline: "sub-flow" },
      { id: "constructor", kind: "pipeline" as const, after: ["c"], config: {}, pipeline: "constructor" },
    ],
    edges: [
      { from: "a", to: "c" },
      { from: "b", to: "c" },
      { from: "c", to: "constructor" },
    ],
  };

  it("renders from a runtime graph alone: title, flowchart with parallel steps grouped, and a step table", () => {
    const page = renderMarkdown(graph);
    expect(page).toContain("# main\n");
    expect(page).toContain('subgraph p0["parallel"]');
    expect(page).toContain("| a | step | — | 90 s | 2 (delay 250 ms) | — | — |");
    expect(page).toContain("| b | agent, conditional | — | — | — | $0.05 | gpt-4o-mini |");
    expect(page).toContain("| c | pipeline, runs sub-flow | a, b | — | — | — | — |");
    expect(page).not.toContain("Source");
  });

  it("links sub-pipelines to their pages, in the table and the flowchart, and only those it was given", () => {
    const page = renderMarkdown(graph, { links: new Map([["sub-flow", "sub-flow.md"]]) });
    expect(page).toContain("runs [sub-flow](sub-flow.md)");
    expect(page).toContain('click s2 "sub-flow.md"');
    expect(page).toContain("| constructor | pipeline, runs constructor |");
    expect(page).not.toContain("click s3");
  });
});

describe("file names", () => {
  it("sanitises pipeline names into safe, lower-case stems", () => {
    expect(sanitizeFileStem("Résumé: Review/Draft")).toBe("resume-review-draft");
    expect(sanitizeFileStem("../../etc/passwd")).toBe("etc-passwd");
    expect(sanitizeFileStem("☃")).toBe("pipeline");
    expect(sanitizeFileStem("a".repeat(200))).toHaveLength(80);
  });

  it("makes stems unique, case-insensitively, and never index", () => {
    const document = (name: string, binding?: string) =>
      ({ value: { kind: "pipeline", name, steps: [], complete: true }, binding, location: { file: "f", line: 1, column: 1 }, exported: true }) as const;
    expect(fileStems([document("Flow", "base"), document("flow", "full"), document("flow"), document("flow"), document("index")])).toEqual([
      "flow",
      "flow-full",
      "flow-2",
      "flow-3",
      "index-2",
    ]);
  });
});

describe("the index page", () => {
  it("lists every pipeline and router with a link to its page and to its source", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline, router } from "stepgraph";
        export const b = pipeline("beta").step("x", () => 1);
        export const a = pipeline("alpha").step("x", () => 1).step("y", () => 2);
        export const r = router("choose", { routes: { a, b }, route: () => "a" });
      `,
    });
    const files = renderFiles(analysis.documents, "md", { cwd: analysis.root, outDir: `${analysis.root}/docs` });
    expect([...files.keys()].sort()).toEqual(["alpha.md", "beta.md", "choose.md", "index.md"]);
    const index = files.get("index.md") ?? "";
    expect(index.split("\n").filter((line) => line.startsWith("| ["))).toEqual([
      "| [alpha](alpha.md) (`a`) | pipeline | 2 | [flow.ts:4](../flow.ts#L4) |",
      "| [beta](beta.md) (`b`) | pipeline | 1 | [flow.ts:3](../flow.ts#L3) |",
      "| [choose](choose.md) (`r`) | router | 2 routes | [flow.ts:5](../flow.ts#L5) |",
    ]);
    expect(files.get("choose.md")).toContain("| a | [alpha](alpha.md) |");
  });
});
