import type { ContractViolationError } from '@tasksgodzilla/api-contract';
import type { FetchLike } from '@tasksgodzilla/client';
import { contractViolation } from './http/route-schema.js';

/**
 * Answers off the api contract that a test saw, wherever it saw them: the in-process api reports its
 * own (`buildApi`'s `onContractViolation`), a client over HTTP checks what it receives (`fetch`).
 */
export interface ContractWatch {
  /** Every answer that did not match the contract, in the order seen. */
  readonly violations: ContractViolationError[];
  /** Records one violation (give it to `buildApi` as `onContractViolation`). */
  record(error: ContractViolationError): void;
  /** Runs one exchange; the first violation recorded meanwhile is thrown, and counts as reported. */
  around<T>(send: () => Promise<T>): Promise<T>;
  /**
   * A fetch for `createClient` that checks each answer against the contract (event streams are not
   * read) and rejects with the violation; it stays unreported, as the client may retry or wrap it.
   */
  fetch: FetchLike;
  /** Throws, listing them, when violations were recorded that no call threw. */
  assertAllReported(): void;
}

export function createContractWatch(base: FetchLike = (input, init) => globalThis.fetch(input, init)): ContractWatch {
  const violations: ContractViolationError[] = [];
  let reported = 0;
  const record = (error: ContractViolationError): void => {
    violations.push(error);
  };
  return {
    violations,
    record,
    async around(send) {
      const seen = violations.length;
      const result = await send();
      if (violations.length > seen) {
        reported = violations.length;
        throw violations[seen];
      }
      return result;
    },
    async fetch(input, init) {
      const response = await base(input, init);
      const contentType = response.headers.get('content-type') ?? undefined;
      if (contentType?.startsWith('text/event-stream')) return response;
      const url = new URL(input);
      const violation = contractViolation({
        method: init?.method ?? 'GET',
        url: `${url.pathname}${url.search}`,
        status: response.status,
        contentType,
        text: await response.clone().text(),
      });
      if (!violation) return response;
      record(violation);
      throw violation;
    },
    assertAllReported() {
      const unreported = violations.slice(reported);
      if (unreported.length > 0)
        throw new Error(`Answers off the api contract:\n${unreported.map((error) => error.message).join('\n')}`);
    },
  };
}
