// Residency: every region a resource names is a catalogued region inside the jurisdiction, and so are the places its
// data is copied to (geo-redundant pairs, replicas, replication targets, backup regions). Which fields name a region
// comes from the catalogue of resource types, generated from the provider SDKs; a region the catalogue of regions
// does not know is refused, and so is a data store whose place cannot be established.

import { Cloud, Jurisdiction, RegionEntry } from "../catalog/regions";
import { placeEndpoint } from "../catalog/endpoints";
import { GEO_VALUES, fieldsOf, readField } from "../catalog/resource-types";
import { ResourceClass, classify, foreignDataStore } from "../catalog/services";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext, StackResource, isUnknownValueError } from "../framework/policy";
import { at, peek, same, str } from "../framework/props";
import {
    RegionClaim, allowedNames, copyClaims, judgeRegion, portablePlacement, providerLocation, regionClaims, regionsWith,
    takesDefaultLocation,
} from "./placement";

interface ResidencyConfig {
    readonly jurisdiction: Jurisdiction;
    readonly additionalRegions: unknown[];
    readonly allowGlobalTypes: string[];
}

/** How a finding tells the user to add a region the catalogue lacks: a pack setting, not a file of this repository. */
const ADD_REGION = "if it is a new region inside the jurisdiction, declare it with the pack's `additionalRegions` setting " +
    "(cloud, name, country, asOf, source) on allowed-regions and replicas-in-jurisdiction";

function fixFor(cloud: Cloud, claim: RegionClaim, jurisdiction: Jurisdiction, regions: readonly RegionEntry[],
                unknown: boolean | undefined): string {
    const where = claim.from ? `\`${claim.path}\` on the resource, or ${claim.from},` : `\`${claim.path}\``;
    const set = `set ${where} to a region of ${jurisdiction} (${allowedNames(cloud, claim.service, jurisdiction, regions)})`;
    return unknown ? `${set}; ${ADD_REGION}` : set;
}

/** Judges each claim on its own: an unknown value in one must not hide a known region elsewhere on the resource. */
function judgeClaims(claims: readonly RegionClaim[], cloud: Cloud, what: (claim: RegionClaim) => string,
                     ctx: RuleContext<ResidencyConfig>, globalAllowed: boolean): Finding[] {
    const { jurisdiction } = ctx.config;
    const regions = regionsWith(ctx.config.additionalRegions);
    const findings: Finding[] = [];
    for (const claim of claims) {
        let value: unknown;
        try {
            value = claim.read();
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            findings.push(cannotVerify(`.${claim.path} is unknown until the update runs; the region is judged at update time.`));
            continue;
        }
        if (same(value, "global")) {
            if (!globalAllowed) {
                findings.push(violation(`${what(claim)} is "global": a global resource has no residency. Set \`${claim.path}\` ` +
                    `to a region of ${jurisdiction} (${allowedNames(cloud, claim.service, jurisdiction, regions)}), or list the type ` +
                    `in the allowGlobalTypes setting of allowed-regions if it holds no data.`));
            }
            continue;
        }
        const verdict = judgeRegion(cloud, value, claim.service, jurisdiction, regions);
        if (!verdict.ok) {
            findings.push(violation(`${what(claim)} ${verdict.reason}: ` +
                `${fixFor(cloud, claim, jurisdiction, regions, verdict.unknown)}.`));
        }
    }
    return findings;
}

function typeAllowedGlobal(r: ResourceInput, cls: ResourceClass, allowed: readonly string[]): boolean {
    return allowed.includes(r.type) || (!!cls.info && allowed.includes(cls.info.token));
}

