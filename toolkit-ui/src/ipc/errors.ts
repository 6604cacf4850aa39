import type { RpcError as RpcErrorBody } from "../protocol";

/** The plugin answered a request with a JSON-RPC error. */
export class RpcError extends Error {
  readonly code: number;
  /** The plugin's message as it sent it (`message` adds the method and the code). */
  readonly detail: string;
  readonly data: unknown;

  constructor(method: string, body: RpcErrorBody) {
    super(`${method} failed: ${body.message} (${body.code})`);
    this.name = "RpcError";
    this.code = body.code;
    this.detail = body.message;
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
