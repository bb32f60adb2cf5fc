// The warehouse's intents, neutral: who must reach what, what must never connect, and who must be able to do what,
// built from the spec and the places and facts each target states. The policy pack checks them against what the
// stack declares (policies/flows/); the data itself is the contract of policies/flows/intents.ts.

import * as pulumi from "@pulumi/pulumi";
import {
    Endpoint, Flow, FlowPort, Identity, INTENTS_OUTPUT, INTENTS_TYPE, INTENTS_VERSION, Intents, Permission,
} from "../policies/flows/intents";
import { WarehouseSpec } from "./model";
import { CatalogDatabase, Compute, KeyManagement, ServicePlace, Storage } from "./target";
import { PROJECT_LABEL, WORKLOAD_SERVICE_ACCOUNT, namespaceName } from "./workspaces";
import { DATA_MOVER_NAMESPACE, DATA_MOVER_LABELS, DATA_MOVER_SERVICE_ACCOUNT, PLATFORM_SCOPE } from "./data-mover-job";

export interface IntentBlocks {
    readonly keys: KeyManagement;
    readonly compute: Compute;
    readonly storage: Storage;
    readonly catalog: CatalogDatabase;
}

const tcp = (port: number): FlowPort => ({ protocol: "TCP", port });
const ANY: FlowPort[] = [{ protocol: "ANY" }];

/** What a researcher must be able to do in the project's namespace: run and watch analyses. */
export const RESEARCHER_NEEDS: readonly Omit<Permission, "namespace">[] = [
    { apiGroup: "", resource: "pods", verbs: ["create", "delete", "get", "list", "watch"] },
    { apiGroup: "", resource: "pods/log", verbs: ["get"] },
    { apiGroup: "batch", resource: "jobs", verbs: ["create", "delete", "get", "list", "watch"] },
];

