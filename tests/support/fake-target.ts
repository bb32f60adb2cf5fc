// A target made of bare components, for testing the neutral composition and the portable layer without a cloud.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { planSubnets } from "../../components/cidr";
import { ResearchProject } from "../../components/model";
import {
    BlockContext, CatalogDatabase, Compute, KeyManagement, NetworkIsolation, ServicePlace, Storage, Target, WorkloadAccess,
} from "../../components/target";

class Block extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(`test:fake:${type}`, name, {}, opts);
        this.registerOutputs({});
    }
}

/**
 * A project's key: the one resource the fake target creates per project, to show when projects are declared. It
 * says whether the previous project's key was already registered when it was declared.
 */
class ProjectKey extends pulumi.CustomResource {
    constructor(name: string, previousRegistered: boolean | null, opts: pulumi.CustomResourceOptions) {
        super("test:fake:ProjectKey", name, { previousRegistered }, opts);
    }
}

const access = (id: string, what: string, cidr: string): WorkloadAccess => ({
    settings: { [`${what.toUpperCase()}_ID`]: `${what}-${id}` },
    secrets: what === "storage" ? { S3_SECRET: `secret-${id}` } : {},
    serviceAccountAnnotations: {},
    egress: [{ description: `${what} endpoint`, cidr, ports: [443] }],
});

const place = (description: string, cidr: string): ServicePlace =>
    ({ description, place: { addresses: [cidr] }, ports: [{ protocol: "TCP", port: 443 }] });

export interface FakeTargetOptions {
    /** The project whose key cannot be created: adding it fails, as a cloud's block would. */
    readonly failOnProject?: string;
}

export function fakeTarget(options: FakeTargetOptions = {}): Target {
    return {
        name: "fake",
        region: "fake-1",
        network: (name, ctx, opts) => Object.assign(new Block("Network", name, opts), {
            networkId: pulumi.output("net-1"), subnets: planSubnets(ctx.spec.network.addressSpace),
        }) as NetworkIsolation,
        keys: (name, _ctx: BlockContext, opts) => {
            const projectKeyIds: Record<string, pulumi.Output<string>> = {};
            const block = new Block("Keys", name, opts);
            let previous: { registered: boolean } | undefined;
            return Object.assign(block, {
                endpoint: { url: pulumi.output("https://kms.fake"), private: true },
                scheme: "envelope" as const,
                platformKeyId: pulumi.output("key-platform"),
                projectKeyIds,
                addProject: (p: ResearchProject) => {
                    if (p.id === options.failOnProject) throw new Error(`no key service for project ${p.id}`);
                    const key = new ProjectKey(`${name}-${p.id}`, previous ? previous.registered : null, { parent: block });
                    const state = { registered: false };
                    key.urn.apply(() => { state.registered = true; });
                    previous = state;
                    projectKeyIds[p.id] = pulumi.output(`key-${p.id}`);
                },
                access: (id: string) => access(id, "key", "10.40.128.0/24"),
                place: () => place("the fake key service", "10.40.128.0/24"),
            }) as KeyManagement;
        },
        compute: (name, _ctx, opts) => {
            const block = new Block("Compute", name, opts);
            return Object.assign(block, {
                clusterName: pulumi.output("cluster-1"),
                apiEndpoint: { url: pulumi.output("https://api.fake"), private: false },
                apiAccess: "restricted" as const,
                kubernetes: new k8s.Provider(`${name}-k8s`, { kubeconfig: "fake" }, { parent: block }),
                dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, ports: [53] },
                platform: {
                    podAddresses: ["10.244.0.0/16"], nodes: { addresses: ["10.40.0.0/17"] }, clusterPolicy: "cilium",
                    assignsPodIds: false, facts: { ipBlockMatchesPods: { value: true, source: "fake" } },
                },
            }) as Compute;
        },
        storage: (name, _ctx, opts) => {
            const projectBuckets: Record<string, pulumi.Output<string>> = {};
            return Object.assign(new Block("Storage", name, opts), {
                endpoint: { url: pulumi.output("https://s3.fake"), private: false },
                zoneBuckets: { raw: pulumi.output("raw"), curated: pulumi.output("curated") },
                projectBuckets,
                addProject: (p: ResearchProject) => { projectBuckets[p.id] = pulumi.output(`bucket-${p.id}`); },
                access: (id: string) => access(id, "storage", "10.40.129.0/24"),
                place: () => place("the fake storage", "10.40.129.0/24"),
            }) as Storage;
        },
        catalog: (name, _ctx, opts) => Object.assign(new Block("Catalog", name, opts), {
            endpoint: { url: pulumi.output("postgres://db.fake"), private: true },
            databaseName: pulumi.output("catalog"),
            access: () => ({ settings: { CATALOG_HOST: "db.fake" }, secrets: {}, serviceAccountAnnotations: {}, egress: [] }),
            place: () => place("the fake catalogue", "10.40.130.0/24"),
        }) as CatalogDatabase,
    };
}
