// Key sovereignty: stores are encrypted with keys the customer controls, the keys are strong, rotated, protected
// against deletion and export, and held by a key service outside the reach of extraterritorial law.

import { findProvider } from "../catalog/providers";
import { Finding, platformGap, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext } from "../framework/policy";
import { at, bool, given, list, num, present, same, str } from "../framework/props";
import { providersWith } from "./jurisdiction";
import { cloudOf } from "./placement";

const T = {
    account: "azure-native:storage:StorageAccount",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    hsm: "azure-native:keyvault:ManagedHsm",
    aks: "azure-native:containerservice:ManagedCluster",
    pg: "azure-native:dbforpostgresql:Server",
    disk: "azure-native:compute:Disk",
    ovhBucket: "ovh:CloudProject/storage:Storage",
    ovhDb: "ovh:CloudProject/database:Database",
    ovhKube: "ovh:CloudProject/kube:Kube",
    okms: "ovh:Okms/okms:Okms",
    okmsKey: "ovh:Okms/serviceKey:ServiceKey",
    transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
    minioBucket: "minio:index/s3Bucket:S3Bucket",
} as const;

function customerKey(r: ResourceInput): Finding[] {
    switch (r.type) {
        case T.ovhBucket: {
            if (!same(at(r.props, "encryption", "sseAlgorithm"), "AES256")) {
                return [violation("Object storage must encrypt at rest: set `encryption.sseAlgorithm` to AES256.")];
            }
            return [platformGap("OVHcloud Object Storage has no KMS-backed server-side encryption; the customer-held " +
                "key is applied by envelope encryption in the workloads (checked by storage-covered-by-key).")];
        }
        case T.minioBucket:
            return [platformGap("The S3 service encrypts at rest with provider-managed AES-256 keys only; the " +
                "customer-held key is applied by envelope encryption in the workloads (checked by storage-covered-by-key).")];
        case T.ovhDb:
            return [platformGap("OVHcloud managed databases offer no customer-managed key; keep health data out of the " +
                "catalogue database or encrypt it in the application.")];
        case T.ovhKube:
            return [platformGap("OVHcloud Managed Kubernetes offers no customer-managed key for volumes or etcd; " +
                "workloads hold no data at rest outside envelope-encrypted buckets.")];
        default:
            return [];
    }
}

interface StrengthConfig { readonly minRsaBits: number; readonly minSymmetricBits: number }

const STRONG_TRANSIT = (minRsa: number, minSym: number) => (type: string): boolean => {
    const t = type.toLowerCase();
    if (t.startsWith("aes")) return Number(t.slice(3, 6)) >= minSym;
    if (t === "chacha20-poly1305") return minSym <= 256;
    if (t.startsWith("rsa-")) return Number(t.slice(4)) >= minRsa;
    return ["ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519"].includes(t) || t.startsWith("hmac");
};

function keyStrength(r: ResourceInput, ctx: RuleContext<StrengthConfig>): Finding[] {
    const { minRsaBits, minSymmetricBits } = ctx.config;
    const findings: Finding[] = [];
    switch (r.type) {
        case T.key: {
            const kty = str(at(r.props, "properties", "kty"));
            if (!kty || !kty.toUpperCase().endsWith("-HSM")) {
                findings.push(violation(`Key type ${kty ?? "(unset)"} is software-protected: set \`properties.kty\` to RSA-HSM or EC-HSM.`));
            }
            if (kty?.toUpperCase().startsWith("RSA") && (num(at(r.props, "properties", "keySize")) ?? 0) < minRsaBits) {
                findings.push(violation(`RSA key size ${String(at(r.props, "properties", "keySize") ?? "(unset)")} is below ${minRsaBits} bits: set \`properties.keySize\` to ${minRsaBits} or more.`));
            }
            if (at(r.props, "properties", "attributes", "exportable") === true || given(at(r.props, "properties", "releasePolicy"))) {
                findings.push(violation("The key must not be exportable: set `properties.attributes.exportable` to false and remove `properties.releasePolicy`."));
            }
            return findings;
        }
        case T.vault:
            return same(at(r.props, "properties", "sku", "name"), "premium") ? [] :
                [violation("HSM-backed keys need the premium Key Vault SKU: set `properties.sku.name` to premium.")];
        case T.okmsKey: {
            const type = str(r.props.type)?.toLowerCase();
            const size = num(r.props.size);
            if (type === "oct" && (size ?? 0) < minSymmetricBits) findings.push(violation(`Symmetric key size ${size ?? "(unset)"} is below ${minSymmetricBits} bits: set \`size\` to ${minSymmetricBits}.`));
            else if (type === "rsa" && (size ?? 0) < minRsaBits) findings.push(violation(`RSA key size ${size ?? "(unset)"} is below ${minRsaBits} bits: set \`size\` to ${minRsaBits} or more.`));
            else if (type !== "oct" && type !== "rsa" && type !== "ec") findings.push(violation(`Key type ${String(r.props.type)} is not oct, RSA or EC: set \`type\` to oct (with \`size\` ${minSymmetricBits}) or RSA (with \`size\` ${minRsaBits} or more).`));
            findings.push(platformGap("OVHcloud KMS offers no per-key HSM option in its API; keys are protected by the " +
                "service's own HSM-backed root, and never leave it (no export operation exists)."));
            return findings;
        }
        case T.transitKey: {
            const type = str(r.props.type) ?? "aes256-gcm96";
            if (!STRONG_TRANSIT(minRsaBits, minSymmetricBits)(type)) findings.push(violation(`Transit key type ${type} is weaker than RSA ${minRsaBits} / AES-${minSymmetricBits}: set \`type\` to aes256-gcm96 or rsa-${Math.max(minRsaBits, 3072)}.`));
            if (r.props.exportable === true) findings.push(violation("The key must not be exportable: set `exportable` to false."));
            if (r.props.allowPlaintextBackup === true) findings.push(violation("The key must not allow plaintext backup: set `allowPlaintextBackup` to false."));
            return findings;
        }
        default:
            return [];
    }
}

