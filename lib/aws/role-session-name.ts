/** RoleSessionName for the portal's sessions: at most 64 characters of [\w+=,.@-], deterministic. */
export function buildRoleSessionName(teamPublicId: string, registryId: string): string {
  const clean = (value: string) => value.replace(/[^\w+=,.@-]/g, "");
  return `portal-${clean(teamPublicId)}-${clean(registryId)}`.slice(0, 64);
}
