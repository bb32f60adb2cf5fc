// The permission verifier: each identity of the intents (researcher groups, workload service accounts, the data
// mover) gets what its intent needs and nothing that lets it undo isolation or reach another project's data or key.
// - Kubernetes RBAC: RoleBindings and ClusterRoleBindings to the identity, the Roles and ClusterRoles they grant
//   (the built-in user-facing roles as Kubernetes defines them: kubernetes.io/docs/reference/access-authn-authz/
//   rbac/#user-facing-roles). Writing isolation objects, escalating, binding or impersonating, or any grant outside
//   the identity's own namespace, is a finding.
// - OpenBao (Vault) Kubernetes logins: a role bound to the identity's service account and namespace, whose policies
//   grant what the intent needs; any path to another key than its own is a finding.

import { Identity, Intents, Permission } from "./intents";
import { FlowFinding } from "./verify";
import { FlowResource } from "./stack-index";
import { safe } from "../framework/plain";
import { verifyCloudPermissions } from "./cloud-permissions";

export interface Rule {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
}

export const WRITE = ["create", "update", "patch", "delete", "deletecollection", "*"];
export const ESCALATION = ["escalate", "bind", "impersonate"];

/** Objects that make up a namespace's isolation: writing any of them can undo it. */
export const ISOLATION: readonly { readonly group: string; readonly resources: readonly string[] }[] = [
    { group: "networking.k8s.io", resources: ["networkpolicies"] },
    { group: "rbac.authorization.k8s.io", resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] },
    { group: "", resources: ["resourcequotas", "limitranges", "namespaces"] },
    { group: "policy.networking.k8s.io", resources: ["*"] },
    { group: "k8s.ovn.org", resources: ["*"] },
    { group: "cilium.io", resources: ["*"] },
    { group: "crd.projectcalico.org", resources: ["*"] },
    { group: "projectcalico.org", resources: ["*"] },
    { group: "admissionregistration.k8s.io", resources: ["*"] },
];

const WORKLOADS = ["pods", "pods/exec", "pods/attach", "pods/portforward", "services", "configmaps", "secrets",
    "persistentvolumeclaims", "replicationcontrollers", "endpoints"];
/** The built-in user-facing ClusterRoles, as far as this verifier needs them. */
export const BUILT_IN_CLUSTER_ROLES: Readonly<Record<string, readonly Rule[]>> = {
    "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    "edit": [
        { apiGroups: [""], resources: WORKLOADS, verbs: ["create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"] },
        { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create", "delete", "patch", "update", "impersonate", "get", "list", "watch"] },
        { apiGroups: ["apps", "batch", "autoscaling", "policy"], resources: ["*"], verbs: ["create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"] },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: ["create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"] },
        { apiGroups: [""], resources: ["resourcequotas", "limitranges", "namespaces", "events"], verbs: ["get", "list", "watch"] },
    ],
    "view": [
        { apiGroups: ["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"], resources: ["pods", "services", "configmaps",
            "persistentvolumeclaims", "deployments", "jobs", "cronjobs", "networkpolicies", "ingresses", "events"], verbs: ["get", "list", "watch"] },
    ],
};
(BUILT_IN_CLUSTER_ROLES as Record<string, readonly Rule[]>).admin = [
    ...BUILT_IN_CLUSTER_ROLES.edit,
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"] },
];

const has = (list: readonly string[], item: string) => list.includes("*") || list.includes(item);

interface Grant {
    readonly namespace: string | "*";
    readonly rule: Rule;
    readonly via: string;
    readonly urn: string;
}

function subjectMatches(subject: any, id: Identity): boolean {
    const k = id.kubernetes!;
    if (subject?.kind === "Group") {
        if (subject.name === "system:authenticated") return true;
        if (k.kind === "ServiceAccount") return subject.name === "system:serviceaccounts" || subject.name === `system:serviceaccounts:${k.namespace}`;
        return k.kind === "Group" && subject.name === k.name;
    }
    if (subject?.kind === "ServiceAccount") return k.kind === "ServiceAccount" && subject.name === k.name && subject.namespace === k.namespace;
    if (subject?.kind === "User") return k.kind === "User" && subject.name === k.name;
    return false;
}

