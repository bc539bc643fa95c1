import "server-only";
// The audit log as CSV: the same filters as the page, every matching event,
// newest first, streamed in batches. Cells are defused against spreadsheet
// formulas (names, emails and registry labels are chosen by users).
import { describeAction, describeActor, describeMetadata, describeTargetType } from "@/lib/audit/describe";
import type { TAuditListQuery } from "@/lib/audit/list-query";
import { auditEventBatches } from "@/lib/audit/service";
import { resolveMetadataNames } from "@/lib/audit/targets";
import { csvRow } from "@/lib/pull-activity/csv";

export const AUDIT_CSV_HEADER = ["time_utc", "actor", "actor_user_id", "actor_token_id", "action", "action_description", "target_type", "target_id", "details"] as const;

export async function* auditEventsCsv(teamId: string, query: TAuditListQuery): AsyncGenerator<string> {
  yield csvRow(AUDIT_CSV_HEADER);
  for await (const batch of auditEventBatches(teamId, query)) {
    const names = await resolveMetadataNames(teamId, batch);
    yield batch
      .map((event) =>
        csvRow([
          event.createdAt.toISOString(),
          describeActor(event),
          event.actorUserId,
          event.actorTokenId,
          event.action,
          describeAction(event.action),
          event.targetType ? describeTargetType(event.targetType) : null,
          event.targetId,
          describeMetadata(event.metadata, names).join("; "),
        ]),
      )
      .join("");
  }
}
