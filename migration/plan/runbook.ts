// The migration runbook, generated from the two stacks: ordered steps, each with the gate that must hold before
// the next one and how to undo it. Every zone and research project of the source gets its own copy route and step;
// the copy steps name the data mover's commands (migration/mover/command.ts) and its rehearsal (`rehearse data`).

import type { WarehouseSpec } from "../../components/model";
import type { PlannedResource } from "../../engine/plan";
import { StackInventory, known, outputAt } from "./inventory";
import { readFact } from "./differences";
import type { CopyRoute, ParityRow, RunbookStep } from "./model";
import { ZONES } from "./parity";

/** The command the runbook tells operators to run: the name this package installs (package.json `bin`). */
const PROGRAM_NAME = Object.keys((require("../../package.json") as { bin: Record<string, string> }).bin)[0];

export interface RunbookInput {
    readonly from: { readonly stack: string; readonly inv: StackInventory; readonly spec?: WarehouseSpec };
    readonly to: { readonly stack: string; readonly inv: StackInventory; readonly spec?: WarehouseSpec };
    readonly rows: readonly ParityRow[];
    /** The source's research projects, in the source's order. */
    readonly projects: readonly string[];
    readonly rollbackDays: number;
    /** Mandatory findings of the target that no exemption covers, by policy. */
    readonly targetMandatoryPolicies: readonly string[];
}

/** Inputs that carry a store's or a key's own name, as the providers' SDKs spell them. */
const NAME_PROPERTIES = ["containerName", "bucket", "keyName", "name"] as const;

/** How the data mover reads the source (migration/mover/plan.ts `SOURCE_ENCRYPTIONS`), from the source's scheme. */
const SOURCE_ENCRYPTION: Record<string, string> = {
    "customer-managed-key": "service-side",
    "envelope": "client-side-v2",
};

export function copyRoutes(input: RunbookInput): CopyRoute[] {
    const { from, to, rows } = input;
    const named = (inv: StackInventory, side: "source" | "target", capability: string, fromOutputs: unknown) => {
        const row = rows.find(r => r.capability.id === capability);
        const impl = row?.[side];
        if (!impl || impl.coverage === "missing") return "MISSING";
        const out = known<string>(fromOutputs);
        if (out) return out;
        const primary = impl.primary && inv.byUrn.get(impl.primary.urn);
        return (primary && nameOf(primary)) ?? `${impl.primary?.name ?? "?"} (name known after deployment)`;
    };
    const zones = ZONES.map(z => ({
        scope: `zone:${z}`, moverScope: "platform",
        source: named(from.inv, "source", `zone:${z}`, outputAt(from.inv, "zoneBuckets", z)),
        target: named(to.inv, "target", `zone:${z}`, outputAt(to.inv, "zoneBuckets", z)),
        targetKey: named(to.inv, "target", "keys", outputAt(to.inv, "platformKeyId")),
    }));
    const projects = input.projects.map(p => ({
        scope: `project:${p}`, moverScope: p,
        source: named(from.inv, "source", `project:${p}:storage`, outputAt(from.inv, "projects", p, "bucket")),
        target: named(to.inv, "target", `project:${p}:storage`, outputAt(to.inv, "projects", p, "bucket")),
        targetKey: named(to.inv, "target", `project:${p}:key`, outputAt(to.inv, "projects", p, "keyId")),
    }));
    return [...zones, ...projects];
}

function nameOf(r: PlannedResource): string | undefined {
    for (const key of NAME_PROPERTIES) {
        const v = r.inputs[key];
        if (typeof v === "string" && known(v)) return v;
    }
    return undefined;
}

