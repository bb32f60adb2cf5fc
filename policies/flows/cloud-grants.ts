// The grants a stack declares in the clouds' IAM, read from the planned resources, each as who holds it, on which
// scope, and what it confers in the verifier's classes: Azure role assignments (the role's actions from Microsoft's
// reference), OVHcloud Public Cloud users' roles and S3 user policies, OVHcloud IAM policies (OKMS), and S3 bucket
// policies (Cloud Temple's object storage, through the MinIO provider). Principals and scopes are read from the
// property dependencies where they are other resources of the stack (their ids are unknown at preview time).

import { azureRoleAccess } from "./azure-roles";
import { CloudAccess } from "./intents";
import { FlowResource } from "./stack-index";
import { safe } from "../framework/plain";

export interface FoundGrant {
    /** The stack resource that is the principal, or the principal's literal name (object id, S3 principal, `*`). */
    readonly principal: { readonly urn?: string; readonly literal?: string };
    /** The resources the grant is on (it covers them and what they contain), or every resource of `everyType`. */
    readonly scopes: readonly string[];
    readonly everything?: boolean;
    readonly everyType?: string;
    readonly scopeLabel: string;
    readonly access: ReadonlySet<CloudAccess>;
    /** Its document is unknown at preview time: its scope comes from its dependencies, its access is not known. */
    readonly unknownAccess?: boolean;
    /** The role or policy, as a reviewer finds it: "Storage Blob Data Contributor", "S3 policy ProjectBucketOnly". */
    readonly what: string;
    /** The resource that declares it: "RoleAssignment hdh-storage-oncoprev-container". */
    readonly via: string;
    readonly urn: string;
}

export interface GrantProblem {
    readonly urn: string;
    readonly message: string;
}

export const TYPES = {
    roleAssignment: "azure-native:authorization:RoleAssignment",
    ovhUser: "ovh:CloudProject/user:User",
    ovhS3Policy: "ovh:CloudProject/s3Policy:S3Policy",
    ovhBucket: "ovh:CloudProject/storage:Storage",
    ovhIamPolicy: "ovh:Iam/policy:Policy",
    okms: "ovh:Okms/okms:Okms",
    okmsKey: "ovh:Okms/serviceKey:ServiceKey",
    bucketPolicy: "minio:index/s3BucketPolicy:S3BucketPolicy",
} as const;

export const label = (r: FlowResource) => `${r.type} ${r.name}`;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

