// HealthDataWarehouse: the warehouse composed once from the five building blocks of a target, plus the portable
// research workspaces. Its outputs have the same shape on every cloud, so stacks can be compared side by side.

import * as pulumi from "@pulumi/pulumi";
import { WarehouseSpec, warehouseLabels } from "./model";
import {
    BlockContext, CatalogDatabase, Compute, EncryptionScheme, Endpoint, KeyManagement, NetworkIsolation, Storage,
    Target,
} from "./target";
import { ResearchWorkspace, mergeAccess } from "./workspaces";
import { DataMoverJob, dataMoverArgs } from "./data-mover-job";
import { WarehouseIntents, warehouseIntents } from "./intents";

export interface HealthDataWarehouseArgs<N extends NetworkIsolation, K extends KeyManagement, C extends Compute,
    S extends Storage, D extends CatalogDatabase> {
    readonly spec: WarehouseSpec;
    readonly target: Target<N, K, C, S, D>;
}

/** An endpoint as a plain value: where, and whether only the warehouse network reaches it. */
export interface EndpointOutput {
    readonly url: string;
    readonly private: boolean;
}

export interface ProjectOutput {
    readonly bucket: string;
    readonly keyId: string;
    readonly namespace: string;
}

/** The neutral outputs: identical keys on every target, compared by the migration rehearsal. */
export interface WarehouseOutputs {
    readonly target: string;
    readonly region: string;
    readonly jurisdiction: string;
    readonly encryption: EncryptionScheme;
    readonly storageEndpoint: string;
    readonly zoneBuckets: { readonly raw: string; readonly curated: string };
    readonly platformKeyId: string;
    readonly projects: Readonly<Record<string, ProjectOutput>>;
    readonly clusterName: string;
    readonly clusterApiAccess: "private" | "restricted";
    readonly endpoints: {
        readonly storage: EndpointOutput;
        readonly keys: EndpointOutput;
        readonly catalog: EndpointOutput;
        readonly clusterApi: EndpointOutput;
    };
    /** The endpoints reachable only from the warehouse network. */
    readonly privateEndpoints: readonly string[];
}

