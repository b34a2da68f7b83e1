// Leadership on the real Lease table: one leader at a time, taken over after the lease expires,
// released at once on a clean stop; node-cron's run coordinator lets each fire run once, on the leader.
import { afterEach, describe, expect, it } from "vitest";
import { createLeadership, type Leadership } from "../../src/scheduler/leadership.ts";
import { createLeaseStore } from "../../src/store/lease-store.ts";
import { FakeClock } from "../helpers/harness.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

function instance(db: TempDb["db"], holder: string, clock: FakeClock, events: string[]): Leadership {
  return createLeadership({
    leases: createLeaseStore(db),
    holder,
    ttlMs: 1_000,
    clock,
    onGain: async () => void events.push(`${holder}:gain`),
    onLose: async (reason) => void events.push(`${holder}:lose:${reason}`),
    onError: (error) => events.push(`${holder}:error:${String(error)}`),
  });
}

describe("leadership", () => {
  it("has one leader; another takes over when the leader stops renewing; a clean stop hands over at once", async () => {
    t = await openTempDb();
    const clock = new FakeClock(new Date("2026-03-16T00:00:00Z"));
    const events: string[] = [];
    const a = instance(t.db, "A", clock, events);
    const b = instance(t.db, "B", clock, events);
    await a.round();
    await b.round();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    clock.advanceMinutes(0.5 / 60);
    await a.round(); // renewed
    clock.advanceMinutes(0.9 / 60);
    await b.round();
    expect(b.isLeader()).toBe(false);
    // A stalls (dead or cut off): after its lease expires B takes over, and A learns it lost.
    clock.advanceMinutes(0.2 / 60);
    await b.round();
    expect(b.isLeader()).toBe(true);
    await a.round();
    expect(a.isLeader()).toBe(false);
    expect(events).toEqual(["A:gain", "B:gain", "A:lose:lost"]);
    // A clean stop releases the lease: A gets it on its next round without waiting for expiry.
    await b.stop();
    await a.round();
    expect(a.isLeader()).toBe(true);
    expect(events.slice(3)).toEqual(["B:lose:stopping", "A:gain"]);
    await a.stop();
  });

  it("lets each scheduled fire run once, and only on the leader", async () => {
    t = await openTempDb();
    const clock = new FakeClock(new Date("2026-03-16T00:00:00Z"));
    const a = instance(t.db, "A", clock, []);
    const b = instance(t.db, "B", clock, []);
    await a.round();
    await b.round();
    const slot = "sopbot-tick:2026-03-16T00:00:00.000Z";
    expect(await b.coordinator.shouldRun(slot, 60_000)).toBe(false); // not the leader
    expect(await a.coordinator.shouldRun(slot, 60_000)).toBe(true);
    // A hands over in the same minute: the new leader does not run that fire again.
    await a.stop();
    await b.round();
    expect(b.isLeader()).toBe(true);
    expect(await b.coordinator.shouldRun(slot, 60_000)).toBe(false);
    expect(await b.coordinator.shouldRun("sopbot-tick:2026-03-16T00:01:00.000Z", 60_000)).toBe(true);
    await b.stop();
  });
});
