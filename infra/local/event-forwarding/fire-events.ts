import type { PaymentStatus } from '#shared/callbacks/payment-status';
import type { DeadlineKind } from '#shared/events/capture-due-event';

/** What `npm run fire` can put on the bus, and the event each name makes. */
export const FIRE_EVENTS = {
  reserved: { status: 'RESERVED' },
  captured: { status: 'CAPTURED' },
  charged: { status: 'CHARGED' },
  refunded: { status: 'REFUNDED' },
  completed: { status: 'COMPLETED' },
  expired: { status: 'EXPIRED' },
  cancelled: { status: 'CANCELLED' },
  'capture-due': { deadline: 'capture-window' },
  'charge-validity-due': { deadline: 'charge-validity' },
} as const satisfies Record<string, { status: PaymentStatus } | { deadline: DeadlineKind }>;

export type FireEventName = keyof typeof FIRE_EVENTS;
