/** Small deterministic text helpers used by the default responder. */

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

const STOP_WORDS = new Set([
  "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "Of", "For",
  "And", "Or", "But", "If", "Then", "When", "While", "With", "From", "To", "By", "As", "Is", "Are",
  "Was", "Were", "Be", "He", "She", "They", "We", "You", "I", "My", "Our", "Your", "Their", "His",
  "Her", "Please", "Extract", "Return", "Find", "List", "Give", "Classify", "Summarize", "Summarise",
  "Text", "Document", "Input", "Output", "Here", "There", "Also", "Dear", "Hi", "Hello", "Thanks",
]);

/** Words (letters/digits) in order of appearance. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Whitespace-separated tokens, first `n`, re-joined with single spaces. */
export function firstWords(text: string, n: number): string {
  return text.split(/\s+/).filter((w) => w.length > 0).slice(0, n).join(" ");
}

/** 32-bit FNV-1a hash: stable across runs and platforms. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `"hello world"` → `"Hello world"`. */
export function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/**
 * When a prompt starts with an instruction line ("Extract the people from:\n…"),
 * returns the material after it; otherwise the text unchanged.
 */
export function stripInstruction(text: string): string {
  const m = /^\s*(?:extract|classify|summari[sz]e|categori[sz]e|label)\b[^\n:]*[:\n]([\s\S]*)$/i.exec(text);
  const rest = m?.[1]?.trim();
  return rest !== undefined && rest.length > 0 ? rest : text;
}

/**
 * Runs of capitalised words, e.g. "Alice Smith met Bob at Acme Corp" →
 * ["Alice Smith", "Bob", "Acme Corp"]. Common sentence starters are skipped.
 */
export function entities(text: string): string[] {
  const found: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > 0) found.push(run.join(" "));
    run = [];
  };
  for (const token of text.split(/\s+/)) {
    const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    const capitalised = /^\p{Lu}/u.test(word) && !STOP_WORDS.has(word);
    if (capitalised) run.push(word);
    else flush();
    // Punctuation after a word ends the entity ("Paris, London").
    if (capitalised && /[^\p{L}\p{N}]$/u.test(token)) flush();
  }
  flush();
  return [...new Set(found)];
}

const POSITIVE = ["good", "great", "love", "excellent", "happy", "thanks", "thank", "amazing", "perfect", "wonderful", "pleased"];
const NEGATIVE = ["bad", "terrible", "hate", "awful", "broken", "refund", "angry", "poor", "worst", "disappointed", "complaint"];

function countHits(haystack: string, needles: readonly string[]): number {
  const list = words(haystack.toLowerCase());
  return list.filter((w) => needles.includes(w)).length;
}

const LABEL_LIST = /\b(?:one of|labels?|categories|options|classes)\b\s*(?:\([^)]*\))?\s*[:=-]?\s*\[?([^\n\]]+)/i;

/** Labels listed in a prompt: "… as one of: invoice, contract or letter". */
export function labelsInPrompt(text: string): string[] {
  const m = LABEL_LIST.exec(text);
  if (m?.[1] === undefined) return [];
  return m[1]
    .split(/,|\||\bor\b|\//)
    .map((s) => s.trim().replace(/^["'`]+|["'`.]+$/g, "").trim())
    .filter((s) => s.length > 0 && s.length <= 40);
}

/**
 * Picks a label for `text`: the candidate mentioned most often in the text
 * (outside the candidate list itself), a sentiment guess when no candidates
 * are given, else a stable hash-based pick.
 */
export function classify(text: string, candidates: readonly string[] = labelsInPrompt(text)): string {
  const list = LABEL_LIST.exec(text);
  const body = stripInstruction(list === null ? text : text.replace(list[0], " "));
  if (candidates.length === 0) {
    const score = countHits(body, POSITIVE) - countHits(body, NEGATIVE);
    return score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
  }
  let best: string | undefined;
  let bestScore = 0;
  for (const candidate of candidates) {
    const score = countHits(body, words(candidate.toLowerCase()));
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  if (best !== undefined) return best;
  const lower = candidates.map((c) => c.toLowerCase());
  const sentiment = classify(body, []);
  if (lower.includes(sentiment)) return candidates[lower.indexOf(sentiment)]!;
  return candidates[hash(body) % candidates.length]!;
}
