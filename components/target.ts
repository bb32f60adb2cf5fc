// The contract every cloud implements. The warehouse only speaks these interfaces; a target's own extras
// (an Azure resource group, an OVH vRack) stay inside its implementation, typed by the generics below.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ResearchProject, WarehouseSpec } from "./model";
import { SubnetPlan } from "./cidr";
import type { FlowPort, Place, PlatformFacts, VaultGrant } from "../policies/flows/intents";

export type { FlowPort, Place, PlatformFacts, VaultGrant } from "../policies/flows/intents";

/** Where clients reach a service, and whether that address is only reachable from the warehouse's network. */
export interface Endpoint {
    readonly url: pulumi.Output<string>;
    readonly private: boolean;
}

/** A destination that workloads must reach; the portable layer turns these into NetworkPolicy egress rules. */
export interface EgressRule {
    readonly description: string;
    readonly cidr: pulumi.Input<string>;
    /** Blocks inside `cidr` that stay closed (a public range without the private ones). */
    readonly except?: readonly string[];
    readonly ports: readonly number[];
    readonly protocol?: "TCP" | "UDP";
}

/** A setting whose value is a file of a ConfigMap every namespace has (a CA bundle the platform publishes). */
export interface MountedSetting {
    /** The setting's name: the file the workload reads. */
    readonly name: string;
    readonly configMap: string;
    readonly key: string;
}

/** What a research project's workloads need to use a service: settings, credentials, identity. */
export interface WorkloadAccess {
    /** Non-secret settings (endpoints, bucket and key names), delivered as a ConfigMap. */
    readonly settings: Readonly<Record<string, pulumi.Input<string>>>;
    /** Credentials, delivered as a Kubernetes Secret; empty where the platform has workload identity. */
    readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
    /** Annotations on the project's service account (workload identity bindings). */
    readonly serviceAccountAnnotations: Readonly<Record<string, pulumi.Input<string>>>;
    /** Where the workloads must be allowed to connect. */
    readonly egress: readonly EgressRule[];
    /** Settings read from a ConfigMap the platform publishes in every namespace (not copied into the stack). */
    readonly mountedSettings?: readonly MountedSetting[];
}

export const NO_ACCESS: WorkloadAccess = { settings: {}, secrets: {}, serviceAccountAnnotations: {}, egress: [] };

/**
 * Where a service is, for the flow intents (components/intents.ts): its place at every layer and the ports its
 * clients use. It states the service's location, never what is allowed: the verifier checks that separately.
 */
export interface ServicePlace {
    readonly description: string;
    readonly place: Place;
    readonly ports: readonly FlowPort[];
}

/** An OpenBao login a key block grants: the auth mount, the role, and what the role's policies must allow. */
export interface VaultLogin {
    readonly authPath: string;
    readonly role: string;
    readonly grants: readonly VaultGrant[];
}

/**
 * What a cluster is, as data with sources: where its pods and nodes sit on the network, who serves DNS, which
 * cluster-wide policy engine holds research projects apart, and whether the platform assigns pod user ids.
 */
export interface ClusterPlatform {
    /** The pod address ranges (overlay or cluster network). */
    readonly podAddresses: readonly string[];
    /** Where pod traffic that leaves the cluster network comes from (the nodes, after SNAT), and its subnet. */
    readonly nodes: Place;
    /** The API server, when the warehouse's own network carries its traffic to kubelets and webhooks. */
    readonly apiServer?: Place;
    /**
     * The identity provider workloads must reach to exchange their service-account token, if any, and the egress
     * rule that opens it to them (NetworkPolicies filter addresses, not names: the firewall narrows the name).
     */
    readonly identityProvider?: ServicePlace & { readonly egress: readonly EgressRule[] };
    /**
     * The cluster-level layer that keeps research projects apart whatever their namespaces' policies say:
     * Cilium cluster-wide policies, Calico global policies, or AdminNetworkPolicy (OVN-Kubernetes).
     */
    readonly clusterPolicy: "cilium" | "calico" | "admin-network-policy";
    /** OpenShift's SCC assigns a UID and fsGroup from the namespace's range (a fixed one is refused). */
    readonly assignsPodIds: boolean;
    readonly facts: PlatformFacts;
}

/** How the cluster's DNS is reached from a pod, for the default-deny egress policies. */
export interface ClusterDns {
    readonly namespace: string;
    readonly podLabels: Readonly<Record<string, string>>;
    readonly ports: readonly number[];
}

/** What every building block is given. */
export interface BlockContext {
    readonly spec: WarehouseSpec;
    /** The cloud's own name for the region, validated against the jurisdiction. */
    readonly region: string;
    /** Labels/tags for every resource that takes them. */
    readonly labels: Readonly<Record<string, string>>;
    /** Whether stateful resources are protected against deletion. */
    readonly protect: boolean;
}

/**
 * What a block holds for each research project (a key, a bucket, a login, a network rule) is created by
 * `addProject`, not by the block's constructor: the warehouse adds the projects one at a time, each to every block
 * in block order, and lets the Pulumi runtime register one project's resources before it declares the next.
 * Declaring hundreds of projects in one synchronous pass keeps every pending registration in memory at once.
 * A block's per-project fields (`projectKeyIds`, `projectBuckets`, `access`) answer for the projects added so far.
 */
