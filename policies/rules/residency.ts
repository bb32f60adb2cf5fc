// Residency: every resource that names a place is in a catalogued region inside the jurisdiction, and so are the
// places its data is copied to (geo-redundant pairs, replication targets, backup regions).

import { Jurisdiction } from "../catalog/regions";
import { placeEndpoint } from "../catalog/endpoints";
import { classify } from "../catalog/services";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext, isUnknownValueError } from "../framework/policy";
import { at, list, same, str } from "../framework/props";
import { AZURE_LOCATED_TYPES, judgeRegion, portablePlacement, regionClaims, regionsWith } from "./placement";

interface ResidencyConfig {
    readonly jurisdiction: Jurisdiction;
    readonly additionalRegions: unknown[];
    readonly allowGlobalTypes: string[];
}

function allowedRegions(r: ResourceInput, ctx: RuleContext<ResidencyConfig>): Finding[] {
    const cls = classify(r.type);
    if (!cls) return [];
    const { jurisdiction } = ctx.config;
    const regions = regionsWith(ctx.config.additionalRegions);
    if (cls.portable) {
        const placed = portablePlacement(r);
        if (!placed || placed.kind === "private") return [];
        if (placed.kind === "unknown") {
            return cls.holdsHealthData
                ? [violation(`Cannot establish where this ${cls.portable} resource stores data: ${placed.reason}. ` +
                    "A data store whose place is unknown is refused; add the endpoint to the catalogue if it is sovereign.")]
                : [];
        }
        if (placed.region === undefined) return [cannotVerify(`Endpoint ${placed.host} is on ${placed.cloud} but names no region.`)];
        const verdict = judgeRegion(placed.cloud, placed.region, placed.service === "key-management" ? "kms" : "storage",
            jurisdiction, regions);
        return verdict.ok ? [] : [violation(`Endpoint ${placed.host} ${verdict.reason}.`)];
    }
    const claims = regionClaims(r);
    if (claims.length === 0) {
        return AZURE_LOCATED_TYPES.has(r.type)
            ? [violation("No location is set: Azure would take one from defaults this check cannot see. Set `location` " +
                "explicitly to a region inside the jurisdiction.")]
            : [];
    }
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
            if (!ctx.config.allowGlobalTypes.includes(r.type)) {
                findings.push(violation(`\`${claim.path}\` is "global": a global resource has no residency. Only types ` +
                    `listed in allowGlobalTypes may be global (${ctx.config.allowGlobalTypes.join(", ") || "none"}).`));
            }
            continue;
        }
        const verdict = judgeRegion(cls.cloud!, value, claim.service, jurisdiction, regions);
        if (!verdict.ok) findings.push(violation(`\`${claim.path}\` ${verdict.reason}.`));
    }
    return findings;
}

const GEO_REDUNDANT_SKUS = ["standard_grs", "standard_ragrs", "standard_gzrs", "standard_ragzrs"];

function replicaDestinations(r: ResourceInput, ctx: RuleContext<ResidencyConfig>): Finding[] {
    const { jurisdiction } = ctx.config;
    const regions = regionsWith(ctx.config.additionalRegions);
    const findings: Finding[] = [];
    const pairOf = (location: unknown, what: string) => {
        const primary = judgeRegion("azure", location, "any", jurisdiction, regions);
        if (!primary.ok) return; // allowed-regions reports the primary
        const pair = primary.entry.pairedWith;
        if (!pair) {
            findings.push(violation(`${what} copies data to the paired region of ${primary.entry.name}, which the catalogue ` +
                "does not know; use locally or zone-redundant replication."));
            return;
        }
        const verdict = judgeRegion("azure", pair, "any", jurisdiction, regions);
        if (!verdict.ok) findings.push(violation(`${what} copies data to the paired region, which ${verdict.reason}.`));
    };
    if (r.type === "azure-native:storage:StorageAccount") {
        const sku = str(at(r.props, "sku", "name"));
        if (sku && GEO_REDUNDANT_SKUS.includes(sku.toLowerCase())) pairOf(r.props.location, `SKU ${sku}`);
        if (at(r.props, "allowCrossTenantReplication") === true) {
            findings.push(violation("`allowCrossTenantReplication` is true: object replication to another tenant can " +
                "copy data to storage this program does not control. Set it to false."));
        }
    }
    if (r.type === "azure-native:dbforpostgresql:Server" && same(at(r.props, "backup", "geoRedundantBackup"), "Enabled")) {
        pairOf(r.props.location, "Geo-redundant backup");
    }
    if (r.type === "ovh:CloudProject/storage:Storage") {
        list(at(r.props, "replication", "rules")).forEach((rule, i) => {
            const verdict = judgeRegion("ovhcloud", at(rule, "destination", "region"), "storage", jurisdiction, regions);
            if (!verdict.ok) findings.push(violation(`\`replication.rules[${i}].destination.region\` ${verdict.reason}.`));
        });
    }
    // CloudNativePG backups (the catalogue on OpenShift): the object store they are shipped to must be placeable.
    const barman = r.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore" ? at(r.props, "spec", "configuration")
        : r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster" ? at(r.props, "spec", "backup", "barmanObjectStore") : undefined;
    if (barman !== undefined && at(barman, "endpointURL") !== undefined) {
        const placed = placeEndpoint(at(barman, "endpointURL"));
        if (placed.kind === "unknown") {
            findings.push(violation(`Database backups go to an object store whose place cannot be established: ${placed.reason}.`));
        } else if (placed.kind === "cloud") {
            const verdict = judgeRegion(placed.cloud, placed.region, "storage", jurisdiction, regions);
            if (!verdict.ok) findings.push(violation(`Database backups go to ${placed.host}, which ${verdict.reason}.`));
        }
    }
    if (r.type === "ovh:CloudProject/database:Database") {
        list(r.props.backupRegions).forEach((region, i) => {
            const verdict = judgeRegion("ovhcloud", region, "database", jurisdiction, regions);
            if (!verdict.ok) findings.push(violation(`\`backupRegions[${i}]\` ${verdict.reason}.`));
        });
    }
    return findings;
}

export const RESIDENCY: Readonly<Record<string, Predicate>> = {
    "allowed-regions": { scope: "resource", checks: [allowedRegions] },
    "replicas-in-jurisdiction": { scope: "resource", checks: [replicaDestinations] },
};
