import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackSender } from './callback-sender.ts';
import type { FaultInjector } from './fault-injector.ts';
import type { ReadBody } from './http-io.ts';
import type { ReservationStore } from './reservation-store.ts';
import type { Sleeper } from './sleeper.ts';
import type { SandboxCall, SandboxCallback, SandboxQuirks } from './types.ts';

/** Everything a request handler of the sandbox works with. */
export interface SandboxContext {
  /** The sandbox's own base URL (known once it listens); checkout links point here. */
  baseUrl(): string;
  readonly token: string;
  readonly store: ReservationStore;
  readonly callbacks: CallbackSender;
  readonly faults: FaultInjector;
  readonly sleeper: Sleeper;
  readonly calls: SandboxCall[];
  readonly callbackLog: SandboxCallback[];
  quirks(): SandboxQuirks;
  setQuirks(quirks: Partial<SandboxQuirks>): void;
  readonly allowedTaxRates: readonly number[];
  readonly bodyLimitBytes: number;
}

/** One request, its body already read. */
export interface SandboxRequest {
  readonly incoming: IncomingMessage;
  readonly response: ServerResponse;
  readonly method: string;
  readonly pathname: string;
  readonly body: ReadBody;
}

export function bodyText(request: SandboxRequest): string {
  return request.body.tooLarge ? '' : request.body.bytes.toString('utf8');
}
