import { vi } from "vitest";

/**
 * Runs an example's `main` offline (OPENAI_API_KEY unset, so it starts the
 * local server) and returns what it printed with console.log. Restore the
 * console spy with `vi.restoreAllMocks()` after each test.
 */
export const printedBy = async (main: () => Promise<void>): Promise<string> => {
  const key = process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_API_KEY;
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void lines.push(parts.join(" ")));
  try {
    await main();
  } finally {
    if (key !== undefined) process.env.OPENAI_API_KEY = key;
  }
  return lines.join("\n");
};
