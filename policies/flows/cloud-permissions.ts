// The permission verifier on the clouds' IAM: each identity's principals hold every grant their intent lists, on
// exactly the resource it names; no grant on anything else, and no class that can undo isolation (writing role
// assignments or network rules) unless the intent lists it on that resource with its reason; Azure workload
// identity federated with the identity's own service account alone; and no principal outside the intents holds
// anything on a research project's data or key.

import { CloudAccess, CloudPrincipal, Intents, StackRef } from "./intents";
import { FoundGrant, cloudGrants, label } from "./cloud-grants";
import { FlowResource } from "./stack-index";
import { safe } from "../framework/plain";
import { FlowFinding } from "./verify";

const FEDERATED = "azure-native:managedidentity:FederatedIdentityCredential";
/** What contains what: a grant on a container's account, a key's vault or a group covers them. */
const PARENT_KEYS = ["accountName", "vaultName", "resourceGroupName", "parentResourcePath", "okmsId"];

const DOING: Readonly<Record<CloudAccess, string>> = {
    "read": "read", "data-read": "read data", "data": "read and write data", "key-crypto": "use the key",
    "assign-roles": "write role assignments", "network-rules": "write network rules",
};
const UNDOING: readonly CloudAccess[] = ["assign-roles", "network-rules"];

