import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

// Inside the portal a missing page keeps the navigation: a record of another
// team lands here too, without saying whether it exists.
export default function PortalNotFound() {
  return (
    <EmptyState
      title="Page not found"
      description="It may have been deleted, or it belongs to another team. Check the address, or switch teams if you have more than one."
      action={<ButtonLink href="/apps">Go to applications</ButtonLink>}
    />
  );
}
