// The runbook's order matches its gates: a raw zone the target locks (compliance retention) cannot be emptied on a
// rollback, so it is copied only once every project route has passed its gate, and the step says which ones.

import { rehearsal } from "../../../migration/plan/report";
import { PROJECTS, fixturePlan } from "./fixtures";

const side = (plan: ReturnType<typeof fixturePlan>) => ({ plan, findings: [] });

const copies = (report: ReturnType<typeof rehearsal>) => report.runbook.filter(s => s.title.startsWith("Copy and re-key"));

test("a locked raw zone is copied after every project route, and its step names their gates", () => {
    const report = rehearsal(side(fixturePlan({ stack: "cloud-a-prod", cloud: "clouda" })),
        side(fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", rawLockDays: 365 })));
    const steps = copies(report);
    const raw = steps.findIndex(s => s.title.startsWith("Copy and re-key zone raw"));
    const projects = PROJECTS.map(p => steps.findIndex(s => s.title.startsWith(`Copy and re-key project ${p}`)));
    expect(projects.every(i => i >= 0 && i < raw)).toBe(true);
    const numbers = PROJECTS.map(p => steps.find(s => s.title.startsWith(`Copy and re-key project ${p}`))!.number);
    expect(steps[raw].actions[0]).toBe(`start only once steps ${numbers.join(", ")} (every project route) have passed their gates: ` +
        "the target locks what the mover writes to the raw zone");
    expect(steps[raw].rollback).not.toMatch(/copy raw only after a project route/);
});

test("an unlocked raw zone keeps the routes' order", () => {
    const report = rehearsal(side(fixturePlan({ stack: "cloud-a-prod", cloud: "clouda" })),
        side(fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb" })));
    expect(copies(report)[0].title).toMatch(/^Copy and re-key zone raw/);
});
