/** Types of tsserver.mjs, for the TypeScript tests that drive it. */
export interface TsserverClient {
  /** Opens a file from disk (tsserver then loads its project). */
  open(file: string): Promise<void>;
  /** The definitions at a character offset, as `file:start:text`. */
  definition(file: string, offset: number): Promise<string[]>;
  /** The references at a character offset, as `file:start:text`. */
  references(file: string, offset: number): Promise<string[]>;
  /** The rename at a character offset: whether it is offered, its display name, and the locations it edits as `file:start:text`. */
  rename(file: string, offset: number): Promise<{ canRename: boolean; fullDisplayName?: string; locations: string[] }>;
  /** The hover text at a character offset (tsserver's `quickinfo` display string). */
  hover(file: string, offset: number): Promise<string>;
  close(): Promise<void>;
}
export declare const startTsserver: (options: { tsserver: string; cwd: string; logFile?: string; timeoutMs?: number }) => Promise<TsserverClient>;
/** The tsserver of a TypeScript installed in `directory`'s node_modules. */
export declare const tsserverIn: (directory: string) => string;
