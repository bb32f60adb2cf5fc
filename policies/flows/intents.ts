// What a program says it needs of its network and its identities, as plain data: the flows that must be allowed,
// the flows that must never happen, who must be able to do what, and the platform facts the verdicts rest on.
// A program publishes it as the registered outputs of one component of type INTENTS_TYPE (a component's inputs
// never reach the engine; its registered outputs do, and analyzeStack receives them). The pack reads it there and
// judges it against the resources the program declares. This file is the contract: types and constants only.

/** The type token of the component whose registered outputs carry the intents. */
export const INTENTS_TYPE = "health-data:warehouse:Intents";
/** The output that holds them. */
export const INTENTS_OUTPUT = "intents";
export const INTENTS_VERSION = 1;

/** A port a flow uses. `ANY` with no port: every protocol and every port (node <-> node traffic, for example). */
export interface FlowPort {
    readonly protocol: "TCP" | "UDP" | "ANY";
    readonly port?: number;
}

/**
 * Where one end of a flow sits, at every layer a packet crosses. Only the layers that apply are given: a pod has
 * `pods`; anything on the cloud network has `addresses` (and `subnet` when the cloud filters per subnet); a name that
 * must resolve to a private address has `dns`.
 */
export interface Place {
    /** Kubernetes pods: their namespace and labels (the namespace's own labels come from its Namespace resource). */
    readonly pods?: {
        readonly namespace: string;
        readonly labels?: Readonly<Record<string, string>>;
        /** Labels of the namespace when the program does not declare it (a platform namespace such as openshift-dns). */
        readonly namespaceLabels?: Readonly<Record<string, string>>;
    };
    /** A class of pods instead of one namespace: every research project's pods except `except`. */
    readonly podsOfProjects?: { readonly label: string; readonly except: string };
    /** Pod addresses (the cluster network); pod-to-pod traffic keeps them. */
    readonly podAddresses?: readonly string[];
    /**
     * Addresses on the cloud network: CIDRs, a cloud service tag (`AzureActiveDirectory`), or `internet` for any
     * public address that no rule names. For pods, the address their traffic leaves the cluster with (the node's).
     */
    readonly addresses?: readonly string[];
    /** The cloud subnet (by its name) whose filters apply where these addresses enter or leave the network. */
    readonly subnet?: string;
    /** A name clients resolve, and the private DNS zone that must answer it inside the network. */
    readonly dns?: { readonly name: string; readonly privateZone?: string };
    /** A name on the internet (matched by firewall application rules and FQDN tags). */
    readonly fqdn?: string;
    /** Outside the cluster and the warehouse's network. */
    readonly external?: boolean;
}

export interface Endpoint {
    readonly id: string;
    readonly description: string;
    readonly place: Place;
}

/** The layers a flow crosses; a flow between two ranges of addresses only (pods <-> pods) skips Kubernetes. */
export type Layer = "kubernetes" | "network";

export interface Flow {
    /** One line a reviewer reads: "rp-oncoprev workloads -> cluster DNS". */
    readonly name: string;
    readonly from: string;
    readonly to: string;
    readonly ports: readonly FlowPort[];
    readonly must: "allow" | "deny";
    readonly why: string;
    /** Defaults to both. */
    readonly layers?: readonly Layer[];
}

/** A Kubernetes identity: a group of people or a service account. */
export interface KubernetesSubject {
    readonly kind: "Group" | "User" | "ServiceAccount";
    readonly name: string;
    readonly namespace?: string;
}

/** One permission: verbs on resources of an API group, in a namespace (or cluster-wide when none). */
export interface Permission {
    readonly apiGroup: string;
    readonly resource: string;
    readonly verbs: readonly string[];
    readonly namespace?: string;
}

/** An OpenBao (Vault) login that an identity needs: a role bound to it and capabilities on paths. */
export interface VaultGrant {
    readonly path: string;
    readonly capabilities: readonly string[];
}

export interface Identity {
    readonly id: string;
    readonly description: string;
    /** researchers, workloads, mover, operator: what kind of actor, for the report. */
    readonly role: "researchers" | "workloads" | "mover" | "operator";
    readonly kubernetes?: KubernetesSubject;
    /** What it must be able to do. */
    readonly needs: readonly Permission[];
    /** Namespaces whose isolation it must not be able to change, and where it must reach nothing. */
    readonly ownNamespace?: string;
    /** OpenBao: the logins it needs (bound to its service account), with what each must grant. */
    readonly vault?: {
        readonly authPath: string;
        readonly roles: readonly { readonly role: string; readonly grants: readonly VaultGrant[] }[];
    };
    /** Names (keys, buckets) this identity may reach: anything of another project's it reaches is a finding. */
    readonly mayReach?: readonly string[];
}

/** A platform fact a verdict relies on, with where it was read. */
export interface Fact {
    readonly value: unknown;
    readonly source: string;
}

export interface PlatformFacts {
    /** Kubernetes NetworkPolicy ipBlock rules match pod addresses (OVN-Kubernetes yes; Cilium no). */
    readonly ipBlockMatchesPods: Fact & { readonly value: boolean };
    /** The cloud network's address space (what the `VirtualNetwork` tag and the system routes cover). */
    readonly networkAddressSpace?: Fact & { readonly value: readonly string[] };
    /** Ranges the network routes itself besides its address space (an overlay's pod range). */
    readonly networkRoutes?: Fact & { readonly value: readonly string[] };
    /** What a firewall FQDN tag contains, for the names the intents rely on. */
    readonly fqdnTags?: Fact & { readonly value: Readonly<Record<string, readonly string[]>> };
    /** Everything else a verdict rests on, by name: shown with the findings that depend on it. */
    readonly other?: Readonly<Record<string, Fact>>;
}

export interface Intents {
    readonly version: number;
    readonly target: string;
    readonly endpoints: readonly Endpoint[];
    readonly flows: readonly Flow[];
    readonly identities: readonly Identity[];
    /** The label that marks a research project's namespace. */
    readonly projectLabel: string;
    readonly facts: PlatformFacts;
}
