import { formatBytes } from "@/lib/pull-activity/format";

/** Pulls per day as bars, with the same figures as a table for screen readers. */
export function PullChart({ days }: { days: { day: string; pulls: number; bytes: number }[] }) {
  const max = Math.max(1, ...days.map((day) => day.pulls));
  return (
    <div>
      <div aria-hidden="true" className="flex h-24 items-end gap-2" data-testid="pull-chart">
        {days.map((day) => (
          <div key={day.day} className="flex flex-1 flex-col items-center gap-1" title={`${day.day}: ${day.pulls} pulls, ${formatBytes(day.bytes)}`}>
            <div className="w-full rounded-t bg-indigo-500 dark:bg-indigo-400" style={{ height: `${Math.max(day.pulls > 0 ? 4 : 1, (day.pulls / max) * 80)}px` }} />
            <span className="text-[10px] text-zinc-600 dark:text-zinc-400">{day.day.slice(5)}</span>
          </div>
        ))}
      </div>
      <table className="sr-only">
        <caption>Pulls per day, last {days.length} days (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Pulls</th>
            <th scope="col">Bytes</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.day}>
              <td>{day.day}</td>
              <td>{day.pulls}</td>
              <td>{formatBytes(day.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
