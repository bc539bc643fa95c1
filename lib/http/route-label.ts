// The route template of a request path, for metrics labels and access logs:
// few distinct values, and nothing from the URL that could be a secret (an
// invitation token is in its path; queries are never kept).
const ROUTES: [RegExp, string][] = [
  [/^\/$/, "/"],
  [/^\/(sign-in|sign-up)$/, "/$1"],
  [/^\/apps$/, "/apps"],
  [/^\/apps\/[^/]+$/, "/apps/[appSlug]"],
  [/^\/apps\/[^/]+\/registries$/, "/apps/[appSlug]/registries"],
  [/^\/apps\/[^/]+\/registries\/new$/, "/apps/[appSlug]/registries/new"],
  [/^\/apps\/[^/]+\/registries\/[^/]+$/, "/apps/[appSlug]/registries/[registryId]"],
  [/^\/team\/(audit|identity-provider|members)$/, "/team/$1"],
  [/^\/invite\/[^/]+$/, "/invite/[token]"],
  [/^\/api\/auth\/.*$/, "/api/auth/[...nextauth]"],
  [/^\/api\/(health|ready)$/, "/api/$1"],
  [/^\/api\/registries\/[^/]+\/test$/, "/api/registries/[registryId]/test"],
  [/^\/_next\/static\/.*$/, "/_next/static"],
  [/^\/_next\/image$/, "/_next/image"],
  [/^\/favicon\.ico$/, "/favicon.ico"],
];

export function routeLabel(url: string | undefined, issuerPath: string): string {
  const path = (url ?? "/").split("?", 1)[0]!;
  if (path === `${issuerPath}/.well-known/openid-configuration`) return "<issuer>/.well-known/openid-configuration";
  if (path === `${issuerPath}/jwks`) return "<issuer>/jwks";
  for (const [pattern, label] of ROUTES) if (pattern.test(path)) return path.replace(pattern, label);
  return "other";
}