function allowedRegions(r: ResourceInput, ctx: RuleContext<ResidencyConfig>): Finding[] {
    const cls = classify(r.type);
    if (!cls) {
        const kind = r.provider ? foreignDataStore(r.type) : undefined;
        return kind ? [violation(`Cannot establish where this data store is: the pack has no catalogue of types and regions ` +
            `for the ${r.type.split(":")[0]} provider, so this ${kind} resource could hold the data anywhere. Move it to a ` +
            "provider the pack places (azure-native, ovh, or S3/Vault endpoints of OVHcloud or Cloud Temple), or record a " +
            "dated exemption (the pack's `exemptions` setting) that says why its place is known.")] : [];
    }
    const { jurisdiction } = ctx.config;
    const regions = regionsWith(ctx.config.additionalRegions);
    if (cls.portable === "kubernetes") return []; // where its cluster is; the cluster is judged where it is created
    if (cls.portable) {
        const placed = portablePlacement(r);
        if (!placed || placed.kind === "private") return [];
        if (placed.kind === "unknown") {
            const setting = cls.portable === "minio" ? "minioServer" : "address";
            return cls.holdsData
                ? [violation(`Cannot establish where this ${cls.portable} resource stores data: ${placed.reason}. Set the ` +
                    `provider's \`${setting}\` to an endpoint of a catalogued cloud in ${jurisdiction} (e.g. ` +
                    "<bucket-namespace>.s3.fr1.cloud-temple.com or s3.gra.io.cloud.ovh.net).")]
                : [];
        }
        if (placed.region === undefined) return [cannotVerify(`Endpoint ${placed.host} is on ${placed.cloud} but names no region.`)];
        const verdict = judgeRegion(placed.cloud, placed.region, placed.service === "key-management" ? "kms" : "storage",
            jurisdiction, regions);
        return verdict.ok ? [] : [violation(`Endpoint ${placed.host} ${verdict.reason}: point the provider at an endpoint ` +
            `in ${jurisdiction}.`)];
    }
    const cloud = cls.cloud!;
    const claims = regionClaims(r, cls);
    const globalAllowed = typeAllowedGlobal(r, cls, ctx.config.allowGlobalTypes);
    const findings = judgeClaims(claims, cloud, c => `\`${c.path}\``, ctx, globalAllowed);
    if (takesDefaultLocation(r, cls)) {
        const fromProvider = providerLocation(r);
        if (fromProvider !== undefined) {
            const claim: RegionClaim = { path: "location", read: () => fromProvider, service: "any",
                from: "the provider's `location` (azure-native:location)" };
            findings.push(...judgeClaims([claim], cloud,
                () => `\`location\` (not set on the resource, so the provider's \`location\` setting applies)`, ctx, globalAllowed));
        } else {
            findings.push(violation("No location is set, and the provider has no `location` setting: Azure would use the " +
                "resource group's location, which this check cannot see. Set `location` on the resource, or " +
                `\`azure-native:location\` in the stack configuration, to a region of ${jurisdiction} ` +
                `(${allowedNames("azure", "any", jurisdiction, regions)}).`));
        }
    }
    return findings;
}

/** Whether a geo-redundancy field's value copies data to the paired region. */
function isGeoRedundant(path: string, value: unknown): boolean {
    if (value === true) return true;
    if (typeof value !== "string") return false;
    if (GEO_VALUES.test(value)) return true;
    return /geo/i.test(path.split(".").pop() ?? "") && same(value, "Enabled");
}

function replicaDestinations(r: ResourceInput, ctx: RuleContext<ResidencyConfig>): Finding[] {
    const cls = classify(r.type);
    if (!cls) return [];
    const { jurisdiction } = ctx.config;
    const regions = regionsWith(ctx.config.additionalRegions);
    const findings: Finding[] = [];

    if (cls.cloud && cls.info) {
        findings.push(...judgeClaims(copyClaims(r, cls), cls.cloud, c => `Data is copied to \`${c.path}\`, which`, ctx, false));
        // Geo-redundant SKUs and backups copy data to the paired region of the resource's own location.
        const location = cls.cloud === "azure" ? (str(peek(r.props, "location")) ?? providerLocation(r)) : undefined;
        for (const field of fieldsOf(cls.info, "geo")) {
            let values: { path: string; value: unknown }[];
            try {
                values = readField(r.props, field.path);
            } catch (e) {
                if (!isUnknownValueError(e)) throw e;
                findings.push(cannotVerify(`.${field.path} is unknown until the update runs; whether it copies data to ` +
                    "another region is judged at update time."));
                continue;
            }
            for (const { path, value } of values) {
                if (!isGeoRedundant(path, value) || location === undefined) continue;
                const primary = judgeRegion("azure", location, "any", jurisdiction, regions);
                if (!primary.ok) continue; // allowed-regions reports the primary
                const pair = primary.entry.pairedWith;
                const local = geoFix(path, field.values);
                if (!pair) {
                    findings.push(violation(`\`${path}\` is ${String(value)}: it copies data to the paired region of ` +
                        `${primary.entry.name}, which has none in the catalogue. ${local}`));
                    continue;
                }
                const verdict = judgeRegion("azure", pair, "any", jurisdiction, regions);
                if (!verdict.ok) {
                    findings.push(violation(`\`${path}\` is ${String(value)}: it copies data to the paired region, which ` +
                        `${verdict.reason}. ${local}`));
                }
            }
        }
    }
    if (r.type === "azure-native:storage:StorageAccount" && at(r.props, "allowCrossTenantReplication") === true) {
        findings.push(violation("`allowCrossTenantReplication` is true: object replication to another tenant can " +
            "copy data to storage this program does not control. Set `allowCrossTenantReplication` to false."));
    }
    // CloudNativePG backups (the catalogue on OpenShift): the object store they are shipped to must be placeable.
    const barman = r.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore" ? at(r.props, "spec", "configuration")
        : r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster" ? at(r.props, "spec", "backup", "barmanObjectStore") : undefined;
    if (barman !== undefined && at(barman, "endpointURL") !== undefined) {
        const placed = placeEndpoint(at(barman, "endpointURL"));
        if (placed.kind === "unknown") {
            findings.push(violation(`Database backups go to an object store whose place cannot be established: ${placed.reason}. ` +
                `Set \`endpointURL\` to an S3 endpoint of a catalogued cloud in ${jurisdiction}.`));
        } else if (placed.kind === "cloud") {
            const verdict = judgeRegion(placed.cloud, placed.region, "storage", jurisdiction, regions);
            if (!verdict.ok) findings.push(violation(`Database backups go to ${placed.host}, which ${verdict.reason}: set ` +
                `\`endpointURL\` to an endpoint in ${jurisdiction}.`));
        }
    }
    return findings;
}

