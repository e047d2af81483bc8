// A stand-in OTLP/HTTP collector for bench/telemetry/run.ts, in a process of
// its own (as a collector is): it reads and drops each request body and
// answers 200. Prints its port on the first line.
import { createServer } from "node:http";

let requests = 0;
let bytes = 0;
const server = createServer((request, response) => {
  request.on("data", (chunk) => (bytes += chunk.length));
  request.on("end", () => {
    requests++;
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => {
  process.stderr.write(`receiver: ${requests} requests, ${bytes} bytes\n`);
  server.close(() => process.exit(0));
});
