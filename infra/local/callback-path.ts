/**
 * Where Front Payment calls back, as in the CDK stack: `${CALLBACK_PATH}/{reservationId}` for
 * sessions created now, the bare path for those created before our id was part of it. Here
 * rather than in the CDK construct, so the local stack does not load aws-cdk-lib.
 */
export const CALLBACK_PATH = '/callbacks/front-payment';
