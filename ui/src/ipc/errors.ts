import type { RpcError as RpcErrorBody } from "../protocol";

/** The plugin answered a request with a JSON-RPC error. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(method: string, body: RpcErrorBody) {
    super(`${method} failed: ${body.message} (${body.code})`);
    this.name = "RpcError";
    this.code = body.code;
    this.data = body.data;
  }
}

/** The connection went away (or was not there) before the answer came. */
export class DisconnectedError extends Error {
  constructor(method: string, detail: string) {
    super(`${method}: ${detail}`);
    this.name = "DisconnectedError";
  }
}

/** No answer within the request timeout. */
export class RequestTimeoutError extends Error {
  constructor(method: string, ms: number) {
    super(`${method}: no answer within ${ms} ms`);
    this.name = "RequestTimeoutError";
  }
}