export function verifyCloudPermissions(resources: readonly FlowResource[], intents: Intents, intentsUrn?: string): FlowFinding[] {
    const cloudIdentities = intents.identities.filter(i => i.cloud?.length);
    if (!cloudIdentities.length && !intents.projectResources?.length) return [];
    const findings: FlowFinding[] = [];
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const byRef = new Map(resources.map(r => [`${r.type}::${r.name}`, r]));
    const find = (ref: StackRef) => byRef.get(`${ref.type}::${ref.name}`);
    const ancestors = new Map<string, Set<string>>();
    const ancestorsOf = (urn: string): Set<string> => {
        const known = ancestors.get(urn);
        if (known) return known;
        const found = new Set<string>();
        ancestors.set(urn, found);
        const r = byUrn.get(urn);
        for (const key of PARENT_KEYS) {
            for (const parent of r?.propertyDependencies[key] ?? []) {
                found.add(parent);
                for (const a of ancestorsOf(parent)) found.add(a);
            }
        }
        return found;
    };
    const covers = (g: FoundGrant, urn: string) => g.everything || (g.everyType !== undefined && byUrn.get(urn)?.type === g.everyType) ||
        g.scopes.includes(urn) || g.scopes.some(s => ancestorsOf(urn).has(s));

    const { grants, problems } = cloudGrants(resources);
    findings.push(...problems.map(p => ({ kind: "cannot-verify" as const, urn: p.urn, message: p.message })));
    const protectedResources = (intents.projectResources ?? []).map(p => ({ ...p, urn: find(p.resource)?.urn }));
    for (const p of protectedResources.filter(p => !p.urn)) {
        findings.push({ kind: "violation", urn: intentsUrn, message: `The intents name ${p.what} as ${p.resource.type} ${p.resource.name}, ` +
            "which this stack does not declare: no grant on it can be judged." });
    }
    // A grant reaches a project's data with data access, its key with key use, and either by giving itself rights.
    const reaches = (g: FoundGrant, kind: "data" | "key") =>
        (kind === "data" ? g.access.has("data-read") : g.access.has("key-crypto")) || g.access.has("assign-roles");
    const reached = (g: FoundGrant, except: ReadonlySet<string>) => protectedResources
        .filter(p => p.urn && !except.has(p.urn) && reaches(g, p.kind) && covers(g, p.urn)).map(p => p.what);

    const claimed = new Set<FoundGrant>();
    const holds = (p: CloudPrincipal, urn: string | undefined) => (g: FoundGrant) =>
        (urn !== undefined && g.principal.urn === urn) || (p.literal !== undefined && g.principal.literal === p.literal);

    for (const id of cloudIdentities) {
        for (const p of id.cloud!) {
            const who = id.description.includes(p.description) ? id.description : `${id.description} (${p.description})`;
            const self = p.resource ? find(p.resource) : undefined;
            if (p.resource && !self) {
                findings.push({ kind: "violation", urn: intentsUrn, message: `${who} is ${p.resource.type} ${p.resource.name}, which this ` +
                    "stack does not declare: its grants cannot be found." });
                continue;
            }
            const mine = grants.filter(holds(p, self?.urn));
            mine.forEach(g => claimed.add(g));
            const declared = p.grants.map(g => ({ ...g, urn: find(g.resource)?.urn }));
            for (const need of declared) {
                if (!need.urn) {
                    findings.push({ kind: "violation", urn: intentsUrn, message: `${who} needs ${need.resource.type} ${need.resource.name}, ` +
                        "which this stack does not declare." });
                    continue;
                }
                // A grant whose document is unknown until deployment was reported as such; it may well hold the need.
                const missing = need.access.filter(a => !mine.some(g => (g.access.has(a) || g.unknownAccess) && covers(g, need.urn!)));
                if (missing.length) {
                    findings.push({ kind: "violation", urn: intentsUrn, message: `${who} cannot ${missing.map(a => DOING[a]).join(", ")} on ` +
                        `${need.resource.type} ${need.resource.name}, which its work needs (${need.why}).` });
                }
            }
            const own = new Set(declared.map(d => d.urn).filter((u): u is string => !!u));
            for (const g of mine) {
                const exact = !g.everything && g.everyType === undefined && g.scopes.length > 0 && g.scopes.every(s => own.has(s));
                if (!exact) {
                    const others = reached(g, own);
                    findings.push({ kind: "violation", urn: g.urn, message: `${who} holds ${g.what} on ${g.scopeLabel} (${g.via}): ` +
                        `beyond what its intent grants (${declared.map(d => `${d.resource.type} ${d.resource.name}`).join(", ") || "nothing"})` +
                        `${others.length ? `; it reaches ${others.join(", ")}` : ""}.` });
                    continue;
                }
                for (const a of UNDOING.filter(a => g.access.has(a))) {
                    if (!declared.some(d => g.scopes.includes(d.urn!) && d.access.includes(a))) {
                        findings.push({ kind: "violation", urn: g.urn, message: `${who} may ${DOING[a]} on ${g.scopeLabel} through ${g.what} (${g.via}): ` +
                            "that can undo the isolation its intent relies on, and its intent does not list it." });
                    }
                }
            }
            if (self) findings.push(...federation(who, p, self, resources, intentsUrn));
        }
    }

    // Principals no intent declares, on a project's data or key.
    for (const g of grants.filter(g => !claimed.has(g))) {
        const hit = reached(g, new Set());
        if (!hit.length) continue;
        const principal = g.principal.urn ? label(byUrn.get(g.principal.urn)!) : `principal ${g.principal.literal}`;
        findings.push({ kind: "violation", urn: g.urn, message: `${principal}, which no intent declares, holds ${g.what} on ` +
            `${g.scopeLabel} (${g.via}), which reaches ${hit.join(", ")}.` });
    }
    return findings;
}

/** Azure workload identity: the identity's federated credentials name its service accounts, and no other. */
function federation(who: string, p: CloudPrincipal, self: FlowResource, resources: readonly FlowResource[], intentsUrn?: string): FlowFinding[] {
    const credentials = resources.filter(r => r.type === FEDERATED && (r.propertyDependencies.resourceName ?? []).includes(self.urn));
    const expected = p.federatedSubjects ?? [];
    const findings: FlowFinding[] = [];
    for (const subject of expected) {
        if (!credentials.some(c => safe(c.props, "subject") === subject)) {
            findings.push({ kind: "violation", urn: intentsUrn, message: `${who} gets no token: no federated credential lets ` +
                `${subject} act as ${p.description}.` });
        }
    }
    for (const c of credentials) {
        const subject = String(safe(c.props, "subject") ?? "(unknown)");
        if (!expected.includes(subject)) {
            findings.push({ kind: "violation", urn: c.urn, message: `${subject} can act as ${p.description} (FederatedIdentityCredential ` +
                `${c.name}), whose intent federates ${expected.join(", ") || "no service account"}: it would hold the grants of ${who}.` });
        }
    }
    return findings;
}