export class HealthDataWarehouse<N extends NetworkIsolation, K extends KeyManagement, C extends Compute,
    S extends Storage, D extends CatalogDatabase> extends pulumi.ComponentResource {
    readonly network: N;
    readonly keys: K;
    readonly compute: C;
    readonly storage: S;
    readonly catalog: D;
    private readonly projectWorkspaces: Record<string, ResearchWorkspace> = {};
    /** Filled as the research projects are added; complete once `ready` resolves. */
    readonly workspaces: Readonly<Record<string, ResearchWorkspace>> = this.projectWorkspaces;
    /**
     * Resolves once every research project has been declared, with the data mover that spans them all and the
     * outputs. A program awaits it, so that a failure while declaring a project fails the program.
     */
    readonly ready: Promise<void>;
    private mover?: DataMoverJob;
    private intents?: WarehouseIntents;
    private fields?: Record<string, unknown>;
    private neutral?: pulumi.Output<WarehouseOutputs>;

    constructor(name: string, args: HealthDataWarehouseArgs<N, K, C, S, D>, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:warehouse:HealthDataWarehouse", name, {}, opts);
        const { spec, target } = args;
        const ctx: BlockContext = {
            spec, region: target.region, labels: warehouseLabels(spec), protect: spec.protect,
        };
        const child = { parent: this };

        this.network = target.network(`${name}-network`, ctx, child);
        this.keys = target.keys(`${name}-keys`, { ...ctx, network: this.network }, child);
        this.compute = target.compute(`${name}-compute`, { ...ctx, network: this.network, keys: this.keys }, child);
        this.storage = target.storage(`${name}-storage`, { ...ctx, network: this.network, keys: this.keys }, child);
        this.catalog = target.catalog(`${name}-catalog`, { ...ctx, network: this.network, keys: this.keys }, child);

        this.ready = this.addProjects(name, spec, target, ctx.labels);
        // Now, not once the projects are in: the runtime registers a component's outputs (as none) one tick after its
        // constructor unless it has. Registered field by field rather than as one Output: a preview then keeps every
        // value it already knows (encryption scheme, API access, which endpoints are private), which the offline
        // migration rehearsal reads. A failure registers none; the program that awaits `ready` reports it.
        this.registerOutputs(this.ready.then(() => ({ outputs: this.fields }), () => ({})));
    }

    /** The neutral outputs; known once `ready` resolves. */
    get outputs(): pulumi.Output<WarehouseOutputs> {
        if (!this.neutral) throw new Error("the warehouse's outputs are known once its `ready` promise resolves");
        return this.neutral;
    }

    /** Set, once `ready` resolves, when the spec has a `migration` section. */
    get dataMover(): DataMoverJob | undefined {
        return this.mover;
    }

    /**
     * Each project's resources in every block, then its workspace, one project per turn of the event loop; then
     * what spans them all. A failure only rejects `ready` (no output derives from it): the program awaiting `ready`
     * reports it.
     */
    private async addProjects(name: string, spec: WarehouseSpec, target: { name: string; region: string },
                              labels: Readonly<Record<string, string>>): Promise<void> {
        const platform = this.compute.platform;
        // Workload identity: the token exchange goes to the identity provider on the internet (no private endpoint
        // exists for it); the NetworkPolicy opens its addresses, the firewall narrows them to its name.
        const identity = platform.identityProvider ? [{ settings: {}, secrets: {}, serviceAccountAnnotations: {},
            egress: platform.identityProvider.egress }] : [];
        for (const project of spec.projects) {
            this.network.addProject?.(project);
            this.keys.addProject(project);
            this.compute.addProject?.(project);
            this.storage.addProject(project);
            this.catalog.addProject?.(project);
            this.projectWorkspaces[project.id] = new ResearchWorkspace(`${name}-${project.id}`, {
                project,
                labels,
                warehouse: spec.name,
                dns: this.compute.dns,
                clusterPolicy: platform.clusterPolicy,
                access: mergeAccess(this.keys.access(project.id), this.storage.access(project.id),
                    this.catalog.access(project.id), ...identity),
            }, { parent: this, providers: { kubernetes: this.compute.kubernetes } });
            await nextTurn();
        }

        if (spec.migration) {
            // The data move from Azure, declared with the warehouse it fills (see docs/data-move.md).
            this.mover = new DataMoverJob(`${name}-data-mover`,
                dataMoverArgs(spec, spec.migration, this.keys, this.storage, labels,
                    { dns: this.compute.dns, assignsPodIds: platform.assignsPodIds }),
                { parent: this, providers: { kubernetes: this.compute.kubernetes } });
        }

        // Who must reach what, what must never connect, who may do what: published for the policy pack's verifiers.
        this.intents = new WarehouseIntents(`${name}-intents`, warehouseIntents(spec, target.name, this), { parent: this });

        const fields = this.neutralFields(spec, target.name, target.region);
        this.fields = { ...fields, privateEndpoints: privateUrls(fields.endpoints) };
        this.neutral = pulumi.output(fields).apply(o => ({ ...o, privateEndpoints: privateUrls(o.endpoints) }));
    }

    private neutralFields(spec: WarehouseSpec, targetName: string, region: string) {
        const endpoint = (e: Endpoint) => ({ url: e.url, private: e.private });
        const projects = Object.fromEntries(spec.projects.map(p => [p.id, {
            bucket: this.storage.projectBuckets[p.id],
            keyId: this.keys.projectKeyIds[p.id],
            namespace: this.workspaces[p.id].namespace,
        }]));
        return {
            target: targetName,
            region,
            jurisdiction: spec.jurisdiction,
            encryption: this.keys.scheme,
            storageEndpoint: this.storage.endpoint.url,
            zoneBuckets: this.storage.zoneBuckets,
            platformKeyId: this.keys.platformKeyId,
            projects,
            clusterName: this.compute.clusterName,
            clusterApiAccess: this.compute.apiAccess,
            endpoints: {
                storage: endpoint(this.storage.endpoint),
                keys: endpoint(this.keys.endpoint),
                catalog: endpoint(this.catalog.endpoint),
                clusterApi: endpoint(this.compute.apiEndpoint),
            },
        };
    }
}

/**
 * Yields to the event loop: the runtime then serialises and registers what the last project declared, and its
 * pending promises settle, before the next project adds more. Azure at 500 projects: 49 s and 3.5 GB in one
 * synchronous pass, 13 s and 0.85 GB a project at a time (docs/benchmark.md).
 */
function nextTurn(): Promise<void> {
    return new Promise(resolve => setImmediate(resolve));
}

function privateUrls<U>(endpoints: Readonly<Record<string, { readonly url: U; readonly private: boolean }>>): U[] {
    return Object.values(endpoints).filter(e => e.private).map(e => e.url);
}
