// The permission verifier on hand-written identities and grants: what each identity needs is there, and nothing
// lets it undo its namespace's isolation or reach another project's namespace or key.

import { Identity, Intents } from "../../../policies/flows/intents";
import { policyPaths, verifyPermissions } from "../../../policies/flows/permissions";
import { FlowResource } from "../../../policies/flows/stack-index";

let n = 0;
const resource = (type: string, props: any): FlowResource =>
    ({ type, name: `r${++n}`, urn: `urn:${++n}`, props, dependencies: [], propertyDependencies: {} });
const rb = (ns: string, roleRef: any, subjects: any[]) => resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    { metadata: { name: `b${n}`, namespace: ns }, roleRef, subjects });
const role = (ns: string, name: string, rules: any[]) => resource("kubernetes:rbac.authorization.k8s.io/v1:Role", { metadata: { name, namespace: ns }, rules });
const GROUP = { kind: "Group", name: "rp-a-researchers" };

const researchers: Identity = {
    id: "researchers:a", description: "group rp-a-researchers", role: "researchers",
    kubernetes: { kind: "Group", name: "rp-a-researchers" }, ownNamespace: "rp-a",
    needs: [{ apiGroup: "", resource: "pods", verbs: ["create"], namespace: "rp-a" }],
};
const intents = (...identities: Identity[]): Intents => ({ version: 1, target: "t", endpoints: [], flows: [], identities,
    projectLabel: "p", facts: { ipBlockMatchesPods: { value: true, source: "test" } } });
const messages = (resources: FlowResource[], ...ids: Identity[]) => verifyPermissions(resources, intents(...ids)).map(f => f.message);

describe("Kubernetes RBAC", () => {
    test("a role that runs pods and reads policies passes", () => {
        const r = role("rp-a", "researcher", [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] },
            { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list"] }]);
        expect(messages([r, rb("rp-a", { kind: "Role", name: "researcher" }, [GROUP])], researchers)).toEqual([]);
    });

    test("a researcher group bound to `edit` can write NetworkPolicies: it fails, naming the binding", () => {
        const found = messages([rb("rp-a", { kind: "ClusterRole", name: "edit" }, [GROUP])], researchers);
        expect(found).toContainEqual(expect.stringMatching(/may create\/delete\/deletecollection\/patch\/update networking\.k8s\.io\/networkpolicies in rp-a \(RoleBinding rp-a\/.* -> ClusterRole edit\)/));
        expect(found).toContainEqual(expect.stringMatching(/may impersonate in rp-a/));
    });

    test("RBAC writes, escalation, grants in another namespace and missing needs are each reported", () => {
        const rbacWriter = role("rp-a", "w", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["create"] },
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] }]);
        const found = messages([rbacWriter, rb("rp-a", { kind: "Role", name: "w" }, [GROUP]),
            role("rp-b", "v", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), rb("rp-b", { kind: "Role", name: "v" }, [GROUP])], researchers);
        expect(found).toContainEqual(expect.stringContaining("may create rbac.authorization.k8s.io/rolebindings in rp-a"));
        expect(found).toContainEqual(expect.stringContaining("may escalate in rp-a"));
        expect(found).toContainEqual(expect.stringContaining("is granted rights in rp-b"));
        expect(found).toContainEqual(expect.stringContaining("cannot create pods in rp-a"));
    });

    test("a binding to system:authenticated counts for every identity; an unknown ClusterRole cannot be judged", () => {
        const found = verifyPermissions([rb("rp-a", { kind: "ClusterRole", name: "mystery" }, [{ kind: "Group", name: "system:authenticated" }])],
            intents(researchers));
        expect(found).toContainEqual(expect.objectContaining({ kind: "cannot-verify" }));
    });
});

describe("OpenBao logins", () => {
    const mover: Identity = {
        id: "mover", description: "data-migration/data-mover", role: "mover", needs: [], ownNamespace: "data-migration",
        kubernetes: { kind: "ServiceAccount", name: "data-mover", namespace: "data-migration" },
        vault: { authPath: "kubernetes", roles: [{ role: "data-mover-a", grants: [
            { path: "transit/encrypt/k-a", capabilities: ["update"] }, { path: "transit/decrypt/k-a", capabilities: ["update"] }] }] },
    };
    const policy = (name: string, text: string) => resource("vault:index/policy:Policy", { name, policy: text });
    const baoRole = (roleName: string, ns: string, sa: string, policies: string[]) => resource("vault:kubernetes/authBackendRole:AuthBackendRole",
        { roleName, boundServiceAccountNamespaces: [ns], boundServiceAccountNames: [sa], tokenPolicies: policies });
    const good = 'path "transit/encrypt/k-a" {\n  capabilities = ["update"]\n}\npath "transit/decrypt/k-a" {\n  capabilities = ["update"]\n}\n';

    test("policies parse path by path", () => {
        expect(policyPaths(good)).toEqual([{ path: "transit/encrypt/k-a", capabilities: ["update"] }, { path: "transit/decrypt/k-a", capabilities: ["update"] }]);
    });

    test("a role of its own, bound to its service account, with its key's paths: passes", () => {
        expect(messages([policy("data-mover-a", good), baoRole("data-mover-a", "data-migration", "data-mover", ["data-mover-a"])], mover)).toEqual([]);
    });

    test("a role bound to the workloads' service account fails the mover's login (defect 17)", () => {
        expect(messages([policy("data-mover-a", good), baoRole("data-mover-a", "rp-a", "research-workloads", ["data-mover-a"])], mover))
            .toContainEqual(expect.stringContaining("is bound to rp-a/research-workloads, not to data-migration/data-mover: its login fails"));
    });

    test("a missing capability, and a path to another project's key, are reported", () => {
        const wide = 'path "transit/encrypt/k-a" {\n  capabilities = ["update"]\n}\npath "transit/decrypt/k-b" {\n  capabilities = ["update"]\n}\n';
        const found = messages([policy("data-mover-a", wide), baoRole("data-mover-a", "data-migration", "data-mover", ["data-mover-a"])], mover);
        expect(found).toContainEqual(expect.stringContaining("does not grant update on transit/decrypt/k-a"));
        expect(found).toContainEqual(expect.stringContaining("whose policies reach transit/decrypt/k-b"));
    });
});