export function cloudGrants(resources: readonly FlowResource[]): { grants: FoundGrant[]; problems: GrantProblem[] } {
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const ofType = (type: string) => resources.filter(r => r.type === type);
    const grants: FoundGrant[] = [];
    const problems: GrantProblem[] = [];
    const depsOf = (r: FlowResource, key: string, type?: string) =>
        (r.propertyDependencies[key] ?? []).map(u => byUrn.get(u)).filter((x): x is FlowResource => !!x && (!type || x.type === type));

    // Azure: one role on one scope for one principal. A scope given as a string with no resource behind it
    // (a subscription or a resource group by id) covers everything in it.
    for (const a of ofType(TYPES.roleAssignment)) {
        const via = `RoleAssignment ${a.name}`;
        const roleId = String(safe(a.props, "roleDefinitionId") ?? "").split("/").pop() ?? "";
        const role = azureRoleAccess(roleId);
        if (!role) {
            problems.push({ urn: a.urn, message: `${via} grants role ${roleId || "(unknown until deployment)"}, which this verifier does not ` +
                "know (only built-in roles from Microsoft's reference are listed): what it confers cannot be judged." });
            continue;
        }
        const principalRes = depsOf(a, "principalId")[0];
        const literal = safe(a.props, "principalId");
        const scopeRes = depsOf(a, "scope")[0];
        const scope = safe(a.props, "scope");
        if (!scopeRes && typeof scope !== "string") {
            problems.push({ urn: a.urn, message: `${via}: its scope is unknown at preview time and names no resource of the stack.` });
            continue;
        }
        grants.push({
            principal: principalRes ? { urn: principalRes.urn } : { literal: String(literal ?? "") },
            scopes: scopeRes ? [scopeRes.urn] : [], everything: !scopeRes, scopeLabel: scopeRes ? label(scopeRes) : `scope ${scope}`,
            access: role.access, what: role.name, via,
            urn: a.urn,
        });
    }

    // OVHcloud Public Cloud users: objectstore_operator reaches every bucket of the project until an S3 policy is
    // set for the user, which then decides (OVHcloud, "Object Storage - Identity and access management").
    const s3Policies = ofType(TYPES.ovhS3Policy);
    const buckets = ofType(TYPES.ovhBucket).map(b => ({ r: b, name: safe(b.props, "name") as string | undefined }));
    for (const user of ofType(TYPES.ovhUser)) {
        const via = `User ${user.name}`;
        const policies = s3Policies.filter(p => (p.propertyDependencies.userId ?? []).includes(user.urn));
        for (const role of list(safe(user.props, "roleNames")).map(String)) {
            const access = OVH_USER_ROLES[role];
            if (!access) {
                problems.push({ urn: user.urn, message: `${via} holds Public Cloud role ${role}, which this verifier does not know: ` +
                    "what it reaches cannot be judged." });
                continue;
            }
            if (role === "objectstore_operator" && policies.length > 0) continue;
            grants.push({ principal: { urn: user.urn }, scopes: [], everyType: role === "objectstore_operator" ? TYPES.ovhBucket : undefined,
                everything: role !== "objectstore_operator", scopeLabel: role === "objectstore_operator" ? "every bucket of the project" : "the whole project",
                access: new Set(access), what: `role ${role}${role === "objectstore_operator" ? " with no S3 policy" : ""}`, via, urn: user.urn });
        }
        for (const p of policies) {
            const text = safe(p.props, "policy");
            if (typeof text !== "string") {
                // The document names a bucket whose name is only known once it exists (a random suffix): until then,
                // its dependencies say which buckets it can name, not what it allows on them.
                const named = depsOf(p, "policy", TYPES.ovhBucket);
                problems.push({ urn: p.urn, message: `S3Policy ${p.name} of ${user.name}: its document is unknown until ` +
                    `${named.map(b => b.name).join(", ") || "its bucket"} exists (a random suffix names it); it can name no other bucket of ` +
                    "this stack, but the actions it allows are judged only once the bucket exists (the next preview)." });
                grants.push({ principal: { urn: user.urn }, scopes: named.map(b => b.urn), scopeLabel: named.map(label).join(", ") || "an unknown bucket",
                    access: new Set(["read", "data-read", "data"]), unknownAccess: true, what: "an S3 policy (document unknown until its bucket exists)",
                    via: `S3Policy ${p.name}`, urn: p.urn });
                continue;
            }
            for (const st of statements(text, p.urn, `S3Policy ${p.name}`, problems)) {
                const covered = buckets.filter(b => b.name !== undefined && list(st.Resource).some((res: string) =>
                    s3Matches(String(res), `arn:aws:s3:::${b.name}`) || s3Matches(String(res), `arn:aws:s3:::${b.name}/object`)));
                const all = list(st.Resource).some((res: string) => res === "*" || res === "arn:aws:s3:::*" || res === "arn:aws:s3:::*/*");
                grants.push({ principal: { urn: user.urn }, scopes: covered.map(b => b.r.urn), everyType: all ? TYPES.ovhBucket : undefined,
                    scopeLabel: all ? "every bucket of the project" : covered.map(b => label(b.r)).join(", ") || "no bucket of this stack",
                    access: s3Access(list(st.Action)), what: `S3 policy ${st.Sid ?? "(no Sid)"}`, via: `S3Policy ${p.name}`, urn: p.urn });
            }
        }
    }

    // OVHcloud IAM policies: identities, resources (OKMS or one of its keys, by URN), allowed actions.
    for (const p of ofType(TYPES.ovhIamPolicy)) {
        const via = `IAM policy ${safe(p.props, "name") ?? p.name}`;
        const principals = depsOf(p, "identities");
        const literals = principals.length ? [] : list(safe(p.props, "identities")).map(String);
        const keyScopes = depsOf(p, "resources", TYPES.okmsKey);
        const kmsScopes = depsOf(p, "resources", TYPES.okms);
        const texts = list(safe(p.props, "resources")).map(String);
        // A resource URN without "/serviceKey/" names the whole KMS; with only the KMS as dependency, so is it.
        const wholeKms = texts.some(t => !t.includes("/serviceKey/") || t.endsWith("*")) || keyScopes.length === 0;
        const scopes = wholeKms ? (kmsScopes.length ? kmsScopes : []) : keyScopes;
        if (wholeKms && !kmsScopes.length) {
            problems.push({ urn: p.urn, message: `${via}: its resources name no OKMS or key of this stack; what it reaches cannot be judged.` });
            continue;
        }
        const access = okmsAccess(list(safe(p.props, "allows")).map(String));
        for (const principal of [...principals.map(r => ({ urn: r.urn })), ...literals.map(l => ({ literal: l }))]) {
            grants.push({ principal, scopes: scopes.map(s => s.urn), scopeLabel: scopes.map(label).join(", "), access,
                what: via, via: `Policy ${p.name}`, urn: p.urn });
        }
    }

    // S3 bucket policies (Cloud Temple): each Allow statement, for each principal it names, on its bucket.
    for (const p of ofType(TYPES.bucketPolicy)) {
        const bucket = depsOf(p, "bucket")[0];
        const text = safe(p.props, "policy");
        if (!bucket || typeof text !== "string") {
            problems.push({ urn: p.urn, message: `S3BucketPolicy ${p.name}: its bucket or its document is unknown at preview time.` });
            continue;
        }
        for (const st of statements(text, p.urn, `S3BucketPolicy ${p.name}`, problems)) {
            const principal = st.Principal === "*" ? ["*"] : list(st.Principal?.AWS ?? st.Principal?.["*"] ?? st.Principal).map(String);
            for (const who of principal) {
                grants.push({ principal: { literal: who }, scopes: [bucket.urn], scopeLabel: label(bucket), access: s3Access(list(st.Action)),
                    what: `bucket policy ${st.Sid ?? "(no Sid)"}`, via: `S3BucketPolicy ${p.name}`, urn: p.urn });
            }
        }
    }
    return { grants, problems };
}

