import type { Readable } from 'node:stream';

/**
 * Reads the first line of a stream (standard input), trimmed. Secrets such as PINs and tokens come this way,
 * never from argv, where `ps` and shell history see them.
 */
export async function readFirstLine(stream: Readable = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]?.trim() ?? '';
}
