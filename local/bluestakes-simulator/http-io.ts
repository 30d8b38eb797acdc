import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyReadResult, readRequestBody } from '../http/body-reader';
import { writeJson as writeJsonReply } from '../http/json-reply';

const MAX_BODY_BYTES = 64 * 1024;
/** Past this we stop reading and close the connection instead of draining an endless upload. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

/** Reads at most 64 KiB; an oversized body is drained (up to 8 MiB) before the 413. */
export function readBody(req: IncomingMessage): Promise<BodyReadResult> {
  return readRequestBody(req, { limit: MAX_BODY_BYTES, drainLimit: MAX_DRAIN_BYTES });
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A JSON reply as the Bluestakes API sends it; false when the client is gone or already answered. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): boolean {
  return writeJsonReply(res, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
}
