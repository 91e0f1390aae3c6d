/** EventBridge `source` of our events unless EVENT_SOURCE says otherwise. */
export const DEFAULT_EVENT_SOURCE = 'frontpayment.reservations';
