import { Alert } from "@/components/ui/alert";

/**
 * Why AWS would refuse the configured issuer, shown wherever the issuer is.
 * In local mode (the portal talks to a local AWS) they are facts about real
 * AWS that do not stop this setup, and say so.
 */
export function IssuerWarnings({ warnings, local = false }: { warnings: string[]; local?: boolean }) {
  if (warnings.length === 0) return null;
  return (
    <Alert
      tone={local ? "info" : "warning"}
      title={local ? "Local setup: these would stop real AWS, not the local AWS this portal uses" : "AWS will not accept this issuer as configured"}
    >
      {local && (
        <p className="mb-1">
          The portal&apos;s AWS endpoints point at a local AWS on this machine, which accepts this issuer. Fix these before pointing the portal at real AWS:
        </p>
      )}
      <ul className="list-disc space-y-1 pl-5">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </Alert>
  );
}