export function warehouseIntents(spec: WarehouseSpec, target: string, blocks: IntentBlocks): Intents {
    const { keys, compute, storage, catalog } = blocks;
    const platform = compute.platform;
    const endpoints: Endpoint[] = [];
    const flows: Flow[] = [];
    const identities: Identity[] = [];
    const endpoint = (id: string, description: string, place: Endpoint["place"]) => {
        endpoints.push({ id, description, place });
        return id;
    };
    const service = (id: string, s: ServicePlace) => endpoint(id, s.description, s.place);
    const flow = (from: string, to: string, ports: readonly FlowPort[], must: Flow["must"], why: string,
                  layers?: Flow["layers"]) => {
        const [a, b] = [endpoints.find(e => e.id === from)!, endpoints.find(e => e.id === to)!];
        flows.push({ name: `${a.description} -> ${b.description}`, from, to, ports: [...ports], must, why,
            ...(layers ? { layers: [...layers] } : {}) });
    };

    const dnsPorts = compute.dns.ports.flatMap(port => [{ protocol: "UDP" as const, port }, { protocol: "TCP" as const, port }]);
    const dns = endpoint("dns", `cluster DNS (${compute.dns.namespace})`, {
        pods: { namespace: compute.dns.namespace, labels: { ...compute.dns.podLabels } },
        podAddresses: [...platform.podAddresses],
    });
    const internet = endpoint("internet", "an internet address no rule names", { addresses: ["internet"], external: true });
    const identity = platform.identityProvider ? service("identity", platform.identityProvider) : undefined;
    const catalogue = service("catalog", catalog.place());

    // The cluster's own plumbing, where the warehouse's network carries it (overlay pods on a filtered subnet).
    if (platform.nodes.subnet) {
        const nodes = endpoint("nodes", "cluster nodes", platform.nodes);
        const pods = endpoint("pods", "cluster pods", { podAddresses: [...platform.podAddresses], subnet: platform.nodes.subnet });
        flow(nodes, nodes, ANY, "allow", "kubelets, kube-proxy and node traffic", ["network"]);
        flow(nodes, pods, ANY, "allow", "service routing and probes reach pods", ["network"]);
        flow(pods, pods, ANY, "allow", "pod to pod and pod to service traffic, cluster DNS included", ["network"]);
        if (platform.apiServer) {
            const api = endpoint("apiserver", "the API server", platform.apiServer);
            flow(api, nodes, [tcp(10250)], "allow", "the API server reaches kubelets (logs, exec, port-forward)", ["network"]);
            flow(api, pods, [tcp(443), tcp(9443)], "allow", "the API server calls admission webhooks on pod addresses", ["network"]);
            flow(nodes, api, [tcp(443)], "allow", "kubelets and pods reach the API server", ["network"]);
        }
    }
    if (catalog.keyClient) {
        const db = endpoint("catalog-server", "the catalogue server (its customer-managed key)", catalog.keyClient);
        flow(db, service("keys:platform", keys.place()), [tcp(443)], "allow",
            "the database unwraps its data encryption key with the platform key; without it the server stops");
    }

    for (const project of spec.projects) {
        const ns = namespaceName(project.id);
        const workloads = endpoint(`workloads:${project.id}`, `${ns} workloads`, {
            pods: { namespace: ns }, podAddresses: [...platform.podAddresses],
            addresses: platform.nodes.addresses, subnet: platform.nodes.subnet,
        });
        const others = endpoint(`others:${project.id}`, `other research projects' pods`, {
            podsOfProjects: { label: PROJECT_LABEL, except: project.id }, podAddresses: [...platform.podAddresses],
        });
        const store = service(`storage:${project.id}`, storage.place(project.id));
        const key = service(`keys:${project.id}`, keys.place(project.id));
        flow(workloads, dns, dnsPorts, "allow", "every name lookup, first of all the services'");
        flow(workloads, workloads, ANY, "allow", "distributed analytics (driver and executors) within the project");
        flow(workloads, store, storage.place(project.id).ports, "allow", "the project's data");
        flow(workloads, key, keys.place(project.id).ports, "allow", "the project's key wraps its data keys");
        flow(workloads, catalogue, catalog.place().ports, "allow", "dataset metadata");
        if (identity) flow(workloads, identity, platform.identityProvider!.ports, "allow",
            "workload identity: the service-account token is exchanged for a token the services accept");
        flow(workloads, others, ANY, "deny", "research projects are isolated from each other");
        flow(workloads, internet, ANY, "deny", "health data leaves only to declared destinations");

        const needs = RESEARCHER_NEEDS.map(p => ({ ...p, namespace: ns }));
        for (const group of project.allowedGroups) {
            identities.push({ id: `researchers:${project.id}:${group}`, description: `group ${group} (project ${project.id})`,
                role: "researchers", kubernetes: { kind: "Group", name: group }, needs, ownNamespace: ns });
        }
        const login = keys.vaultLogin?.("workloads", project.id);
        identities.push({
            id: `workloads:${project.id}`, description: `${ns}/${WORKLOAD_SERVICE_ACCOUNT}`, role: "workloads",
            kubernetes: { kind: "ServiceAccount", name: WORKLOAD_SERVICE_ACCOUNT, namespace: ns }, needs: [],
            ownNamespace: ns,
            ...(login ? { vault: { authPath: login.authPath, roles: [{ role: login.role, grants: login.grants }] } } : {}),
        });
    }

    if (spec.migration) {
        const mover = endpoint("mover", `${DATA_MOVER_NAMESPACE} data mover`, {
            pods: { namespace: DATA_MOVER_NAMESPACE, labels: { ...DATA_MOVER_LABELS } },
            podAddresses: [...platform.podAddresses], addresses: platform.nodes.addresses, subnet: platform.nodes.subnet,
        });
        const source = endpoint("source", "the Azure source account", { addresses: [...spec.migration.source.cidrs], external: true });
        flow(mover, dns, dnsPorts, "allow", "the mover resolves the source, the buckets and the key service");
        flow(mover, source, [tcp(443)], "allow", "the mover reads every blob of the source");
        const scopes = [PLATFORM_SCOPE, ...spec.projects.map(p => p.id)];
        const logins = [];
        for (const scope of scopes) {
            const id = scope === PLATFORM_SCOPE ? undefined : scope;
            const store = service(`storage:${scope}`, storage.place(id));
            const key = service(`keys:${scope}`, keys.place(id));
            flow(mover, store, storage.place(id).ports, "allow", `the mover writes ${scope === PLATFORM_SCOPE ? "the zones'" : `project ${scope}'s`} bucket`);
            flow(mover, key, keys.place(id).ports, "allow", `the mover wraps and verifies with ${scope === PLATFORM_SCOPE ? "the platform" : `project ${scope}'s`} key`);
            const login = keys.vaultLogin?.("mover", scope);
            if (login) logins.push(login);
        }
        flow(mover, endpoint("mover-others", "research projects' pods", {
            podsOfProjects: { label: PROJECT_LABEL, except: "" }, podAddresses: [...platform.podAddresses],
        }), ANY, "deny", "the mover reaches no research workload");
        flow(mover, internet, ANY, "deny", "the mover sends data only to the target's services");
        identities.push({
            id: "mover", description: `${DATA_MOVER_NAMESPACE}/${DATA_MOVER_SERVICE_ACCOUNT}`, role: "mover",
            kubernetes: { kind: "ServiceAccount", name: DATA_MOVER_SERVICE_ACCOUNT, namespace: DATA_MOVER_NAMESPACE },
            needs: [], ownNamespace: DATA_MOVER_NAMESPACE,
            ...(logins.length ? { vault: { authPath: logins[0].authPath, roles: logins.map(l => ({ role: l.role, grants: l.grants })) } } : {}),
        });
    }

    return { version: INTENTS_VERSION, target, endpoints, flows, identities, projectLabel: PROJECT_LABEL, facts: platform.facts };
}

/**
 * The intents, published where an analyzer reads them: a component's registered outputs reach the engine (its
 * inputs do not, for a component that is not remote) and `analyzeStack` receives them with the resource.
 */
export class WarehouseIntents extends pulumi.ComponentResource {
    constructor(name: string, intents: Intents, opts?: pulumi.ComponentResourceOptions) {
        super(INTENTS_TYPE, name, {}, opts);
        this.registerOutputs({ [INTENTS_OUTPUT]: intents });
    }
}