export function verifyPermissions(resources: readonly FlowResource[], intents: Intents, intentsUrn?: string): FlowFinding[] {
    const findings: FlowFinding[] = [];
    const byType = (type: string) => resources.filter(r => r.type === type);
    const roles = new Map<string, Rule[]>();
    for (const r of byType("kubernetes:rbac.authorization.k8s.io/v1:Role")) {
        roles.set(`${safe(r.props, "metadata", "namespace")}/${safe(r.props, "metadata", "name") ?? r.name}`, safe(r.props, "rules") ?? []);
    }
    const clusterRoles = new Map<string, Rule[]>(Object.entries(BUILT_IN_CLUSTER_ROLES).map(([k, v]) => [k, [...v]]));
    for (const r of byType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")) {
        clusterRoles.set(String(safe(r.props, "metadata", "name") ?? r.name), safe(r.props, "rules") ?? []);
    }
    const bindings = [
        ...byType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").map(b => ({ b, namespace: String(safe(b.props, "metadata", "namespace")) })),
        ...byType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").map(b => ({ b, namespace: "*" })),
    ];

    for (const id of intents.identities) {
        if (id.kubernetes) findings.push(...rbac(id, bindings, roles, clusterRoles, intentsUrn));
        if (id.vault) findings.push(...vault(id, resources, intentsUrn));
    }
    findings.push(...verifyCloudPermissions(resources, intents, intentsUrn));
    return findings;
}

function rbac(id: Identity, bindings: readonly { b: FlowResource; namespace: string }[], roles: ReadonlyMap<string, Rule[]>,
              clusterRoles: ReadonlyMap<string, Rule[]>, intentsUrn?: string): FlowFinding[] {
    const findings: FlowFinding[] = [];
    const grants: Grant[] = [];
    for (const { b, namespace } of bindings) {
        if (!(safe(b.props, "subjects") ?? []).some((s: any) => subjectMatches(s, id))) continue;
        const ref = safe(b.props, "roleRef") ?? {};
        const rules = ref.kind === "Role" ? roles.get(`${namespace}/${ref.name}`) : clusterRoles.get(String(ref.name));
        const via = `${namespace === "*" ? "ClusterRoleBinding" : `RoleBinding ${namespace}/`}${safe(b.props, "metadata", "name") ?? b.name} -> ${ref.kind} ${ref.name}`;
        if (!rules) {
            findings.push({ kind: "cannot-verify", urn: b.urn, message: `${id.description}: ${via} names a role this stack does not ` +
                "declare and that is not a built-in user-facing role; what it grants cannot be judged." });
            continue;
        }
        for (const rule of rules) grants.push({ namespace, rule, via, urn: b.urn });
    }
    const inScope = (g: Grant, ns?: string) => g.namespace === "*" || g.namespace === ns;
    for (const need of id.needs) {
        const missing = need.verbs.filter(v => !grants.some(g => inScope(g, need.namespace) && has(g.rule.apiGroups, need.apiGroup) &&
            has(g.rule.resources, need.resource) && has(g.rule.verbs, v)));
        if (missing.length) findings.push({ kind: "violation", urn: intentsUrn, message: `${id.description} cannot ${missing.join(", ")} ` +
            `${need.resource}${need.namespace ? ` in ${need.namespace}` : ""}, which its work needs (${describe(need)}).` });
    }
    for (const g of grants) {
        const where = g.namespace === "*" ? "in every namespace" : `in ${g.namespace}`;
        for (const iso of ISOLATION) {
            if (!has(g.rule.apiGroups, iso.group)) continue;
            const resources = iso.resources.includes("*") ? g.rule.resources : iso.resources.filter(r => has(g.rule.resources, r));
            const verbs = g.rule.verbs.filter(v => WRITE.includes(v));
            if (resources.length && verbs.length) {
                findings.push({ kind: "violation", urn: g.urn, message: `${id.description} may ${verbs.join("/")} ` +
                    `${iso.group || "core"}/${resources.join(",")} ${where} (${g.via}): it could undo its namespace's isolation.` });
            }
        }
        const escalation = g.rule.verbs.includes("*") && g.rule.resources.includes("*") ? ["*"]
            : g.rule.verbs.filter(v => ESCALATION.includes(v));
        if (escalation.length > 0) {
            findings.push({ kind: "violation", urn: g.urn, message: `${id.description} may ${escalation.join("/")} ${where} ` +
                `(${g.via}): escalating, binding or impersonating lets it take rights it was not given.` });
        }
        if (id.ownNamespace && g.namespace !== id.ownNamespace) {
            findings.push({ kind: "violation", urn: g.urn, message: `${id.description} is granted rights ${where} (${g.via}), ` +
                `outside its own namespace ${id.ownNamespace}: it could reach another project's data.` });
        }
    }
    return dedupe(findings);
}

function describe(p: Permission): string {
    return `${p.apiGroup || "core"}/${p.resource}: ${p.verbs.join(", ")}`;
}

