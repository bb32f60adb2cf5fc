// Key and secret lifetimes:
// - key-rotation (with rules/keys.ts, which checks the rotation period): a key's rotation policy and its versions' expiry agree (versions live at least 28 days, a new
//   version is made at least 7 days before the current one expires, triggers counted from expiry have an expiry to
//   count from), no key or secret is already expired, and secrets expire;
// - key-version-pinning: a service that names one version of a key (checks/key-consumers.ts) does not use a key
//   whose versions expire, unless it follows rotation by itself; it would lose its key on the version's expiry.
// Keys are Key Vault keys and Managed HSM keys (declared generically as Microsoft.KeyVault/managedHSMs/keys).
// Sources: "Configure cryptographic key auto-rotation in Azure Key Vault" (expiry at least 28 days; rotation at
// least 7 days after creation and 7 days before expiry: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation);
// Azure Policy 152b15f7 / 98728c90 (keys and secrets should have an expiration date), Checkov CKV_AZURE_40/41.

import { KEY_CONSUMERS, KeyConsumer } from "../checks/key-consumers";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext, StackResource, isUnknownValueError } from "../framework/policy";
import { at, given, isRecord, list, num, peek, same, str } from "../framework/props";
import { applies, valuesAt } from "./declared";
import { durationDays } from "./keys";
import { resourceTypeOf } from "./types";

const KEY = "azure-native:keyvault:Key";
const SECRET = "azure-native:keyvault:Secret";
const GENERIC = "azure-native:resources:Resource";
const MIN_EXPIRY_DAYS = 28;
const MIN_MARGIN_DAYS = 7;

/** Whether a resource is a Key Vault or Managed HSM key (typed, or declared as a generic ARM resource). */
export function isKey(r: { type: string; props: unknown }): boolean {
    const type = resourceTypeOf(r.type);
    if (type === KEY) return true;
    return type === GENERIC && same(peek(r.props, "resourceProviderNamespace"), "Microsoft.KeyVault") &&
        same(peek(r.props, "resourceType"), "keys");
}

/** The name a key goes by in URIs: `keyName` (typed) or `resourceName` (generic), else the logical name. */
function keyNameOf(r: StackResource): string {
    return str(peek(r.props, "keyName")) ?? str(peek(r.props, "resourceName")) ?? r.name;
}

/** How long a key's versions live: the rotation policy's expiry (days), or a fixed expiry date (seconds). */
function expiryOf(props: unknown): { days?: number; text?: string; fixed?: number } | undefined {
    const text = str(at(props, "properties", "rotationPolicy", "attributes", "expiryTime"));
    const fixed = num(at(props, "properties", "attributes", "expires"));
    if (text === undefined && fixed === undefined) return undefined;
    return { days: text ? durationDays(text) : undefined, text, fixed };
}

function keyFindings(props: unknown, now: Date): Finding[] {
    const findings: Finding[] = [];
    const expiry = expiryOf(props);
    const fixed = expiry?.fixed;
    if (fixed !== undefined && fixed * 1000 <= now.getTime()) {
        findings.push(violation(`The key expired on ${new Date(fixed * 1000).toISOString().slice(0, 10)}: set ` +
            "`properties.attributes.expires` to a future date, or remove it and let the rotation policy set expiry."));
    }
    const policy = at(props, "properties", "rotationPolicy");
    if (!isRecord(policy)) return findings;
    const days = expiry?.days;
    if (expiry?.text !== undefined && days === undefined) {
        findings.push(violation(`\`properties.rotationPolicy.attributes.expiryTime\` (${expiry.text}) is not an ISO 8601 duration: write it as P<n>D, P<n>M or P<n>Y.`));
    } else if (days !== undefined && days < MIN_EXPIRY_DAYS) {
        findings.push(violation(`Key versions expire after ${expiry!.text}, under Key Vault's minimum of 28 days: set ` +
            "`properties.rotationPolicy.attributes.expiryTime` to P28D or more (longer than the rotation period)."));
    }
    list(at(policy, "lifetimeActions")).forEach((a, i) => {
        const type = str(at(a, "action", "type"));
        const after = at(a, "trigger", "timeAfterCreate");
        const before = at(a, "trigger", "timeBeforeExpiry");
        const where = `properties.rotationPolicy.lifetimeActions[${i}]`;
        if (given(before) && days === undefined && expiry?.text === undefined) {
            findings.push(violation(`\`${where}.trigger.timeBeforeExpiry\` counts from an expiry the policy does not set, so the ` +
                `${type ?? "action"} never happens: set \`properties.rotationPolicy.attributes.expiryTime\`.`));
        }
        if (!same(type, "Rotate")) return;
        const afterDays = durationDays(after);
        if (afterDays !== undefined && days !== undefined && afterDays > days - MIN_MARGIN_DAYS) {
            findings.push(violation(`The key rotates ${String(after)} after creation but its versions expire after ${expiry!.text}: ` +
                `each version expires before (or less than 7 days after) its replacement exists; set \`${where}.trigger.timeAfterCreate\` ` +
                `to at most P${days - MIN_MARGIN_DAYS}D, or \`properties.rotationPolicy.attributes.expiryTime\` to at least P${afterDays + MIN_MARGIN_DAYS}D.`));
        }
        const beforeDays = durationDays(before);
        if (beforeDays !== undefined && beforeDays < MIN_MARGIN_DAYS) {
            findings.push(violation(`\`${where}.trigger.timeBeforeExpiry\` (${String(before)}) is under Key Vault's minimum of 7 days: set it to P7D or more.`));
        }
    });
    return findings;
}

