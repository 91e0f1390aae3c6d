import { backoffMs, sleep } from '#shared/backoff';
import type { ReceivedEvent } from '../event-bridge-stand-in.ts';
import { envelopeOf } from './event-envelope.ts';
import { type EventPattern, matchesEventPattern } from './event-pattern.ts';
import type { ForwardTarget } from './forward-target.ts';

/** One event's delivery to one target, after its last try. */
export interface EventDelivery {
  /** `detail.eventId` (what consumers deduplicate on, as the console's events list shows it). */
  readonly eventId: string;
  readonly detailType: string;
  /** `detail.status` of status events, `detail.deadline` of capture-due events. */
  readonly what: string;
  readonly target: string;
  readonly delivered: boolean;
  /** The last try's HTTP status or error. */
  readonly result: string;
  readonly attempts: number;
  /** From the first try to the end of the last, backoff included. */
  readonly durationMs: number;
  /** When the first try started (ISO). */
  readonly at: string;
}

export interface EventForwarderOptions {
  readonly targets: readonly ForwardTarget[];
  readonly pattern: EventPattern;
  readonly region: string;
  /** Tries per event and target, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff before the second try, doubled for each further one. @default 500 */
  readonly baseDelayMs?: number;
  /** Each finished delivery, for the log. */
  readonly onDelivery?: (delivery: EventDelivery) => void;
}

export interface EventForwarder {
  /** Starts delivering `event` to every target if it matches the pattern; does not wait. */
  forward(event: ReceivedEvent): void;
  /** Finished deliveries, oldest first (the last 200). */
  deliveries(): readonly EventDelivery[];
  /** Resolves when every delivery started so far has finished. */
  settled(): Promise<void>;
}

const MAX_KEPT = 200;

/**
 * Delivers the local bus's events as a rule with these targets would: the pattern decides,
 * each target gets the EventBridge envelope, and a failed try is retried with backoff a bounded
 * number of times (EventBridge retries for up to 24 hours; locally a few seconds is enough).
 */
export function createEventForwarder(options: EventForwarderOptions): EventForwarder {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const done: EventDelivery[] = [];
  const inFlight = new Set<Promise<void>>();

  async function deliver(target: ForwardTarget, event: ReceivedEvent): Promise<void> {
    const envelope = envelopeOf(event, options.region);
    const startedAt = Date.now();
    let attempts = 0;
    let last = { ok: false, result: 'not tried' };
    while (attempts < maxAttempts && !last.ok) {
      if (attempts > 0) await sleep(backoffMs(attempts + 1, { baseMs: baseDelayMs }));
      attempts += 1;
      last = await target.deliver(envelope);
    }
    const detail = (event.detail ?? {}) as {
      eventId?: unknown;
      status?: unknown;
      deadline?: unknown;
    };
    const delivery: EventDelivery = {
      eventId: typeof detail.eventId === 'string' ? detail.eventId : event.eventId,
      detailType: event.detailType,
      what: String(detail.status ?? detail.deadline ?? ''),
      target: target.name,
      delivered: last.ok,
      result: last.result,
      attempts,
      durationMs: Date.now() - startedAt,
      at: new Date(startedAt).toISOString(),
    };
    done.push(delivery);
    done.splice(0, Math.max(0, done.length - MAX_KEPT));
    options.onDelivery?.(delivery);
  }

  return {
    forward(event) {
      if (!matchesEventPattern(options.pattern, envelopeOf(event, options.region))) return;
      for (const target of options.targets) {
        const running = deliver(target, event).finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
    },
    deliveries: () => done,
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}
