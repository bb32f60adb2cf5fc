// RBAC that lets a research project undo its own isolation, judged on any program (no published intents needed):
// a RoleBinding in a project namespace, or a ClusterRoleBinding to the project's service accounts, that grants
// writing an isolation object (NetworkPolicies and network-policy CRDs, Roles and RoleBindings, quotas, limit
// ranges, the Namespace and its pod-security labels, admission webhooks) or escalating, binding or impersonating.
// Source: kubernetes.io/docs/concepts/security/rbac-good-practices/ (escalate, bind, impersonate; least privilege
// per namespace); kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles (what edit and admin hold).

import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, RuleContext, StackResource } from "../framework/policy";
import { BUILT_IN_CLUSTER_ROLES, ESCALATION, ISOLATION, Rule, WRITE } from "../flows/permissions";
import { safe } from "../framework/plain";
import { list } from "../framework/props";
import { projects } from "./stack";

interface ProjectConfig { readonly projectLabel: string }

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

const has = (items: readonly string[], item: string) => items.includes("*") || items.includes(item);
const nameOf = (r: StackResource): string => String(safe(r.props, "metadata", "name") ?? r.name);

/** What a rule lets its holder do to isolation objects, as `verbs group/resources` phrases. */
function undoes(rule: Rule): string[] {
    // Any JSON may come in: a field that is not a list of strings grants nothing the API server would accept.
    const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === "string");
    const groups = strings(safe(rule, "apiGroups")), resources = strings(safe(rule, "resources")), verbs = strings(safe(rule, "verbs"));
    const found: string[] = [];
    const writes = verbs.filter(v => WRITE.includes(v));
    for (const iso of ISOLATION) {
        if (!writes.length || !has(groups, iso.group)) continue;
        const hit = iso.resources.includes("*") ? resources : iso.resources.filter(r => has(resources, r));
        if (hit.length) found.push(`${writes.join("/")} ${iso.group || "core"}/${hit.join(",")}`);
    }
    const escalation = verbs.filter(v => ESCALATION.includes(v));
    if (escalation.length) found.push(`${escalation.join("/")} (escalation)`);
    return found;
}

/** Whether a subject of a binding is the project itself: its members, its service accounts, or groups holding them. */
function projectSubject(subject: unknown, namespace: string, bindingNamespace?: string): boolean {
    const kind = safe(subject, "kind"), name = String(safe(subject, "name") ?? "");
    if (kind === "ServiceAccount") return (safe(subject, "namespace") ?? bindingNamespace) === namespace;
    if (kind === "Group" && name.startsWith("system:serviceaccounts")) return name === "system:serviceaccounts" || name === `system:serviceaccounts:${namespace}`;
    if (kind === "Group" && name === "system:authenticated") return true;
    // A user or group bound inside the project namespace is one of its members; cluster-wide, nothing says so.
    return bindingNamespace === namespace && (kind === "User" || kind === "Group");
}

function projectRbac(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const ps = projects(resources, ctx.config.projectLabel);
    if (ps.length === 0) return [];
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const roles = resources.filter(r => r.type === ROLE);
    const clusterRoles = resources.filter(r => r.type === CLUSTER_ROLE);
    /** The rules a binding grants; its role named by a name, or (during a preview) by the role it depends on. */
    const rulesOf = (b: StackResource, namespace?: string): Rule[] | undefined => {
        const kind = safe(b.props, "roleRef", "kind"), name = safe(b.props, "roleRef", "name");
        const dependency = (b.propertyDependencies.roleRef ?? []).map(u => byUrn.get(u)).find(r => r?.type === (kind === "Role" ? ROLE : CLUSTER_ROLE));
        if (kind === "Role") {
            const role = dependency ?? roles.find(r => nameOf(r) === name && safe(r.props, "metadata", "namespace") === namespace);
            return role ? list(safe(role.props, "rules")) as Rule[] : undefined;
        }
        const role = dependency ?? clusterRoles.find(r => nameOf(r) === name);
        if (role) return list(safe(role.props, "rules")) as Rule[];
        return typeof name === "string" && BUILT_IN_CLUSTER_ROLES[name] ? [...BUILT_IN_CLUSTER_ROLES[name]] : undefined;
    };
    const findings: Finding[] = [];
    const judge = (b: StackResource, where: string, project: string, subjects: unknown[], rules: Rule[] | undefined) => {
        const who = subjects.map(s => `${safe(s, "kind")} ${safe(s, "name")}`).join(", ");
        const ref = `${safe(b.props, "roleRef", "kind")} ${safe(b.props, "roleRef", "name") ?? "(its role)"}`;
        if (!rules) {
            findings.push(cannotVerify(`${b.name} binds ${who} of ${project} to ${ref}, which this program does not declare and ` +
                "which is not a built-in role: whether it lets the project undo its isolation cannot be judged.", b.urn));
            return;
        }
        const grants = [...new Set(rules.flatMap(undoes))];
        if (grants.length) {
            findings.push(violation(`${b.name} (${where}) lets ${who} of ${project} ${grants.join("; ")} through ${ref}: ` +
                "the project could undo its own isolation. Keep get/list/watch on these objects in the role and leave their " +
                "writing to the platform (a binding outside the project's members).", b.urn));
        }
    };
    // Bindings are read once: a RoleBinding belongs to the project of its namespace; ClusterRoleBindings are few.
    const byNamespace = new Map(ps.map(p => [p.namespace, p]));
    for (const b of resources) {
        if (b.type === ROLE_BINDING) {
            // During a preview a namespace taken from the Namespace's outputs is unknown: the dependency names it.
            const ns = safe(b.props, "metadata", "namespace");
            const p = typeof ns === "string" ? byNamespace.get(ns)
                : ps.find(q => (b.propertyDependencies.metadata ?? []).includes(q.urn));
            if (!p) continue;
            const subjects = list(safe(b.props, "subjects")).filter(s => projectSubject(s, p.namespace, p.namespace));
            if (subjects.length) judge(b, `RoleBinding in ${p.namespace}`, `project ${p.id}`, subjects, rulesOf(b, p.namespace));
        } else if (b.type === CLUSTER_ROLE_BINDING) {
            // One finding per binding, however many projects it reaches (system:authenticated reaches them all).
            const all = list(safe(b.props, "subjects"));
            const reached = ps.filter(p => all.some(s => projectSubject(s, p.namespace)));
            if (reached.length === 0) continue;
            const ids = reached.map(p => p.id);
            const named = ids.length > 3 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(", ");
            const subjects = all.filter(s => reached.some(p => projectSubject(s, p.namespace)));
            judge(b, "ClusterRoleBinding, every namespace", `project ${named}`, subjects, rulesOf(b));
        }
    }
    return findings;
}

export const PROJECT_RBAC: Readonly<Record<string, Predicate>> = {
    "project-namespace-isolation": { scope: "stack", checks: [projectRbac] },
};
