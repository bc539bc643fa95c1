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
      title={local ? "A local setup: every step works here" : "AWS will not accept this issuer as configured"}
    >
      {local ? (
        <p className="mb-1">
          This portal works with a local stand-in for AWS, which accepts its issuer, so you can follow every step and run the Test here. Real AWS would refuse the issuer, for reasons the portal&apos;s operator
          fixes:
        </p>
      ) : (
        <p className="mb-1">Tests will fail until the portal&apos;s operator fixes this; nothing on your side can work around it:</p>
      )}
      <ul className="list-disc space-y-1 pl-5">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </Alert>
  );
}
