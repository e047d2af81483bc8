// telemetry takes what otlp() (or fromTracer) makes, not its options.
import { pipeline } from "../../src/index.js";
import { otlp } from "../../src/telemetry/index.js";

const p = pipeline("traced").step("a", () => 1);

// @ts-expect-error the collector's URL goes to otlp({ url }), not to telemetry
p.run(undefined, { telemetry: "http://localhost:4318" });
// @ts-expect-error otlp()'s options are not telemetry themselves
p.run(undefined, { telemetry: { url: "http://localhost:4318" } });
// @ts-expect-error a misspelt option of otlp() says `Did you mean to write 'captureContent'?`
otlp({ captureContents: true });