/** Public Cloud user roles (OVHcloud, "Users and roles of a Public Cloud project"): what each reaches project-wide. */
const OVH_USER_ROLES: Readonly<Record<string, readonly CloudAccess[]>> = {
    objectstore_operator: ["read", "data-read", "data"],
    administrator: ["read", "data-read", "data", "assign-roles", "network-rules"],
    network_operator: ["read", "network-rules"],
    network_security_operator: ["read", "network-rules"],
    compute_operator: ["read"],
    volume_operator: ["read"],
    image_operator: ["read"],
    backup_operator: ["read"],
    infrastructure_supervisor: ["read"],
};

function statements(text: string, urn: string, via: string, problems: GrantProblem[]): any[] {
    try {
        return list(JSON.parse(text)?.Statement).filter((s: any) => (s?.Effect ?? "Allow") === "Allow");
    } catch {
        problems.push({ urn, message: `${via}: its document is not valid JSON.` });
        return [];
    }
}

/** S3 policy wildcards: `*` any run of characters, `?` one (AWS IAM policy elements reference, Resource and Action). */
const compiled = new Map<string, RegExp>();
function s3Matches(pattern: string, value: string): boolean {
    let re = compiled.get(pattern);
    if (!re) {
        re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
        compiled.set(pattern, re);
    }
    return re.test(value);
}

/**
 * S3 actions by class (Amazon S3 actions reference, which S3-compatible stores follow): object reads and writes
 * are data, and so is listing a bucket, whose object keys name health-data files (the OVH stack keeps them out of
 * the state for that reason); writing a bucket's policy or ACLs gives rights away.
 */
const S3_CLASSES: readonly { readonly access: CloudAccess; readonly actions: readonly string[]; readonly all?: boolean }[] = [
    { access: "data-read", actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"] },
    { access: "data", actions: ["s3:GetObject", "s3:PutObject"], all: true },
    { access: "assign-roles", actions: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl"] },
];

function s3Access(actions: readonly string[]): Set<CloudAccess> {
    const access = new Set<CloudAccess>(["read"]);
    for (const c of S3_CLASSES) {
        const granted = (a: string) => actions.some(p => s3Matches(String(p), a));
        if (c.all ? c.actions.every(granted) : c.actions.some(granted)) access.add(c.access);
    }
    return access;
}

/**
 * OKMS actions by class (OVHcloud IAM action names, "okms:apikms:..." for the key's REST API and
 * "okms:apiovh:..." for the OVHcloud API): data keys and encryption use the key; issuing access certificates and
 * any IAM write gives rights away.
 */
const OKMS_CLASSES: readonly { readonly access: CloudAccess; readonly actions: readonly string[] }[] = [
    { access: "key-crypto", actions: ["okms:apikms:serviceKey/dataKey/create", "okms:apikms:serviceKey/dataKey/decrypt",
        "okms:apikms:serviceKey/encrypt", "okms:apikms:serviceKey/decrypt"] },
    { access: "assign-roles", actions: ["okms:apiovh:credential/create", "iam:apiovh:policy/create", "iam:apiovh:policy/edit"] },
];

function okmsAccess(actions: readonly string[]): Set<CloudAccess> {
    const access = new Set<CloudAccess>(["read"]);
    for (const c of OKMS_CLASSES) if (c.actions.some(a => actions.some(p => s3Matches(p, a)))) access.add(c.access);
    return access;
}