export interface ProjectBlock {
    addProject(project: ResearchProject): void;
}

/** Network isolation: the private network the warehouse lives in, deny-by-default. */
export interface NetworkIsolation extends pulumi.ComponentResource, Partial<ProjectBlock> {
    readonly networkId: pulumi.Output<string>;
    readonly subnets: SubnetPlan;
}

/** How stores are bound to keys: the store calls the key service itself, or workloads wrap data keys. */
export type EncryptionScheme = "customer-managed-key" | "envelope";

/** Key management: one platform key and one key per research project. */
export interface KeyManagement extends pulumi.ComponentResource, ProjectBlock {
    readonly endpoint: Endpoint;
    readonly scheme: EncryptionScheme;
    readonly platformKeyId: pulumi.Output<string>;
    readonly projectKeyIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** What a project's workloads need to use its key, and only its key. */
    access(projectId: string): WorkloadAccess;
    /**
     * What the data mover needs to wrap (and, to verify, unwrap) with a project's key, and only that: the same
     * settings as the workloads' except the identity it logs in with. Defaults to `access`.
     */
    migrationAccess?(projectId: string): WorkloadAccess;
    /** Where the key service is for a project's key (or the platform key, with no project). */
    place(projectId?: string): ServicePlace;
    /** The OpenBao logins this block grants, by who logs in: a project's workloads, or the data mover. */
    vaultLogin?(who: "workloads" | "mover", scope: string): VaultLogin | undefined;
}

/** Storage: a bucket/container per data zone and per research project. */
export interface Storage extends pulumi.ComponentResource, ProjectBlock {
    readonly endpoint: Endpoint;
    readonly zoneBuckets: { readonly raw: pulumi.Output<string>; readonly curated: pulumi.Output<string> };
    readonly projectBuckets: Readonly<Record<string, pulumi.Output<string>>>;
    /** What a project's workloads need to reach its bucket, and only its bucket. */
    access(projectId: string): WorkloadAccess;
    /** Where a project's bucket (or the zones', with no project) is served. */
    place(projectId?: string): ServicePlace;
}

/** Compute: a Kubernetes cluster with a system and an analytics pool, and a provider to deploy onto it. */
export interface Compute extends pulumi.ComponentResource, Partial<ProjectBlock> {
    readonly clusterName: pulumi.Output<string>;
    readonly apiEndpoint: Endpoint;
    /** "private": the API has no public address; "restricted": public, limited to the admin CIDRs. */
    readonly apiAccess: "private" | "restricted";
    readonly kubernetes: k8s.Provider;
    readonly dns: ClusterDns;
    readonly platform: ClusterPlatform;
}

/** The warehouse catalogue: a PostgreSQL database reachable only from the warehouse network. */
export interface CatalogDatabase extends pulumi.ComponentResource, Partial<ProjectBlock> {
    readonly endpoint: Endpoint;
    readonly databaseName: pulumi.Output<string>;
    /** What workloads need to reach the catalogue (read access to dataset metadata). */
    access(projectId: string): WorkloadAccess;
    place(): ServicePlace;
    /** Where the database itself calls the key service from, when it encrypts with a customer-managed key. */
    readonly keyClient?: Place;
}

/**
 * A cloud that can host the warehouse. Blocks are built in this order, each seeing the ones before it:
 * network, keys, compute, storage, catalogue; then each research project is added to them in the same order. A
 * target keeps its own details in the block types it returns.
 */
export interface Target<
    N extends NetworkIsolation = NetworkIsolation,
    K extends KeyManagement = KeyManagement,
    C extends Compute = Compute,
    S extends Storage = Storage,
    D extends CatalogDatabase = CatalogDatabase,
> {
    /** The value of `warehouse:target` that selects this target. */
    readonly name: string;
    /** The cloud's name for the configured region (validated when the target was created). */
    readonly region: string;
    network(name: string, ctx: BlockContext, opts: pulumi.ComponentResourceOptions): N;
    keys(name: string, ctx: BlockContext & { network: N }, opts: pulumi.ComponentResourceOptions): K;
    compute(name: string, ctx: BlockContext & { network: N; keys: K }, opts: pulumi.ComponentResourceOptions): C;
    storage(name: string, ctx: BlockContext & { network: N; keys: K }, opts: pulumi.ComponentResourceOptions): S;
    catalog(name: string, ctx: BlockContext & { network: N; keys: K }, opts: pulumi.ComponentResourceOptions): D;
}

/** A cloud's implementation, created from a validated spec and the target's own settings. */
export interface TargetDefinition {
    /** The value of `warehouse:target` that selects it. */
    readonly name: string;
    /**
     * Validates the target's own settings (`warehouse:<name>` and `warehouse:<name>Xxx` keys, the latter for
     * secrets read with `requireSecret`) and the spec's fit with the cloud; throws ConfigError otherwise.
     */
    create(spec: WarehouseSpec, settings: Readonly<Record<string, unknown>>): Target<any, any, any, any, any>;
}
