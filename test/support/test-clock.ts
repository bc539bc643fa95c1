// A clock the notification worker's tests move by hand.
import type { WorkerClock } from "@/lib/notifications/worker";

export class TestClock implements WorkerClock {
  constructor(private at = Date.now()) {}
  now() {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at += ms;
  }
}
