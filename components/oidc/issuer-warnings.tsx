import { Alert } from "@/components/ui/alert";

/** Why AWS would refuse the configured issuer, shown wherever the issuer is. */
export function IssuerWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert tone="warning" title="AWS will not accept this issuer as configured">
      <ul className="list-disc space-y-1 pl-5">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </Alert>
  );
}
