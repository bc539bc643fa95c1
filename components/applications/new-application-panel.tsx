"use client";
// "New application" on the applications page: the form itself while the team
// has none, otherwise a button that opens it (the list comes first).
import { useState } from "react";
import { CreateApplicationForm } from "@/components/applications/create-application-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export function NewApplicationPanel({ startOpen }: { startOpen: boolean }) {
  const [open, setOpen] = useState(startOpen);
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        New application
      </Button>
    );
  }
  return (
    <Card
      title="New application"
      actions={
        startOpen ? undefined : (
          <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        )
      }
    >
      <CreateApplicationForm autoFocus={!startOpen} />
    </Card>
  );
}