export function runbook(input: RunbookInput, routes: readonly CopyRoute[]): RunbookStep[] {
    const { from, to, rows } = input;
    const external = rows.filter(r => r.target.coverage === "external");
    const gaps = rows.filter(r => r.gap);
    const sides = {
        source: { inv: from.inv, spec: from.spec, rows, which: "source" as const },
        target: { inv: to.inv, spec: to.spec, rows, which: "target" as const },
    };
    const sourceScheme = outputAt<string>(from.inv, "encryption");
    const targetScheme = outputAt<string>(to.inv, "encryption");
    const sourceEncryption = (sourceScheme && SOURCE_ENCRYPTION[sourceScheme]) ?? "service-side";
    // Only a lock with a default period locks every object the mover writes.
    const rawLock = readFact("zone:raw:immutability", sides.target, sides.source);
    const recovery = readFact("keys:recovery", sides.source, sides.target);
    const owners = from.spec?.projects.map(p => `${p.id}: ${p.dataOwner}`) ?? [];
    const check = `${PROGRAM_NAME} check --stack ${to.stack}`;
    const steps: Omit<RunbookStep, "number">[] = [];

    steps.push({
        phase: "prepare",
        title: `Stand up the target stack ${to.stack}`,
        actions: [
            `pulumi up --stack ${to.stack}`,
            ...(gaps.length ? [`close the gaps first: ${gaps.map(g => g.capability.label).join("; ")}`] : []),
            ...external.map(r => `confirm with the provider, in writing, what the stack adopts without declaring it: ` +
                `${r.capability.label}${input.to.spec && r.capability.kind === "pool" ? ` (spec: ${poolSpec(input.to.spec, r.capability.subject!)})` : ""}`),
        ],
        gate: `the update succeeds and \`${PROGRAM_NAME} rehearse --from ${from.stack} --to ${to.stack}\` reports no gap`,
        rollback: `nothing depends on the target yet: \`pulumi destroy --stack ${to.stack}\` (unprotect its stateful ` +
            `resources first with \`pulumi state unprotect --all\`)`,
    });
    steps.push({
        phase: "prepare",
        title: `Verify the target's policies`,
        actions: [check],
        gate: `exit status 0: no mandatory finding` + (input.targetMandatoryPolicies.length
            ? ` (today: ${input.targetMandatoryPolicies.join(", ")})` : ""),
        rollback: "fix the stack or its configuration and go back to step 1",
    });
    steps.push({
        phase: "prepare",
        title: "Rehearse the data move on one machine",
        actions: [`${PROGRAM_NAME} rehearse data --volume <production volume> --bandwidth <link to ${to.stack}>`],
        gate: "exit status 0: every proof holds (copy, re-key, resume, corruption detected); the projected " +
            "production duration fits the freeze window agreed with the data owners",
        rollback: "nothing to undo: the rehearsal runs on local servers",
    });
    // A raw zone the target locks for a period cannot be emptied if the migration is rolled back: it is copied once
    // every project route has passed its gate (the project routes prove the mover, the keys and the target first).
    const rawLocked = !!rawLock && /\d+ days/.test(rawLock);
    const ordered = rawLocked
        ? [...routes.filter(r => r.scope !== "zone:raw"), ...routes.filter(r => r.scope === "zone:raw")]
        : routes;
    const firstCopy = steps.length + 1;
    const projectSteps = ordered.map((r, i) => (r.scope.startsWith("project:") ? firstCopy + i : 0)).filter(n => n > 0);
    for (const route of ordered) {
        const blocked = route.source === "MISSING" || route.target === "MISSING" || route.targetKey === "MISSING";
        const waitsForProjects = rawLocked && route.scope === "zone:raw" && projectSteps.length > 0;
        steps.push({
            phase: "copy",
            title: `Copy and re-key ${route.scope.replace(":", " ")}: ${route.source} -> ${route.target}`,
            actions: [
                ...(waitsForProjects ? [`start only once steps ${projectSteps.join(", ")} (every project route) have ` +
                    "passed their gates: the target locks what the mover writes to the raw zone"] : []),
                ...(blocked ? [`BLOCKED: the ${route.target === "MISSING" || route.targetKey === "MISSING" ? "target" : "source"} ` +
                    `does not implement ${route.scope}; close the gap first`] : []),
                `add the route to the mover plan: {"container": "${route.source}", "bucket": "${route.target}", ` +
                    `"keyId": "${route.targetKey}", "scope": "${route.moverScope}", "sourceEncryption": "${sourceEncryption}"}`,
                `run the mover Job of the target stack (indexed, one shard per pod): ` +
                    "`data-mover move --plan plan.json --shard-index $JOB_COMPLETION_INDEX --shard-count N`",
                "`data-mover verify --plan plan.json --read-source` for every shard",
            ],
            gate: "verify exits 0 for every shard: the same objects, sizes and plaintext checksums on both sides, each " +
                "target object decrypting under the target key, nothing extra; the shard manifests are archived",
            rollback: route.scope === "zone:raw" && rawLocked
                ? `the source is untouched, but the target's raw zone has ${rawLock}: what the route wrote cannot be ` +
                  "deleted before its term; a failed verify is fixed by running the route again (the mover resumes " +
                  "from its manifest and copies only what is missing or changed)"
                : "the source is untouched: delete what the route wrote to the target bucket and run it again " +
                  "(the mover resumes from its manifest)",
        });
    }
    steps.push({
        phase: "copy",
        title: "Verify counts and checksums of the whole copy",
        actions: ["`data-mover verify --plan plan.json --read-source` with every route, every shard",
            "compare the manifests' object counts and bytes per route with the source's inventory"],
        gate: `every route of the ${routes.length} verified: counts, sizes and checksums equal`,
        rollback: "re-run `data-mover move` for the routes that fail (idempotent; it copies only what is missing or changed)",
    });
    steps.push({
        phase: "cutover",
        title: `Freeze writes on the source ${from.stack}`,
        actions: [
            `tell each project's data owner the freeze window${owners.length ? ` (${owners.join("; ")})` : ""}`,
            `scale the workloads of the source's research namespaces to zero: ${namespaces(from.inv, input.projects)}`,
            "remove write access to every zone and project store of the source, for workloads and pipelines alike",
        ],
        gate: "a test write into each source store is refused; no job runs in the source namespaces",
        rollback: `restore write access: \`pulumi up --stack ${from.stack}\` re-applies the declared grants; scale the workloads back`,
    });
    steps.push({
        phase: "cutover",
        title: "Final delta copy",
        actions: ["`data-mover move --plan plan.json` again on every shard: its delta pass finds objects changed " +
            "at the source after their copy", "`data-mover verify --plan plan.json --read-source`"],
        gate: "no object pending; verify exits 0 on every shard",
        rollback: "lift the freeze (previous step's rollback); consumers are still on the source",
    });
    steps.push({
        phase: "cutover",
        title: "Copy the catalogue database",
        actions: [
            "`pg_dump --format=custom` of the source catalogue, then `pg_restore` into the target catalogue" +
                (from.spec && to.spec && from.spec.catalog.version !== to.spec.catalog.version
                    ? ` (PostgreSQL ${from.spec.catalog.version} -> ${to.spec.catalog.version}: dump with the newer client)` : ""),
            "re-point the dataset locations it records from the source stores to the target buckets (routes above)",
        ],
        gate: "every table has the same row count on both sides; each project's role can read the catalogue",
        rollback: "empty the target catalogue and restore again; the source catalogue is untouched",
    });
    steps.push({
        phase: "cutover",
        title: `Switch consumers to ${to.stack}`,
        actions: [
            `deploy the research workloads into the target namespaces: ${namespaces(to.inv, input.projects)}`,
            "hand each project its new settings (storage and key endpoints, bucket, key; the workspace ConfigMap)",
            ...(sourceScheme && targetScheme && sourceScheme !== targetScheme
                ? [`consumers move from ${sourceScheme} to ${targetScheme}: they must encrypt and decrypt with the ` +
                   "project key before they write or after they read"] : []),
        ],
        gate: "for each project: list its bucket, read and decrypt one known object, query the catalogue",
        rollback: "point consumers back to the source and lift the freeze; anything written to the target since " +
            "the switch must be copied back by hand (the mover only copies towards the target)",
    });
    steps.push({
        phase: "after",
        title: `Keep the source read-only for ${input.rollbackDays} days`,
        actions: [`leave ${from.stack} deployed and frozen; do not delete a store or a key`],
        gate: `${input.rollbackDays} days without a rollback, and each data owner's written sign-off`,
        rollback: "switch back as in the consumers step's rollback",
    });
    steps.push({
        phase: "after",
        title: "Crypto-shred the source keys",
        actions: [
            `delete every key of the source: ${sourceKeys(input)}`,
            `purge them once the key service allows it${recovery ? ` (${recovery})` : ""}`,
            "record the deletion evidence for the CNIL file, then `pulumi destroy` the source stack",
        ],
        gate: "every source key is purged; reading any source object fails",
        rollback: "none: this step is irreversible, which is why it waits for the previous gate",
    });
    return steps.map((s, i) => ({ number: i + 1, ...s }));
}

function namespaces(inv: StackInventory, projects: readonly string[]): string {
    const names = projects.map(p => {
        const ns = inv.namespaces.get(p);
        const name = (ns?.inputs?.metadata as any)?.name;
        return typeof name === "string" && known(name) ? name : ns ? ns.name : `${p} (MISSING)`;
    });
    return names.join(", ") || "(none)";
}

function sourceKeys(input: RunbookInput): string {
    const ids = ["keys", ...input.projects.map(p => `project:${p}:key`)];
    const names = ids.map(id => {
        const impl = input.rows.find(r => r.capability.id === id)?.source;
        const primary = impl?.primary && input.from.inv.byUrn.get(impl.primary.urn);
        return primary ? nameOf(primary) ?? primary.name : undefined;
    }).filter((n): n is string => !!n);
    return names.join(", ") || "(none declared)";
}

function poolSpec(spec: WarehouseSpec, pool: string): string {
    const p = (spec.compute as Record<string, any>)[`${pool}Pool`];
    return p ? `${p.size}, ${p.nodes} nodes (${p.minNodes}-${p.maxNodes})` : "?";
}