function dedupe(findings: FlowFinding[]): FlowFinding[] {
    const seen = new Set<string>();
    return findings.filter(f => !seen.has(f.message) && !!seen.add(f.message));
}

/** `path "x" { capabilities = [...] }` blocks of an HCL policy. */
export function policyPaths(text: string): { path: string; capabilities: string[] }[] {
    return [...text.matchAll(/path\s+"([^"]+)"\s*\{([^}]*)\}/g)].map(m => ({
        path: m[1], capabilities: [...(/capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(c => c[1]),
    }));
}

function pathCovers(pattern: string, path: string): boolean {
    if (pattern.endsWith("*")) return path.startsWith(pattern.slice(0, -1));
    if (pattern.includes("+")) return new RegExp(`^${pattern.split("+").map(p => p.replace(/[.*?^${}()|[\]\\]/g, "\\$&")).join("[^/]+")}$`).test(path);
    return pattern === path;
}

function vault(id: Identity, resources: readonly FlowResource[], intentsUrn?: string): FlowFinding[] {
    const findings: FlowFinding[] = [];
    const k = id.kubernetes;
    const policies = new Map(resources.filter(r => r.type === "vault:index/policy:Policy")
        .map(r => [String(safe(r.props, "name")), String(safe(r.props, "policy") ?? "")]));
    const roles = resources.filter(r => r.type === "vault:kubernetes/authBackendRole:AuthBackendRole");
    const boundTo = (r: FlowResource) => {
        const names: string[] = safe(r.props, "boundServiceAccountNames") ?? [];
        const namespaces: string[] = safe(r.props, "boundServiceAccountNamespaces") ?? [];
        return !!k && (names.includes("*") || names.includes(k.name)) && (namespaces.includes("*") || namespaces.includes(k.namespace ?? ""));
    };
    const allowedKeys = new Set(id.vault!.roles.flatMap(r => r.grants.map(g => keyOf(g.path))).filter(Boolean));
    for (const need of id.vault!.roles) {
        const role = roles.find(r => safe(r.props, "roleName") === need.role);
        if (!role) {
            findings.push({ kind: "violation", urn: intentsUrn, message: `${id.description} logs in to OpenBao with role ${need.role}, ` +
                "which the stack does not declare: its login fails." });
            continue;
        }
        if (!boundTo(role)) {
            findings.push({ kind: "violation", urn: role.urn, message: `OpenBao role ${need.role} is bound to ` +
                `${(safe(role.props, "boundServiceAccountNamespaces") ?? []).join(",")}/${(safe(role.props, "boundServiceAccountNames") ?? []).join(",")}, ` +
                `not to ${id.description}: its login fails.` });
            continue;
        }
        const paths = (safe(role.props, "tokenPolicies") ?? []).flatMap((p: string) => policyPaths(policies.get(p) ?? ""));
        for (const grant of need.grants) {
            const ok = grant.capabilities.every(c => paths.some((p: any) => pathCovers(p.path, grant.path) && (p.capabilities.includes(c) || p.capabilities.includes("sudo") && c === "sudo")));
            if (!ok) findings.push({ kind: "violation", urn: role.urn, message: `OpenBao role ${need.role} does not grant ` +
                `${grant.capabilities.join(", ")} on ${grant.path}, which ${id.description} needs.` });
        }
    }
    // Every role this identity can log in with: nothing beyond its own keys.
    for (const role of roles.filter(boundTo)) {
        const name = safe(role.props, "roleName");
        for (const p of (safe(role.props, "tokenPolicies") ?? []).flatMap((n: string) => policyPaths(policies.get(n) ?? ""))) {
            const key = keyOf(p.path);
            const foreign = p.path.includes("*") || p.path.includes("+") || (key !== undefined && !allowedKeys.has(key)) ||
                (key === undefined && !p.path.startsWith("auth/token/"));
            if (foreign) {
                findings.push({ kind: "violation", urn: role.urn, message: `${id.description} can log in with OpenBao role ${name}, ` +
                    `whose policies reach ${p.path} (${p.capabilities.join(", ")}): beyond its own key${allowedKeys.size > 1 ? "s" : ""} ` +
                    `(${[...allowedKeys].join(", ")}).` });
            }
        }
    }
    return dedupe(findings);
}

/** The transit key a path names (`transit/<operation>/<key>`, `transit/datakey/<kind>/<key>`, `transit/keys/<key>`). */
function keyOf(path: string): string | undefined {
    const parts = path.split("/");
    return parts.length >= 3 && parts[0] === "transit" ? parts[parts.length - 1] : undefined;
}
