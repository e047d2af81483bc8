/**
 * `stepgraph/ts-plugin`: a TypeScript language-service plugin that makes
 * step ids navigable. Enabled in a project's tsconfig.json:
 *
 * ```json
 * { "compilerOptions": { "plugins": [{ "name": "stepgraph/ts-plugin" }] } }
 * ```
 *
 * @packageDocumentation
 */
import type TS from "typescript";
import { pipelineQuickInfo } from "./hover.js";
import { navigationFor, spanOf, type Navigation } from "./internal/navigation.js";

type LanguageService = TS.LanguageService;

/**
 * The plugin factory tsserver calls with its own `typescript` module (the
 * plugin imports none, so it runs on the editor's TypeScript, 5.x or 6).
 *
 * It decorates the project's language service so that, on a step id, go to
 * definition, find references, rename and document highlights answer for
 * that pipeline's step and nothing else: the `.step("id"` literal that
 * declares it, and its uses in `after: [...]`, `ctx.dep(...)` and
 * `ctx.depOrUndefined(...)` (in the step's function, its `when`, or a
 * function given to `asStep`), `configure({ steps })`, the `steps` option of
 * `run`, `toEffect`, `runMany`, `runEach` and `stream`, and
 * `result.outputs.id` (and `const { id } = result.outputs`),
 * `result.usage.byStep.id` and `result.timing.steps.id`,
 * in every file of the project. Which pipeline a string belongs to is found
 * with the type checker (the builder chain, the symbols of the variables and
 * imports holding the pipeline, and its type), not by its text: another
 * pipeline's step of the same name is never touched.
 *
 * Hovering a pipeline (or a builder method called on one) shows its
 * name-level facts, its name, input, output, step ids, services, Effect
 * requirements and stop payloads, in a few lines, instead of the
 * `Pipeline<…>` type with the `Entry<…>` map its types carry for the
 * compiler (see `hover.ts`).
 *
 * Everything else passes through to TypeScript unchanged. If the plugin
 * fails on a request, it logs the error to the TypeScript server log and
 * answers with TypeScript's own answer.
 *
 * TypeScript 7's native server (`tsc --lsp`) does not load language-service
 * plugins: there, step ids navigate as plain strings.
 *
 * @example
 * ```ts
 * // tsconfig.json: { "compilerOptions": { "plugins": [{ "name": "stepgraph/ts-plugin" }] } }
 * // In VS Code, run "TypeScript: Select TypeScript Version" > "Use Workspace Version".
 * import ts from "typescript";
 * import init from "stepgraph/ts-plugin";
 * const plugin = init({ typescript: ts });
 * ```
 */
export default function init(modules: { readonly typescript: typeof TS }): TS.server.PluginModule {
  const ts = modules.typescript;
  return {
    create: (info) =>
      decorate(ts, info.languageService, (message) => info.project?.projectService?.logger?.info(`[stepgraph/ts-plugin] ${message}`)),
  };
}

