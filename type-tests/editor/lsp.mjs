/**
 * A minimal LSP client for TypeScript 7's native server (`tsc --lsp --stdio`):
 * opens a scratch file and asks for what an editor asks for (pulled
 * diagnostics, completions, hover). One server per client; `close` ends it.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { withoutCursor, writeScratch } from "./language-service.mjs";
import { readFramedMessages } from "./framing.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsc7 = join(dirname(require.resolve("typescript7/package.json")), "bin/tsc");
export const version7 = require("typescript7/package.json").version;

/**
 * Starts a server rooted at the repository; `timeoutMs` bounds every request. Scratch files are
 * written to type-tests/editor/.tmp/, or to `directory` (a project with its own tsconfig.json).
 */
export const startServer = async ({ timeoutMs = 60_000, directory } = {}) => {
  const root = join(here, "..", "..");
  const child = spawn(process.execPath, [tsc7, "--lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let nextId = 1;
  const pending = new Map();
  const notifications = [];
  child.stderr.on("data", () => {});
  readFramedMessages(child.stdout, (message) => {
    if (message.id !== undefined && message.method !== undefined) {
      // A request from the server (configuration, registration): answer with nothing.
      send({ jsonrpc: "2.0", id: message.id, result: message.method === "workspace/configuration" ? (message.params?.items ?? []).map(() => null) : null });
    } else if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter?.resolve(message.result);
    } else notifications.push(message);
  });
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message));
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  };
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer from TypeScript ${version7} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        method,
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      send(params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params });
    });
  const notify = (method, params) => send(params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params });

  const initialized = await request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: {
      textDocument: {
        diagnostic: { relatedInformation: true },
        completion: { completionItem: { snippetSupport: false } },
        hover: { contentFormat: ["plaintext", "markdown"] },
        signatureHelp: { signatureInformation: { parameterInformation: { labelOffsetSupport: true } } },
        publishDiagnostics: { relatedInformation: true },
      },
    },
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: "stepgraph" }],
  });
  notify("initialized", {});

  const versions = new Map();
  const positionOf = (text, offset) => {
    const before = text.slice(0, offset).split("\n");
    return { line: before.length - 1, character: before.at(-1).length };
  };
  const offsetOf = (text, { line, character }) =>
    text.split("\n").slice(0, line).reduce((sum, row) => sum + row.length + 1, 0) + character;

  /** Opens (or changes) a scratch file; returns what the other calls take. */
  const open = (name, source) => {
    const { text, cursor } = withoutCursor(source);
    const file = writeScratch(name, text, directory);
    const uri = pathToFileURL(file).href;
    const version = (versions.get(uri) ?? 0) + 1;
    versions.set(uri, version);
    if (version === 1) notify("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version, text } });
    else notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return { uri, text, cursor };
  };

  const diagnostics = async ({ uri, text }) => {
    const report = await request("textDocument/diagnostic", { textDocument: { uri } });
    // Errors only: TypeScript 7 also pulls hints (unused imports), which editors grey out.
    return (report?.items ?? []).filter((item) => item.severity === 1).map((item) => ({
      code: item.code,
      message: item.message,
      lines: item.message.split("\n").length,
      underlined: text.slice(offsetOf(text, item.range.start), offsetOf(text, item.range.end)),
      line: item.range.start.line + 1,
      related: (item.relatedInformation ?? []).map((related) => related.message),
    }));
  };

  const completions = async ({ uri, text, cursor }) => {
    const list = await request("textDocument/completion", { textDocument: { uri }, position: positionOf(text, cursor) });
    return (Array.isArray(list) ? list : (list?.items ?? [])).map((item) => item.label);
  };

  const hover = async ({ uri, text, cursor }) => {
    const result = await request("textDocument/hover", { textDocument: { uri }, position: positionOf(text, cursor) });
    const contents = result?.contents;
    return typeof contents === "string" ? contents : Array.isArray(contents) ? contents.map((c) => c.value ?? c).join("\n") : (contents?.value ?? "");
  };

  /** The parameter signature help shows at the cursor, as `name: type`. */
  const signatureParameter = async ({ uri, text, cursor }) => {
    const help = await request("textDocument/signatureHelp", { textDocument: { uri }, position: positionOf(text, cursor) });
    const signature = help?.signatures?.[help.activeSignature ?? 0];
    const parameter = signature?.parameters?.[signature.activeParameter ?? help.activeParameter ?? 0];
    if (parameter === undefined) return "";
    return typeof parameter.label === "string" ? parameter.label : signature.label.slice(parameter.label[0], parameter.label[1]);
  };

  const close = async () => {
    try {
      await Promise.race([request("shutdown"), new Promise((resolve) => setTimeout(resolve, 2000))]);
      notify("exit");
    } finally {
      setTimeout(() => child.kill(), 500).unref();
    }
  };

  return { capabilities: initialized.capabilities, pid: child.pid, open, diagnostics, completions, hover, signatureParameter, close, request };
};
