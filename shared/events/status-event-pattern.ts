import { STATUS_CHANGED_DETAIL_TYPE } from './status-changed-event.ts';

/**
 * The event pattern of a rule on status events, in CDK's `EventPattern` shape (`detailType`
 * becomes `detail-type` in the rule's JSON). The CDK construct's `onStatus` and the local stack's
 * event forwarding both take it from here, so a local consumer sees what a deployed one would.
 */
export interface StatusEventPattern {
  readonly source: string[];
  readonly detailType: string[];
  readonly detail: { readonly status: string[] };
}

export function statusEventPattern(
  source: string,
  statuses: readonly string[],
): StatusEventPattern {
  return {
    source: [source],
    detailType: [STATUS_CHANGED_DETAIL_TYPE],
    detail: { status: [...statuses] },
  };
}
