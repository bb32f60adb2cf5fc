// The Cloud Temple target's own settings: what only Cloud Temple's console or support can produce (the OpenShift
// cluster and its kubeconfig, the object-storage namespace and its storage accounts) comes in here, validated before
// any resource is registered. Non-secret values live in `warehouse:cloudtemple` (one object); secrets each in a
// `warehouse:cloudtempleXxx` key, set with `pulumi config set --secret`.

import { z } from "zod";
import { ConfigError, ConfigProblem } from "../../components/errors";
import { parseCidr } from "../../components/cidr";
import { WarehouseSpec } from "../../components/model";
import { key, validate } from "../../components/validation";
import { FIRST_PROJECT_PRIORITY, LAST_SUPPORTED_PRIORITY } from "./egress";

/** The object-storage endpoint Cloud Temple gives a storage namespace in FR1 (Dell ECS, path-style, SigV4). */
const ENDPOINT = /^https:\/\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.s3\.fr1\.cloud-temple\.com\/?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const cidr = z.string().refine(s => parseCidr(s) !== undefined,
    "an IPv4 CIDR block with its host bits zero, e.g. 203.0.113.16/28");
const httpsUrl = z.string().refine(s => /^https:\/\/[^\s/]+(:\d+)?\/?$/.test(s),
    "an https:// URL with a host and optional port, no path");

/** A Cloud Temple storage account (an S3 identity), created in the console. Its secret key is a secret config key. */
const storageAccount = z.strictObject({
    /** The bucket-policy principal, exactly as the console shows it for the account. */
    principal: z.string().min(3, "the account's principal as Cloud Temple's console shows it, " +
        "e.g. urn:ecs:iam::<namespace>:user/<account>"),
    accessKeyId: z.string().min(8, "the account's access key id (not secret; its secret key is a secret config key)"),
});

const pkcs11Seal = z.strictObject({
    type: z.literal("pkcs11"),
    /** Path of the HSM vendor's PKCS#11 library inside the OpenBao image. */
    library: z.string().regex(/^\/\S+\.so(\.\d+)*$/, "an absolute path to the PKCS#11 library (.so) inside the image"),
    tokenLabel: z.string().min(1),
    keyLabel: z.string().min(1),
    /**
     * Where OpenBao reaches the HSM: its addresses and port. The keys namespace's EgressFirewall denies every other
     * destination outside the cluster, so without it OpenBao cannot unseal.
     */
    hsm: z.strictObject({
        cidrs: z.array(cidr).min(1, "at least one CIDR block of the HSM (or its network appliance)"),
        port: z.number().int().min(1).max(65535).describe("the port of the HSM's PKCS#11 network service"),
    }),
    /** An OpenBao image that carries the vendor's library (the upstream image does not). */
    image: z.strictObject({
        registry: z.string().min(1),
        repository: z.string().min(1),
        tag: z.string().min(1),
    }),
});

