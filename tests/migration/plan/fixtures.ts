// StackPlan-shaped fixtures built by hand: a small warehouse on an imaginary cloud, with the component tree the
// warehouse program produces (a warehouse, five blocks named `<name>-<block>`, labelled research namespaces) and
// the knobs the tests turn (a project missing, an encryption scheme, a retention lock, a block left to the provider).

import type { PlannedResource, StackPlan } from "../../../engine/plan";
import { UNKNOWN } from "../../../engine/wire";
import { PROJECT_LABEL } from "../../../components/workspaces";

export interface FixtureOptions {
    readonly stack: string;
    /** The cloud's word, used in type tokens (e.g. `cloudA:storage:Bucket`). */
    readonly cloud: string;
    readonly projects?: readonly string[];
    /** Projects whose bucket, key and namespace the stack forgets to declare. */
    readonly forget?: readonly string[];
    readonly encryption?: "customer-managed-key" | "envelope";
    readonly apiAccess?: "private" | "restricted";
    /** Days of the raw zone's retention lock; undefined: no lock. */
    readonly rawLockDays?: number;
    /** The compute block adopts a cluster delivered outside the program (declares nothing). */
    readonly externalCompute?: boolean;
    readonly keySize?: number;
}

export const PROJECTS = ["alpha", "beta", "gamma"];

export function fixturePlan(o: FixtureOptions): StackPlan {
    const project = "health-data-warehouse";
    const urnOf = (parentType: string, type: string, name: string) =>
        `urn:pulumi:${o.stack}::${project}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
    const resources: PlannedResource[] = [];
    const add = (type: string, name: string, parent: PlannedResource | undefined, custom: boolean,
                 inputs: Record<string, unknown> = {}, outputs: Record<string, unknown> = {}): PlannedResource => {
        const parentChain = parent && parent.parent ? parent.urn.split("::")[2] : "";
        const r: PlannedResource = {
            urn: urnOf(parentChain, type, name), type, name, custom, parent: parent?.urn ?? "", provider: "",
            dependencies: [], propertyDependencies: {}, inputs, outputs, origin: "program",
            options: { ignoreChanges: [], replaceOnChanges: [], aliases: [], additionalSecretOutputs: [] },
        };
        resources.push(r);
        return r;
    };
    const projects = o.projects ?? PROJECTS;
    const declared = projects.filter(p => !(o.forget ?? []).includes(p));
    const stack = add("pulumi:pulumi:Stack", `${project}-${o.stack}`, undefined, false);
    const wh = add("health-data:warehouse:HealthDataWarehouse", "hdh", stack, false, {}, {
        outputs: {
            target: o.cloud, region: `${o.cloud}-region-1`, jurisdiction: "FR",
            encryption: o.encryption ?? "envelope",
            zoneBuckets: { raw: UNKNOWN, curated: UNKNOWN },
            platformKeyId: UNKNOWN,
            projects: Object.fromEntries(projects.map(p => [p, { bucket: UNKNOWN, keyId: UNKNOWN, namespace: `rp-${p}` }])),
            clusterApiAccess: o.apiAccess ?? "private",
            endpoints: {
                storage: { url: UNKNOWN, private: true }, keys: { url: UNKNOWN, private: true },
                catalog: { url: UNKNOWN, private: true }, clusterApi: { url: UNKNOWN, private: (o.apiAccess ?? "private") === "private" },
            },
        },
    });
    const block = (kind: string) => add(`health-data:${o.cloud}:${kind[0].toUpperCase()}${kind.slice(1)}`, `hdh-${kind}`, wh, false);
    const network = block("network");
    add(`${o.cloud}:network:PrivateNetwork`, "hdh-network-net", network, true, { cidr: "10.40.0.0/16" });
    const keys = block("keys");
    add(`${o.cloud}:kms:Vault`, "hdh-keys-vault", keys, true, { softDeleteRetentionInDays: 90 });
    add(`${o.cloud}:kms:Key`, "hdh-keys-platform", keys, true, { keyName: "platform", keySize: o.keySize ?? 3072, kty: "RSA" });
    for (const p of declared) add(`${o.cloud}:kms:Key`, `hdh-keys-${p}`, keys, true, { keyName: `project-${p}`, keySize: o.keySize ?? 3072, kty: "RSA" });
    const compute = block("compute");
    if (!o.externalCompute) {
        add(`${o.cloud}:kube:Cluster`, "hdh-compute-cluster", compute, true, { availabilityZones: ["a", "b", "c"] });
        add(`${o.cloud}:kube:NodePool`, "hdh-compute-system", compute, true, { availabilityZones: ["a", "b", "c"] });
        add(`${o.cloud}:kube:NodePool`, "hdh-compute-analytics", compute, true, { availabilityZones: ["a", "b", "c"] });
    }
    const storage = block("storage");
    add(`${o.cloud}:storage:Bucket`, "hdh-storage-raw", storage, true, {
        bucket: `${o.stack}-raw`,
        ...(o.rawLockDays ? { objectLock: { status: "enabled", rule: { mode: "compliance", period: `P${o.rawLockDays}D` } } } : {}),
    });
    add(`${o.cloud}:storage:Bucket`, "hdh-storage-curated", storage, true, { bucket: `${o.stack}-curated` });
    for (const p of declared) add(`${o.cloud}:storage:Bucket`, `hdh-storage-rp-${p}`, storage, true, { bucket: `${o.stack}-rp-${p}` });
    const catalog = block("catalog");
    add(`${o.cloud}:db:Database`, "hdh-catalog-db", catalog, true, { nodes: [{}, {}], plan: "business" });
    for (const p of declared) {
        const ws = add("health-data:kubernetes:ResearchWorkspace", `hdh-${p}`, wh, false);
        add("kubernetes:core/v1:Namespace", `hdh-${p}-namespace`, ws, true,
            { metadata: { name: `rp-${p}`, labels: { [PROJECT_LABEL]: p } } });
    }
    return {
        stack: o.stack, project, programDir: "/fixture", stackFile: null,
        runtime: { dir: "/fixture", version: "3.248.0" }, resources, outputs: {}, invokes: [], notes: [],
        timings: { programMs: 0, totalMs: 0 },
    };
}

/** A finding on the resource of a fixture plan with this name. */
export function findingOn(plan: StackPlan, name: string, policy: string, level: "mandatory" | "advisory" = "mandatory") {
    const r = plan.resources.find(x => x.name === name);
    if (!r) throw new Error(`no resource ${name} in ${plan.stack}`);
    return { policy, level, exempt: false, message: `${policy} on ${name}`, urn: r.urn };
}
