/** A route: method(s), a path pattern whose capture groups become the parameters, a handler. */
export interface Route<TContext> {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  readonly handle: (context: TContext, parameters: readonly string[]) => Promise<void>;
}

export type RouteMatch<TContext> =
  | { readonly kind: 'found'; readonly route: Route<TContext>; readonly parameters: string[] }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found' };

export function matchRoute<TContext>(
  routes: readonly Route<TContext>[],
  method: string,
  pathname: string,
): RouteMatch<TContext> {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (!route.methods.includes(method)) continue;
    return {
      kind: 'found',
      route,
      parameters: match.slice(1).map((part) => decodeURIComponent(part)),
    };
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}