const settingsSchema = z.strictObject({
    cluster: z.strictObject({
        /** The cluster's name in Cloud Temple's order. */
        name: z.string().regex(DNS_LABEL, "the OpenShift cluster's name: lower-case letters, digits and '-'"),
        /** The API server URL from the delivered kubeconfig. */
        apiUrl: httpsUrl,
        /**
         * How Cloud Temple exposes the API: "restricted" (reachable only from allow-listed admin addresses, the
         * filter set by Cloud Temple support) or "private" (only over the tenant's private interconnect).
         */
        apiAccess: z.enum(["restricted", "private"]).default("restricted"),
        /** The cluster network (pod addresses) of the delivered cluster; OpenShift's default is 10.128.0.0/14. */
        podNetworkCidr: cidr.default("10.128.0.0/14"),
        /** The control-plane addresses pods reach the API through; egress firewalls must allow them. */
        apiServerCidrs: z.array(cidr).min(1, "at least one CIDR block of the cluster's API servers"),
        /** Storage class for OpenBao and PostgreSQL volumes; the cluster default when unset. */
        storageClass: z.string().regex(DNS_LABEL, "a storage class name").optional(),
    }),
    objectStorage: z.strictObject({
        endpoint: z.string().regex(ENDPOINT, "https://<namespace>.s3.fr1.cloud-temple.com (the S3 endpoint of the " +
            "storage namespace, as the console shows it; FR1 is Cloud Temple's only region)"),
        /** The addresses the endpoint resolves to; workloads may reach only these for object storage. */
        endpointCidrs: z.array(cidr).min(1, "at least one CIDR block the S3 endpoint resolves to"),
        /** Creates and owns the buckets (Pulumi uses it). */
        platformAccount: storageAccount,
        /** Writes the catalogue's backups, and nothing else. */
        backupAccount: storageAccount,
        /** One account per research project, by project id. */
        projectAccounts: z.record(z.string(), storageAccount),
    }),
    openbao: z.strictObject({
        /**
         * False until OpenBao has been initialised and a Pulumi token exists (docs/deploy-cloudtemple.md): until then
         * only OpenBao itself is deployed, because nothing can configure a sealed server.
         */
        initialised: z.boolean().default(false),
        /** Where Pulumi reaches OpenBao; in-cluster only, so by default through `oc port-forward`. */
        address: httpsUrl.default("https://127.0.0.1:8200"),
        /** The cluster's service CA bundle on the operator's machine, to verify OpenBao's certificate. */
        caCertFile: z.string().min(1).optional(),
        seal: z.discriminatedUnion("type", [z.strictObject({ type: z.literal("shamir") }), pkcs11Seal], {
            error: "a seal of type \"shamir\" or \"pkcs11\" (library, tokenLabel, keyLabel, image)",
        }).default({ type: "shamir" }),
        dataStorageGi: z.number().int().min(1).max(1000).default(10),
        auditStorageGi: z.number().int().min(1).max(1000).default(50),
    }).default({
        initialised: false, address: "https://127.0.0.1:8200", seal: { type: "shamir" },
        dataStorageGi: 10, auditStorageGi: 50,
    }),
    catalog: z.strictObject({
        /** The OLM catalogue and channel CloudNativePG is installed from. */
        operatorSource: z.string().min(1).default("certified-operators"),
        operatorChannel: z.string().min(1).default("stable-v1"),
        /** "Manual" holds operator upgrades until an administrator approves them (the first install too). */
        installPlanApproval: z.enum(["Automatic", "Manual"]).default("Automatic"),
        /** PostgreSQL image; a mirror when the cluster cannot pull from the internet. */
        imageName: z.string().min(1).optional(),
        backupRetentionDays: z.number().int().min(7).max(3650).default(30),
    }).default({
        operatorSource: "certified-operators", operatorChannel: "stable-v1", installPlanApproval: "Automatic",
        backupRetentionDays: 30,
    }),
});

export type Pkcs11Seal = z.output<typeof pkcs11Seal>;
type ParsedSettings = z.output<typeof settingsSchema>;

/** Secrets the target reads, as `warehouse:<name>` keys. */
export const SECRET_KEYS = {
    kubeconfig: "cloudtempleKubeconfig",
    openbaoToken: "cloudtempleOpenbaoToken",
    hsmPin: "cloudtempleHsmPin",
    platformS3Secret: "cloudtempleS3PlatformSecret",
    backupS3Secret: "cloudtempleS3BackupSecret",
} as const;

/** The secret key of a research project's storage account: `cloudtempleS3ProjectSecret<Id>`. */
export function projectSecretKey(projectId: string): string {
    return `cloudtempleS3ProjectSecret${projectId[0].toUpperCase()}${projectId.slice(1)}`;
}

/** The validated settings, with what is derived from them. */
export interface CloudTempleSettings extends ParsedSettings {
    /** Where the OpenBao token comes from: a secret config key, or VAULT_TOKEN in Pulumi's environment. */
    readonly openbaoTokenSource: "config" | "environment" | "none";
}

export const SETTINGS_KEY = "cloudtemple";

/**
 * Validates `warehouse:cloudtemple` and the `warehouse:cloudtempleXxx` secrets against the spec. Throws one
 * ConfigError listing every problem; unknown keys are refused, since a misspelt secret would otherwise be ignored.
 */
