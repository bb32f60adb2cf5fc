// Rules over the whole program: each research project (a namespace labelled with the project label) is walled
// off, has its own key and its own storage, and every bucket or container is covered by a customer key.

import { Finding, violation } from "../framework/finding";
import { Predicate, RuleContext, StackResource } from "../framework/policy";
import { at, isRecord, isWorldCidr, list, mentions, peek, same, str } from "../framework/props";

interface ProjectConfig { readonly projectLabel: string }

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const QUOTA = "kubernetes:core/v1:ResourceQuota";

export const KEY_TYPES = ["azure-native:keyvault:Key", "ovh:Okms/serviceKey:ServiceKey", "vault:transit/secretBackendKey:SecretBackendKey",
    "azure-native:storage:EncryptionScope"];
export const BUCKET_TYPES = ["azure-native:storage:BlobContainer", "ovh:CloudProject/storage:Storage", "minio:index/s3Bucket:S3Bucket"];

interface Project { readonly id: string; readonly namespace: string; readonly urn: string }

export function projects(resources: readonly StackResource[], label: string): Project[] {
    return resources.filter(r => r.type === NAMESPACE).flatMap(ns => {
        const id = str(at(ns.props, "metadata", "labels", label));
        const name = str(at(ns.props, "metadata", "name")) ?? ns.name;
        return id ? [{ id, namespace: name, urn: ns.urn }] : [];
    });
}

const emptySelector = (s: unknown) => !isRecord(s) || Object.keys(s).every(k => {
    const v = s[k];
    return Array.isArray(v) ? v.length === 0 : !isRecord(v) || Object.keys(v).length === 0;
});

/**
 * The resources of a type grouped by the namespace they are in, read once for the whole stack instead of once per
 * project (quadratic at hundreds of projects). Built on first use, so that a namespace that is unknown during
 * preview is read, and fails the check, at the same point as a per-project scan would.
 */
function byNamespace(resources: readonly StackResource[], type: string): (ns: string) => readonly StackResource[] {
    let groups: Map<string | undefined, StackResource[]> | undefined;
    return ns => {
        if (!groups) {
            groups = new Map();
            for (const r of resources) {
                if (r.type !== type) continue;
                const key = str(at(r.props, "metadata", "namespace"));
                const group = groups.get(key);
                if (group) group.push(r);
                else groups.set(key, [r]);
            }
        }
        return groups.get(ns) ?? [];
    };
}

function namespaceIsolation(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const findings: Finding[] = [];
    const policiesIn = byNamespace(resources, NETWORK_POLICY);
    for (const p of projects(resources, ctx.config.projectLabel)) {
        const policies = policiesIn(p.namespace);
        const denies = policies.some(np => {
            const spec = at(np.props, "spec");
            const types = list(at(spec, "policyTypes")).map(t => String(t).toLowerCase());
            return emptySelector(at(spec, "podSelector")) && types.includes("ingress") && types.includes("egress") &&
                list(at(spec, "ingress")).length === 0 && list(at(spec, "egress")).length === 0;
        });
        if (!denies) {
            findings.push(violation(`Namespace ${p.namespace} (project ${p.id}) has no default-deny NetworkPolicy for ` +
                "ingress and egress (empty podSelector, both policy types, no rules).", p.urn));
        }
        for (const np of policies) {
            const peers = [...list(at(np.props, "spec", "egress")).flatMap(e => list(at(e, "to"))),
                ...list(at(np.props, "spec", "ingress")).flatMap(i => list(at(i, "from")))];
            if (peers.some(peer => isWorldCidr(at(peer, "ipBlock", "cidr")))) {
                findings.push(violation(`NetworkPolicy ${np.name} in ${p.namespace} opens traffic to or from the whole internet.`, np.urn));
            }
        }
    }
    return findings;
}

function namespacePolicies(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const findings: Finding[] = [];
    const quotasIn = byNamespace(resources, QUOTA);
    const byUrn = new Map<string, StackResource>();
    for (const r of resources) if (!byUrn.has(r.urn)) byUrn.set(r.urn, r);
    for (const p of projects(resources, ctx.config.projectLabel)) {
        const ns = byUrn.get(p.urn)!;
        if (!same(at(ns.props, "metadata", "labels", "pod-security.kubernetes.io/enforce"), "restricted")) {
            findings.push(violation(`Namespace ${p.namespace} must enforce the restricted pod security profile ` +
                "(label pod-security.kubernetes.io/enforce=restricted).", p.urn));
        }
        const quotas = quotasIn(p.namespace);
        const closed = quotas.some(q => String(at(q.props, "spec", "hard", "services.loadbalancers")) === "0" &&
            String(at(q.props, "spec", "hard", "services.nodeports")) === "0");
        if (!closed) {
            findings.push(violation(`Namespace ${p.namespace} needs a ResourceQuota that forbids load balancers and node ` +
                "ports (services.loadbalancers: 0, services.nodeports: 0).", p.urn));
        }
    }
    return findings;
}

