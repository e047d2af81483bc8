import { describe, expect, it } from "vitest";
import { pipeline } from "../../src/index.js";

describe("graph", () => {
  const p = pipeline("doc")
    .step("extract", { timeout: "5 seconds", retries: 2 }, () => ["a"])
    .step("classify", { after: ["extract"] }, () => "x")
    .step("lookupA", { after: ["extract"] }, () => 1)
    .step("report", { after: ["classify", "lookupA"], costBudget: 0.5 }, () => "r");

  it("returns nodes in declaration order with their dependencies and config", () => {
    const graph = p.graph();
    expect(graph.name).toBe("doc");
    expect(graph.nodes.map((node) => node.id)).toEqual(["extract", "classify", "lookupA", "report"]);
    expect(graph.nodes[0]).toEqual({ id: "extract", kind: "step", after: [], config: { timeoutMs: 5000, retries: 2 } });
    expect(graph.nodes[3]!.config).toEqual({ costBudget: 0.5 });
    expect(graph.edges).toEqual([
      { from: "extract", to: "classify" },
      { from: "extract", to: "lookupA" },
      { from: "classify", to: "report" },
      { from: "lookupA", to: "report" },
    ]);
  });

  it("renders Mermaid with parallel steps grouped", () => {
    expect(p.toMermaid()).toBe(
      [
        "flowchart TD",
        '  s0["extract"]',
        '  subgraph p1["parallel"]',
        "    direction LR",
        '    s1["classify"]',
        '    s2["lookupA"]',
        "  end",
        '  s3["report"]',
        "  s0 --> s1",
        "  s0 --> s2",
        "  s1 --> s3",
        "  s2 --> s3",
        "",
      ].join("\n"),
    );
  });

  it("escapes ids so quotes, brackets, arrows and HTML render as text", () => {
    const nasty = pipeline("nasty").step('a"] --> b[<script>', () => 1);
    const mermaid = nasty.toMermaid();
    expect(mermaid).toContain('s0["a#34;#93; --#62; b#91;#60;script#62;"]');
    expect(mermaid).not.toContain("<script>");
    expect(mermaid.split("\n").filter((line) => line.includes("-->"))).toEqual([]);
  });
});

describe("graph config", () => {
  it("shows configure() overrides in node config", () => {
    const p = pipeline("cfg")
      .step("a", { timeout: 100, retries: 1 }, () => 1)
      .configure({ steps: { a: { retries: 3 } } });
    expect(p.graph().nodes[0]!.config).toEqual({ timeoutMs: 100, retries: 3 });
  });
});