/** The value to set instead of a geo-redundant one: a local or zone-redundant value of the same field. */
function geoFix(path: string, values: readonly string[] | undefined): string {
    const local = values?.filter(v => !GEO_VALUES.test(v) && /(^|_)(LRS|ZRS)$|Local|Zone|Disabled|^None$/i.test(v)) ?? [];
    if (local.length > 0) return `Set \`${path}\` to ${local.join(" or ")}.`;
    return `Turn off geo-redundancy on \`${path}\` (set it to false or Disabled).`;
}

/**
 * A replica named by reference (a SQL failover group's partner server, a NetApp volume's remote volume) holds a copy
 * of the data wherever the referenced resource is. When that resource is declared by the program, its own location
 * is judged by allowed-regions; when it is not, an ARM id says nothing about where it is, and the copy fails closed.
 */
function replicaPartners(resources: readonly StackResource[]): Finding[] {
    const findings: Finding[] = [];
    const declared = new Set(resources.map(r => r.urn));
    const ids = new Set(resources.map(r => str(peek(r.props, "id"))).filter((id): id is string => !!id).map(id => id.toLowerCase()));
    for (const r of resources) {
        const cls = classify(r.type);
        if (!cls?.info) continue;
        for (const field of fieldsOf(cls.info, "replica")) {
            const root = field.path.split(/[.[{]/)[0];
            // A reference to another resource of the program: the engine records it as a property dependency.
            if ((r.propertyDependencies[root] ?? []).some(u => declared.has(u) && u !== r.urn)) continue;
            let values: { path: string; value: unknown }[];
            try {
                values = readField(r.props, field.path);
            } catch (e) {
                if (!isUnknownValueError(e)) throw e;
                findings.push(cannotVerify(`.${field.path} is unknown and refers to no resource of this program; where its ` +
                    "copy of the data is is judged at update time.", r.urn));
                continue;
            }
            for (const { path, value } of values) {
                const id = str(value);
                // Only Azure resource ids name a partner resource (other values are host names, not copies).
                if (!id || !/^\/subscriptions\//i.test(id) || ids.has(id.toLowerCase())) continue;
                findings.push(violation(`\`${path}\` names ${id}, which this program does not declare: where that copy of ` +
                    "the data is cannot be established. Declare the partner in this program (its location is then judged), " +
                    "or record a dated exemption (the `exemptions` setting of replica-partners-placed) that says where it is.", r.urn));
            }
        }
    }
    return findings;
}

export const RESIDENCY: Readonly<Record<string, Predicate>> = {
    "allowed-regions": { scope: "resource", checks: [allowedRegions] },
    "replicas-in-jurisdiction": { scope: "resource", checks: [replicaDestinations] },
    "replica-partners-placed": { scope: "stack", checks: [replicaPartners] },
};