function secretFindings(props: unknown, now: Date): Finding[] {
    const expires = num(at(props, "properties", "attributes", "expires"));
    if (expires === undefined) {
        return [violation("The secret never expires: set `properties.attributes.expires` (seconds since 1970) and rotate the " +
            "secret before that date.")];
    }
    return expires * 1000 <= now.getTime()
        ? [violation(`The secret expired on ${new Date(expires * 1000).toISOString().slice(0, 10)}: set \`properties.attributes.expires\` to a future date.`)]
        : [];
}

function keyExpiry(r: ResourceInput, ctx: RuleContext): Finding[] {
    if (resourceTypeOf(r.type) === SECRET) return secretFindings(r.props, ctx.now);
    return isKey(r) ? keyFindings(r.props, ctx.now) : [];
}

// --- consumers pinned to an expiring version ---------------------------------------------------------------------

const consumersByType = new Map<string, KeyConsumer[]>();
for (const c of KEY_CONSUMERS) for (const t of c.types) (consumersByType.get(t) ?? consumersByType.set(t, []).get(t)!).push(c);

/** `https://<vault>.vault.azure.net/keys/<name>[/<version>]` (or a managed HSM's) as its name and version. */
export function parseKeyUri(uri: string): { name: string; version?: string } | undefined {
    const m = /^https:\/\/[^/]+\/keys\/([^/?#]+)(?:\/([^/?#]+))?\/?$/i.exec(uri.trim());
    return m ? { name: m[1], version: m[2] } : undefined;
}

/** The keys of the program a consumer's key property refers to: by reference, else by name. */
function keysOf(consumer: StackResource, c: KeyConsumer, keys: readonly StackResource[], names: string[]): StackResource[] {
    const top = c.property.split(".")[0].replace(/\[\*\]$/, "");
    const linked = keys.filter(k => (consumer.propertyDependencies[top] ?? []).includes(k.urn));
    if (linked.length) return linked;
    return keys.filter(k => names.some(n => n.toLowerCase() === keyNameOf(k).toLowerCase()));
}

function pinning(resources: readonly StackResource[]): Finding[] {
    const keys = resources.filter(isKey);
    if (keys.length === 0) return [];
    const findings: Finding[] = [];
    for (const r of resources) {
        for (const c of consumersByType.get(resourceTypeOf(r.type)) ?? []) {
            try {
                findings.push(...consumerFindings(r, c, keys));
            } catch (e) {
                if (!isUnknownValueError(e)) throw e;
                findings.push(cannotVerify(`Whether ${r.name} pins a key version (.${e.props.join(".")}) is unknown until the update runs.`, r.urn));
            }
        }
    }
    return findings;
}

const UNKNOWN = Symbol("unknown until the update");

/** The values at a path, with one UNKNOWN entry when the path is unknown during preview. */
function valuesOrUnknown(props: unknown, path: string): { at: string; value: unknown }[] {
    try {
        return valuesAt(props, path);
    } catch (e) {
        if (!isUnknownValueError(e)) throw e;
        return [{ at: path, value: UNKNOWN }];
    }
}

function consumerFindings(r: StackResource, c: KeyConsumer, keys: readonly StackResource[]): Finding[] {
    if (c.followsRotation && applies({ onlyIf: c.followsRotation }, r.props)) return [];
    const findings: Finding[] = [];
    for (const f of valuesOrUnknown(r.props, c.property)) {
        if (f.value !== UNKNOWN && !given(f.value)) continue;
        let pinned: boolean;
        let names: string[] = [];
        if (c.form === "version") {
            pinned = true;
            const name = c.keyName ? valuesOrUnknown(r.props, c.keyName).map(x => x.value).find(v => typeof v === "string") : undefined;
            names = typeof name === "string" ? [name] : [];
        } else if (f.value === UNKNOWN) {
            // A URI taken from the key's outputs is unknown during preview, whether it is `keyUri` or
            // `keyUriWithVersion`: the update judges the known value; a literal URI is judged now.
            if (!c.alwaysVersioned) continue;
            pinned = true;
        } else {
            const parsed = typeof f.value === "string" ? parseKeyUri(f.value) : undefined;
            pinned = !!c.alwaysVersioned || !!parsed?.version;
            names = parsed ? [parsed.name] : [];
        }
        if (pinned === false) continue;
        const expiring = keysOf(r, c, keys, names).map(k => ({ k, expiry: expiryOf(peekProps(k)) })).filter(x => x.expiry);
        if (expiring.length === 0) continue;
        const { k, expiry } = expiring[0];
        const lifetime = expiry!.text ? `after ${expiry!.text}` : `on ${new Date(expiry!.fixed! * 1000).toISOString().slice(0, 10)}`;
        findings.push(violation(`${r.name} is pinned to one version of key ${k.name} (\`${f.at}\`), and that key's versions ` +
            `expire ${lifetime}: the service loses its key when the version expires. ${c.fix.charAt(0).toUpperCase()}${c.fix.slice(1)}.`, r.urn));
    }
    return findings;
}

/** A key's properties with unknown values read as absent (an unknown expiry is no expiry to act on). */
function peekProps(k: StackResource): unknown {
    const props = peek(k.props, "properties");
    return { properties: { rotationPolicy: { attributes: { expiryTime: peek(props, "rotationPolicy", "attributes", "expiryTime") } },
        attributes: { expires: peek(props, "attributes", "expires") } } };
}

export const KEY_LIFETIME: Readonly<Record<string, Predicate>> = {
    "key-rotation": { scope: "resource", checks: [keyExpiry] },
    "key-version-pinning": { scope: "stack", checks: [pinning] },
};

