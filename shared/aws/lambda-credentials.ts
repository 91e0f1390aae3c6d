import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` (the SDK's default credential chain) in the
 * deployed bundles: `infra/house-function.ts` aliases that package to this file. Lambda puts the
 * function role's credentials in the environment, which is the chain's first link and the only
 * one Lambda ever reaches; the other links (SSO, ini files, process, web identity, container and
 * instance metadata) and their nested STS and SSO clients are about 90 KB that every cold start
 * would compile and never run. Tests and local runs use the sources, with the whole chain.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