/** The names a resource goes by: its logical name and the physical names it sets. */
function names(r: StackResource): string[] {
    return [r.name, ...["name", "bucket", "containerName", "encryptionScopeName", "keyName"].map(k => str(peek(r.props, k)))]
        .filter((n): n is string => n !== undefined);
}

/** Project ids made of letters and digits only: mentioned exactly when they are one of a name's alphanumeric runs. */
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/**
 * The projects a resource is named after (`ownedBy(r)`), computed once per resource and per check: a check asks it of
 * every key and bucket for every project, which rebuilt a regular expression per pair (cubic in the number of
 * projects). An alphanumeric id is looked up among the name's alphanumeric runs, which is what `mentions` matches;
 * other ids go through `mentions` itself.
 */
function ownership(ids: readonly string[]): (r: StackResource) => string[] {
    const memo = new Map<StackResource, string[]>();
    return r => {
        let owners = memo.get(r);
        if (!owners) {
            const ns = names(r);
            const runs = new Set(ns.flatMap(n => n.split(/[^A-Za-z0-9]+/).map(run => run.toLowerCase())));
            owners = ids.filter(id => (ALPHANUMERIC.test(id) ? runs.has(id.toLowerCase()) : ns.some(n => mentions(n, id))));
            memo.set(r, owners);
        }
        return owners;
    };
}

function projectKeyAndStorage(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const findings: Finding[] = [];
    const ps = projects(resources, ctx.config.projectLabel);
    const ids = ps.map(p => p.id);
    const ownedBy = ownership(ids);
    const keys = resources.filter(r => KEY_TYPES.includes(r.type) && r.type !== "azure-native:storage:EncryptionScope");
    const buckets = resources.filter(r => BUCKET_TYPES.includes(r.type));
    for (const p of ps) {
        if (!keys.some(k => ownedBy(k).includes(p.id))) {
            findings.push(violation(`Research project ${p.id} has no key of its own (a key resource named after the project).`, p.urn));
        }
        if (!buckets.some(b => ownedBy(b).includes(p.id))) {
            findings.push(violation(`Research project ${p.id} has no storage space of its own (a bucket or container named after the project).`, p.urn));
        }
    }
    for (const r of [...keys, ...buckets]) {
        const owners = ownedBy(r);
        if (owners.length > 1) findings.push(violation(`${r.name} is shared by projects ${owners.join(", ")}: each project needs its own.`, r.urn));
    }
    return findings;
}

function accountOf(container: StackResource, accounts: readonly StackResource[]): StackResource | undefined {
    return accounts.find(a => container.dependencies.includes(a.urn) ||
        Object.values(container.propertyDependencies).some(u => u.includes(a.urn)) || container.parent === a.urn);
}

function coveredByKey(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const findings: Finding[] = [];
    const ids = projects(resources, ctx.config.projectLabel).map(p => p.id);
    const ownedBy = ownership(ids);
    const keys = resources.filter(r => KEY_TYPES.includes(r.type));
    const accounts = resources.filter(r => r.type === "azure-native:storage:StorageAccount");
    const scopes = resources.filter(r => r.type === "azure-native:storage:EncryptionScope");
    const scopeNames = new Map<StackResource, string[]>();
    const namesOf = (r: StackResource) => scopeNames.get(r) ?? scopeNames.set(r, names(r)).get(r)!;
    for (const b of resources.filter(r => BUCKET_TYPES.includes(r.type))) {
        if (b.type === "azure-native:storage:BlobContainer") {
            const account = accountOf(b, accounts);
            const cmk = account && same(at(account.props, "encryption", "keySource"), "Microsoft.Keyvault");
            const scope = str(b.props.defaultEncryptionScope);
            const scoped = scope !== undefined && b.props.denyEncryptionScopeOverride === true && scopes.some(r =>
                namesOf(r).includes(scope) && same(r.props.source, "Microsoft.KeyVault"));
            if (!cmk && !scoped) {
                findings.push(violation(`Container ${b.name} is not covered by a customer-managed key (its account does not ` +
                    "use one and it has no enforced Key Vault encryption scope).", b.urn));
            }
            continue;
        }
        // Buckets without server-side customer keys rely on envelope encryption: a customer-held key must exist for
        // the bucket's project, or a platform key for the shared zones.
        const owners = ownedBy(b);
        const covering = owners.length > 0
            ? keys.filter(k => ownedBy(k).some(o => owners.includes(o)))
            : keys.filter(k => ownedBy(k).length === 0);
        if (covering.length === 0) {
            findings.push(violation(`Bucket ${b.name} is not covered by a customer-held key: ` + (owners.length > 0
                ? `project ${owners.join(", ")} has no key to wrap its data keys.` : "no platform key exists for the shared zones."), b.urn));
        }
    }
    return findings;
}

export const STACK: Readonly<Record<string, Predicate>> = {
    "project-namespace-isolation": { scope: "stack", checks: [namespaceIsolation] },
    "project-namespace-policies": { scope: "stack", checks: [namespacePolicies] },
    "project-key-and-storage": { scope: "stack", checks: [projectKeyAndStorage] },
    "storage-covered-by-key": { scope: "stack", checks: [coveredByKey] },
};