export function parseSettings(spec: WarehouseSpec, settings: Readonly<Record<string, unknown>>,
                              env: NodeJS.ProcessEnv = process.env): CloudTempleSettings {
    const problems: ConfigProblem[] = [];
    const expectedSecrets = new Set<string>([
        ...Object.values(SECRET_KEYS), ...spec.projects.map(p => projectSecretKey(p.id)),
    ]);
    for (const name of Object.keys(settings)) {
        if (name !== SETTINGS_KEY && !expectedSecrets.has(name)) {
            problems.push({ key: key(name), value: "(hidden)", allowed: `unknown Cloud Temple setting; known: ` +
                [SETTINGS_KEY, ...expectedSecrets].map(key).join(", ") });
        }
    }
    const raw = settings[SETTINGS_KEY];
    if (raw === undefined) {
        problems.push({ key: key(SETTINGS_KEY), value: undefined,
            allowed: "required: an object with cluster, objectStorage and optionally openbao and catalog " +
                "(see stacks/Pulumi.cloudtemple-rehearsal.yaml)" });
    }
    // The secrets are checked whatever else is wrong, so that one round names every problem.
    const result = raw === undefined ? { problems: [] } : validate(settingsSchema, raw, [SETTINGS_KEY]);
    problems.push(...result.problems);
    const parsed = result.data;
    if (parsed) checkAccounts(spec, parsed, problems);
    else if (spec.projects.length > LAST_SUPPORTED_PRIORITY - FIRST_PROJECT_PRIORITY + 1) checkAccounts(spec, undefined, problems);

    const requireSecret = (name: string, why: string) => {
        const value = settings[name];
        if (typeof value !== "string" || value.trim() === "") {
            problems.push({ key: key(name), value: undefined, allowed: `required secret: ${why} ` +
                `(pulumi config set --secret ${key(name)} ...)` });
        }
    };
    requireSecret(SECRET_KEYS.kubeconfig, "the kubeconfig Cloud Temple delivered with the OpenShift cluster");
    requireSecret(SECRET_KEYS.platformS3Secret, "the secret key of objectStorage.platformAccount");
    requireSecret(SECRET_KEYS.backupS3Secret, "the secret key of objectStorage.backupAccount");
    for (const project of spec.projects) {
        requireSecret(projectSecretKey(project.id), `the secret key of research project ${project.id}'s storage account`);
    }
    if (parsed?.openbao.seal.type === "pkcs11") {
        requireSecret(SECRET_KEYS.hsmPin, "the PIN of the HSM token holding OpenBao's seal key");
    } else if (settings[SECRET_KEYS.hsmPin] !== undefined) {
        problems.push({ key: key(SECRET_KEYS.hsmPin), value: "(hidden)",
            allowed: "only with cloudtemple.openbao.seal.type pkcs11 (remove it, or configure the HSM seal)" });
    }
    let openbaoTokenSource: CloudTempleSettings["openbaoTokenSource"] = "none";
    if (typeof settings[SECRET_KEYS.openbaoToken] === "string") openbaoTokenSource = "config";
    else if (env.VAULT_TOKEN) openbaoTokenSource = "environment";
    if (parsed?.openbao.initialised && openbaoTokenSource === "none") {
        problems.push({ key: key(SECRET_KEYS.openbaoToken), value: undefined,
            allowed: "required once cloudtemple.openbao.initialised is true: the OpenBao token Pulumi uses, as a " +
                "secret config key or as VAULT_TOKEN in Pulumi's environment (never the root token)" });
    }
    if (problems.length || !parsed) throw new ConfigError(problems);
    return { ...parsed, openbaoTokenSource };
}

/** The cluster's capacity for projects, and one storage account per project, none shared. */
function checkAccounts(spec: WarehouseSpec, parsed: z.output<typeof settingsSchema> | undefined, problems: ConfigProblem[]): void {
    const lastPriority = FIRST_PROJECT_PRIORITY + spec.projects.length - 1;
    if (lastPriority > LAST_SUPPORTED_PRIORITY) {
        problems.push({ key: key("projects"), value: `${spec.projects.length} projects`,
            allowed: `at most ${LAST_SUPPORTED_PRIORITY - FIRST_PROJECT_PRIORITY + 1} research projects per ` +
                "OpenShift cluster (one AdminNetworkPolicy each; OVN-Kubernetes supports priorities 0 to 99)" });
    }
    if (!parsed) return;
    const accounts = parsed.objectStorage.projectAccounts;
    for (const project of spec.projects) {
        if (!accounts[project.id]) {
            problems.push({ key: key(`${SETTINGS_KEY}.objectStorage.projectAccounts.${project.id}`), value: undefined,
                allowed: `required: the storage account created for research project ${project.id} ` +
                    "({ principal, accessKeyId })" });
        }
    }
    for (const id of Object.keys(accounts)) {
        if (!spec.projects.some(p => p.id === id)) {
            problems.push({ key: key(`${SETTINGS_KEY}.objectStorage.projectAccounts.${id}`), value: accounts[id],
                allowed: `an account of a configured project (${spec.projects.map(p => p.id).join(", ") || "none"})` });
        }
    }
    const principals = [parsed.objectStorage.platformAccount, parsed.objectStorage.backupAccount,
        ...Object.values(accounts)].map(a => a.principal);
    const shared = principals.find((p, i) => principals.indexOf(p) !== i);
    if (shared) {
        problems.push({ key: key(`${SETTINGS_KEY}.objectStorage`), value: shared,
            allowed: "a distinct storage account for the platform, the backups and each project: a shared account " +
                "would reach another's bucket" });
    }

}