interface RotationConfig { readonly maxRotationDays: number }

/** Days in an ISO 8601 duration (P90D, P3M, P1Y, P1Y2M10D); undefined when it is not one. */
export function durationDays(value: unknown): number | undefined {
    const m = typeof value === "string" ? /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(value.trim().toUpperCase()) : null;
    if (!m || m.slice(1).every(x => x === undefined)) return undefined;
    const [y, mo, w, d] = m.slice(1).map(x => Number(x ?? 0));
    return y * 365 + mo * 31 + w * 7 + d;
}

function keyRotation(r: ResourceInput, ctx: RuleContext<RotationConfig>): Finding[] {
    const max = ctx.config.maxRotationDays;
    switch (r.type) {
        case T.key: {
            const rotate = list(at(r.props, "properties", "rotationPolicy", "lifetimeActions"))
                .filter(a => same(at(a, "action", "type"), "Rotate"));
            if (rotate.length === 0) return [violation(`The key has no rotation policy: set \`properties.rotationPolicy.lifetimeActions\` to a Rotate action with \`trigger.timeAfterCreate\` at most P${max}D.`)];
            const days = rotate.map(a => durationDays(at(a, "trigger", "timeAfterCreate")) ?? Infinity);
            return Math.min(...days) <= max ? [] :
                [violation(`The key rotates after ${String(at(rotate[0], "trigger", "timeAfterCreate") ?? "(unset)")}, beyond ${max} days: set the Rotate action's \`trigger.timeAfterCreate\` to P${max}D or less.`)];
        }
        case T.transitKey: {
            const seconds = num(r.props.autoRotatePeriod) ?? 0;
            if (seconds <= 0) return [violation(`The key never rotates: set \`autoRotatePeriod\` to at most ${max} days.`)];
            return seconds <= max * 86400 ? [] : [violation(`The key rotates every ${Math.round(seconds / 86400)} days, beyond ${max}: set \`autoRotatePeriod\` to ${max * 86400} seconds or less.`)];
        }
        case T.okmsKey:
            return [platformGap("OVHcloud KMS exposes no rotation policy for service keys; rotate by creating a new key " +
                "version and re-wrapping data keys on the configured schedule.")];
        default:
            return [];
    }
}

interface RecoveryConfig { readonly minSoftDeleteDays: number }

function vaultRecovery(r: ResourceInput, ctx: RuleContext<RecoveryConfig>): Finding[] {
    const findings: Finding[] = [];
    if (r.type === T.vault || r.type === T.hsm) {
        if (at(r.props, "properties", "enablePurgeProtection") !== true) findings.push(violation("Purge protection must be on: set `properties.enablePurgeProtection` to true."));
        if (bool(at(r.props, "properties", "enableSoftDelete")) === false) findings.push(violation("Soft delete must stay on: set `properties.enableSoftDelete` to true."));
        const days = at(r.props, "properties", "softDeleteRetentionInDays");
        if (given(days) && (num(days) ?? 0) < ctx.config.minSoftDeleteDays) {
            findings.push(violation(`Soft-deleted keys are kept ${String(days)} days, fewer than ${ctx.config.minSoftDeleteDays}: set \`properties.softDeleteRetentionInDays\` to ${ctx.config.minSoftDeleteDays} or more.`));
        }
    }
    if (r.type === T.transitKey && r.props.deletionAllowed === true) {
        findings.push(violation("The key must not be deletable: set `deletionAllowed` to false."));
    }
    return findings;
}

function custody(r: ResourceInput, ctx: RuleContext<{ providerOverrides: unknown }>): Finding[] {
    const keyService = [T.vault, T.hsm, T.key, T.okms, T.okmsKey].includes(r.type as never) || r.type.startsWith("vault:");
    if (!keyService) return [];
    if (r.type.startsWith("vault:")) return []; // Vault/OpenBao is run by the customer
    const cloud = cloudOf(r);
    const provider = cloud ? findProvider(cloud, providersWith(ctx.config.providerOverrides)) : undefined;
    if (!provider) return [violation("The operator of this key service is not in the provider catalogue: record it with the `providerOverrides` setting of key-custody (cloud, operator, headOffice, extraterritorial, laws, asOf, source).")];
    return provider.extraterritorial
        ? [violation(`Keys are held in a service operated by ${provider.operator}, subject to ${provider.laws.join(" and ")}: ` +
            "the host can be compelled to use them. Hold keys in a service the customer operates (e.g. OpenBao with an " +
            "HSM) or one operated outside extraterritorial reach, or record a dated exemption (the `exemptions` setting " +
            "of key-custody) citing the decision that authorises it.")]
        : [];
}

export const KEYS: Readonly<Record<string, Predicate>> = {
    "customer-managed-encryption": { scope: "resource", checks: [customerKey] },
    "key-strength": { scope: "resource", checks: [keyStrength] },
    "key-rotation": { scope: "resource", checks: [keyRotation] },
    "key-recovery-protection": { scope: "resource", checks: [vaultRecovery] },
    "key-custody": { scope: "resource", checks: [custody] },
};
