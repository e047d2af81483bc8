/**
 * Reads the messages a language server writes to its stdout in
 * `Content-Length: N\r\n\r\n<N bytes of JSON>` frames: the framing of the
 * LSP (TypeScript 7's `tsc --lsp`) and of tsserver's responses and events
 * (lsp.mjs, tsserver.mjs).
 *
 * @param {import("node:stream").Readable} stream
 * @param {(message: any) => void} onMessage
 */
export const readFramedMessages = (stream, onMessage) => {
  let buffer = Buffer.alloc(0);
  stream.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      buffer = buffer.subarray(headerEnd + 4 + length);
      onMessage(message);
    }
  });
};