/** The language service with step-id navigation on top; every other method is the base service's own. */
const decorate = (ts: typeof TS, base: LanguageService, log: (message: string) => void): LanguageService => {
  const navigations = new WeakMap<TS.Program, Navigation>();
  const navigation = (): Navigation | undefined => {
    const program = base.getProgram();
    if (program === undefined) return undefined;
    let known = navigations.get(program);
    if (known === undefined) navigations.set(program, (known = navigationFor(ts, program)));
    return known;
  };

  /** Runs the plugin's answer; on `undefined` (not a step id) or on an error (logged), the base service's. */
  const guarded = <Args extends unknown[], Result>(name: string, ours: (nav: Navigation, ...args: Args) => Result | undefined, fallback: (...args: Args) => Result) =>
    (...args: Args): Result => {
      try {
        const nav = navigation();
        const answer = nav === undefined ? undefined : ours(nav, ...args);
        if (answer !== undefined) return answer;
      } catch (error) {
        log(`${name} failed, answering with TypeScript's own: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      return fallback(...args);
    };

  const proxy: LanguageService = Object.create(null);
  for (const key of Object.keys(base) as Array<keyof LanguageService>) {
    const member = base[key];
    (proxy as unknown as Record<string, unknown>)[key] = typeof member === "function" ? (...args: unknown[]) => (member as (...a: unknown[]) => unknown).apply(base, args) : member;
  }

  proxy.getDefinitionAndBoundSpan = guarded("getDefinitionAndBoundSpan", (nav, fileName: string, position: number) => {
    const use = nav.useAt(fileName, position);
    return use === undefined ? undefined : { definitions: [nav.definitionOf(use.step)], textSpan: spanOf(ts, use.node) };
  }, base.getDefinitionAndBoundSpan.bind(base));

  proxy.getDefinitionAtPosition = guarded("getDefinitionAtPosition", (nav, fileName: string, position: number, ..._rest: [boolean?, boolean?]) => {
    const use = nav.useAt(fileName, position);
    return use === undefined ? undefined : [nav.definitionOf(use.step)];
  }, base.getDefinitionAtPosition.bind(base));

  const referenceEntries = (nav: Navigation, fileName: string, position: number): TS.ReferencedSymbolEntry[] | undefined => {
    const use = nav.useAt(fileName, position);
    return use === undefined
      ? undefined
      : nav.usesOf(use.step).map((found) => ({
          fileName: found.node.getSourceFile().fileName,
          textSpan: spanOf(ts, found.node),
          isWriteAccess: found.kind === "declaration",
          isDefinition: found.kind === "declaration",
        }));
  };

  proxy.findReferences = guarded("findReferences", (nav, fileName: string, position: number) => {
    const use = nav.useAt(fileName, position);
    const references = referenceEntries(nav, fileName, position);
    if (use === undefined || references === undefined) return undefined;
    const definition = nav.definitionOf(use.step);
    const text = `(step) ${definition.containerName}.${use.step.id}`;
    return [{ definition: { ...definition, displayParts: [{ text, kind: "text" }] }, references }];
  }, base.findReferences.bind(base));

  proxy.getReferencesAtPosition = guarded("getReferencesAtPosition", referenceEntries, base.getReferencesAtPosition.bind(base));

  proxy.getDocumentHighlights = guarded("getDocumentHighlights", (nav, fileName: string, position: number, filesToSearch: string[]): TS.DocumentHighlights[] | undefined => {
    const references = referenceEntries(nav, fileName, position);
    if (references === undefined) return undefined;
    return filesToSearch.flatMap((file) => {
      const here = references.filter((reference) => reference.fileName === file);
      if (here.length === 0) return [];
      return [{
        fileName: file,
        highlightSpans: here.map((reference) => ({
          fileName: file,
          textSpan: reference.textSpan,
          kind: reference.isWriteAccess ? ts.HighlightSpanKind.writtenReference : ts.HighlightSpanKind.reference,
        })),
      }];
    });
  }, base.getDocumentHighlights.bind(base));

  proxy.getRenameInfo = guarded("getRenameInfo", (nav, fileName: string, position: number, ..._rest: [TS.UserPreferences?]): TS.RenameInfo | undefined => {
    const use = nav.useAt(fileName, position);
    if (use === undefined) return undefined;
    const definition = nav.definitionOf(use.step);
    return {
      canRename: true,
      displayName: use.step.id,
      fullDisplayName: `${definition.containerName}.${use.step.id}`,
      kind: ts.ScriptElementKind.memberVariableElement,
      kindModifiers: "",
      triggerSpan: spanOf(ts, use.node),
    };
  }, base.getRenameInfo.bind(base) as (fileName: string, position: number, preferences?: TS.UserPreferences) => TS.RenameInfo);

  proxy.findRenameLocations = guarded("findRenameLocations", (nav, fileName: string, position: number, ..._rest: unknown[]) => {
    const use = nav.useAt(fileName, position);
    return use === undefined
      ? undefined
      : nav.usesOf(use.step).map((found): TS.RenameLocation => ({
          fileName: found.node.getSourceFile().fileName,
          textSpan: spanOf(ts, found.node),
          // `const { extract } = result.outputs` becomes `const { extracted: extract } = …`: the variable keeps its name.
          ...(found.shorthand === true ? { suffixText: `: ${found.id}` } : {}),
        }));
  }, base.findRenameLocations.bind(base) as (fileName: string, position: number, ...rest: unknown[]) => readonly TS.RenameLocation[] | undefined) as LanguageService["findRenameLocations"];

  proxy.getQuickInfoAtPosition = (fileName: string, position: number, ...rest: unknown[]): TS.QuickInfo | undefined => {
    const prior = (base.getQuickInfoAtPosition as (fileName: string, position: number, ...rest: unknown[]) => TS.QuickInfo | undefined).apply(base, [fileName, position, ...rest]);
    try {
      const program = base.getProgram();
      return (program === undefined ? undefined : pipelineQuickInfo(ts, program, fileName, position, prior)) ?? prior;
    } catch (error) {
      log(`getQuickInfoAtPosition failed, answering with TypeScript's own: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return prior;
    }
  };

  return proxy;
};
