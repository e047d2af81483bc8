/**
 * A minimal client for TypeScript's tsserver (typescript/lib/tsserver.js)
 * over its stdio protocol, as an editor drives it: open a file, ask for a
 * definition, references or a rename. tsserver finds the file's tsconfig.json
 * and loads the plugins it names from the project's node_modules, as it does
 * in VS Code. Self-contained (Node built-ins only), so that the package check
 * can copy it into a consumer project.
 *
 *   const server = await startTsserver({ tsserver, cwd });
 *   await server.open(file);
 *   const definitions = await server.definition(file, offset);
 *   await server.close();
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readFramedMessages } from "./framing.mjs";

/** Line and 1-based offset of a character offset in a text, as tsserver counts them. */
const locationOf = (text, offset) => {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, offset: before.at(-1).length + 1 };
};
/** The character offset of a tsserver location. */
const offsetOf = (text, { line, offset }) => text.split("\n").slice(0, line - 1).reduce((sum, row) => sum + row.length + 1, 0) + offset - 1;

/**
 * Starts tsserver; `logFile` (verbose) records what it loaded.
 *
 * @param {{ tsserver: string, cwd: string, logFile?: string, timeoutMs?: number }} options
 */
export const startTsserver = async ({ tsserver, cwd, logFile, timeoutMs = 120_000 }) => {
  const args = [tsserver, "--disableAutomaticTypingAcquisition", "--suppressDiagnosticEvents"];
  if (logFile !== undefined) args.push("--logVerbosity", "verbose", "--logFile", logFile);
  const child = spawn(process.execPath, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
  let seq = 0;
  const pending = new Map();
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  readFramedMessages(child.stdout, (message) => {
    if (message.type !== "response") return;
    const waiter = pending.get(message.request_seq);
    pending.delete(message.request_seq);
    if (message.success === false) waiter?.reject(new Error(`tsserver ${waiter.command}: ${message.message}`));
    else waiter?.resolve(message.body);
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));

  const request = (command, args) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`tsserver ${command}: no answer within ${timeoutMs} ms${stderr ? `\n${stderr}` : ""}`));
      }, timeoutMs);
      pending.set(id, {
        command,
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      child.stdin.write(`${JSON.stringify({ seq: id, type: "request", command, arguments: args })}\n`);
    });

  const texts = new Map();
  const textOf = (file) => texts.get(file) ?? readFileSync(file, "utf8");
  /** A span of a tsserver answer as `file:start:text`, the text read from the file as opened. */
  const spanOf = (file, start, end) => {
    const text = textOf(file);
    const from = offsetOf(text, start);
    return `${file}:${from}:${text.slice(from, offsetOf(text, end))}`;
  };

  return {
    /** Opens a file from disk (tsserver then loads its project). */
    open: async (file) => {
      texts.set(file, readFileSync(file, "utf8"));
      // `open` has no response; a following request waits for the project to load.
      child.stdin.write(`${JSON.stringify({ seq: ++seq, type: "request", command: "open", arguments: { file, fileContent: texts.get(file) } })}\n`);
    },
    /** The definitions at a character offset, as `file:start:text`. */
    definition: async (file, offset) => {
      const body = await request("definitionAndBoundSpan", { file, ...locationOf(textOf(file), offset) });
      return (body?.definitions ?? []).map((definition) => spanOf(definition.file, definition.start, definition.end));
    },
    /** The references at a character offset, as `file:start:text`. */
    references: async (file, offset) => {
      const body = await request("references", { file, ...locationOf(textOf(file), offset) });
      return (body?.refs ?? []).map((reference) => spanOf(reference.file, reference.start, reference.end));
    },
    /** The rename at a character offset: whether it is offered, its display name, and the locations it edits as `file:start:text`. */
    rename: async (file, offset) => {
      const body = await request("rename", { file, ...locationOf(textOf(file), offset), findInStrings: false, findInComments: false });
      return {
        canRename: body?.info?.canRename ?? false,
        fullDisplayName: body?.info?.fullDisplayName,
        locations: (body?.locs ?? []).flatMap((group) => group.locs.map((location) => spanOf(group.file, location.start, location.end))),
      };
    },
    /** The hover text at a character offset (tsserver's `quickinfo` display string). */
    hover: async (file, offset) => {
      const body = await request("quickinfo", { file, ...locationOf(textOf(file), offset) });
      return body?.displayString ?? "";
    },
    close: async () => {
      child.stdin.end(`${JSON.stringify({ seq: ++seq, type: "request", command: "exit" })}\n`);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** The tsserver of a TypeScript installed in `directory`'s node_modules. */
export const tsserverIn = (directory) => join(directory, "node_modules", "typescript", "lib", "tsserver.js");
