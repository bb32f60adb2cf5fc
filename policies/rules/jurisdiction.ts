// Provider jurisdiction and certification: who operates the service (and whether a non-EU law reaches them), and
// whether the service that holds health data carries the certificates it must.

import { Cloud } from "../catalog/regions";
import { OFFERS, OfferEntry, findOffer } from "../catalog/offers";
import { PROVIDERS, ProviderEntry, findProvider } from "../catalog/providers";
import { fieldsOf } from "../catalog/resource-types";
import { ResourceClass, classify } from "../catalog/services";
import { SEAL_LEVELS, SOVEREIGNTY_OBJECTIVES, SealLevel, SovereigntyObjective, findSealGrades, sealRank } from "../catalog/sovereignty-framework";
import { Finding, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext } from "../framework/policy";
import { list, str } from "../framework/props";
import { cloudOf, portablePlacement } from "./placement";

interface JurisdictionConfig {
    readonly providerOverrides: ProviderEntry[];
}
interface CertificationConfig {
    readonly secNumCloudRequired: boolean;
    readonly minimumSeal?: SealLevel;
    readonly sealObjectives: SovereigntyObjective[];
    readonly offerOverrides: OfferEntry[];
}

export function providersWith(overrides: unknown): readonly ProviderEntry[] {
    const extra = list(overrides) as ProviderEntry[];
    return [...extra, ...PROVIDERS.filter(p => !extra.some(o => o.cloud === p.cloud))];
}

/**
 * Whether a resource holds data or runs the workloads that process it: every data store of the catalogue, and the
 * clusters, node pools and machines (tracked compute and Kubernetes resources) that the data passes through.
 */
export function processesData(cls: ResourceClass): boolean {
    if (cls.holdsData) return true;
    if (cls.service !== "compute" && cls.service !== "kubernetes") return false;
    if (cls.portable) return false; // Kubernetes objects: the cluster is judged where it is created
    if (!cls.info) return true;
    return fieldsOf(cls.info, "location").length > 0 || /(NodePool|AgentPool)$/.test(cls.info.name);
}

/** The services whose operator matters: those that hold data, process it, or hold its keys. */
function sensitive(type: string): boolean {
    const cls = classify(type);
    return !!cls && (processesData(cls) || cls.service === "key-management");
}

function operatorJurisdiction(r: ResourceInput, ctx: RuleContext<JurisdictionConfig>): Finding[] {
    if (!sensitive(r.type)) return [];
    const cloud = cloudOf(r);
    if (!cloud) return []; // portable resources whose place is unknown: allowed-regions refuses the data stores
    const provider = findProvider(cloud, providersWith(ctx.config.providerOverrides));
    if (!provider) {
        return [violation(`No jurisdiction is recorded for cloud ${cloud}; it cannot be trusted with health data. Record ` +
            "its operator with the `providerOverrides` setting of provider-jurisdiction (dated and sourced).")];
    }
    if (provider.extraterritorial) {
        return [violation(`Operated by ${provider.operator} (head office ${provider.headOffice}), subject to ` +
            `${provider.laws.join(" and ")}: a foreign authority can compel access whatever the region ` +
            `(as of ${provider.asOf}; ${provider.source}). Move this ${cls(r)} to an operator outside that reach ` +
            "(a SecNumCloud-qualified provider), or record a dated exemption (the `exemptions` setting of " +
            "provider-jurisdiction) citing the decision that authorises it.")];
    }
    return [];
}

/** The service a resource is, for a finding: "database", "storage", "kubernetes"... */
function cls(r: ResourceInput): string {
    const c = classify(r.type);
    return c ? c.service.replace(/-/g, " ") : "service";
}

export function offersWith(overrides: unknown): readonly OfferEntry[] {
    const extra = list(overrides) as OfferEntry[];
    return [...extra, ...OFFERS.filter(o => !extra.some(e => e.cloud === o.cloud && e.service === o.service))];
}

function certifiedService(r: ResourceInput, ctx: RuleContext<CertificationConfig>): Finding[] {
    const cls = classify(r.type);
    if (!cls || !processesData(cls)) return [];
    let cloud: Cloud | undefined = cls.cloud;
    if (cls.portable) {
        const placed = portablePlacement(r);
        if (!placed || placed.kind !== "cloud") return []; // placed or refused by allowed-regions
        cloud = placed.cloud;
    }
    if (!cloud) return [];
    const offer = findOffer(cloud, cls.service, offersWith(ctx.config.offerOverrides));
    if (!offer) {
        return [violation(`No certification record for ${cloud} ${cls.service}: health data may only sit on a service ` +
            "whose HDS certificate is recorded. Use a certified service, or record the offer's certificate with the " +
            "`offerOverrides` setting of certified-services (cloud, service, offer, hds, secNumCloud, asOf, source).")];
    }
    const findings: Finding[] = [];
    if (offer.hds.status !== "certified") {
        findings.push(violation(`${offer.offer} is not HDS-certified (${offer.hds.status}${offer.hds.note ? `: ${offer.hds.note}` : ""}; ` +
            `as of ${offer.asOf}, ${offer.source}). Keep health data on an HDS-certified service; if this offer has ` +
            "been certified since, record its certificate with the `offerOverrides` setting of certified-services."));
    }
    const plan = str(r.props.plan);
    if (plan && offer.hdsExcludedPlans?.some(p => p.toLowerCase() === plan.toLowerCase())) {
        findings.push(violation(`Plan "${plan}" of ${offer.offer} is outside the HDS certificate ` +
            `(excluded: ${offer.hdsExcludedPlans.join(", ")}): set \`plan\` to a plan the certificate covers (OVHcloud: business or enterprise).`));
    }
    if (ctx.config.secNumCloudRequired && offer.secNumCloud.status !== "certified") {
        findings.push(violation(`SecNumCloud is required and ${offer.offer} is not qualified ` +
            `(${offer.secNumCloud.status}${offer.secNumCloud.note ? `: ${offer.secNumCloud.note}` : ""}; as of ${offer.asOf}). ` +
            "Use a SecNumCloud-qualified offer (Cloud Temple's object storage, OpenShift or IaaS), or set " +
            "`secNumCloudRequired` to false on certified-services if the data does not require it."));
    }
    if (ctx.config.minimumSeal) findings.push(...sealFindings(offer, cloud, ctx.config.minimumSeal, ctx.config.sealObjectives));
    return findings;
}

/** The objectives on which an offer falls below the required SEAL level, or has no grade (fail closed). */
function sealFindings(offer: OfferEntry, cloud: Cloud, minimum: SealLevel, objectives: readonly SovereigntyObjective[]): Finding[] {
    const graded = findSealGrades(cloud);
    const grades = offer.seal ?? graded?.grades ?? {};
    const source = offer.seal ? `${offer.source}, as of ${offer.asOf}` : graded ? `${graded.source}, as of ${graded.asOf}` : "no grading recorded";
    const below = objectives.filter(o => grades[o] !== undefined && sealRank(grades[o]!) < sealRank(minimum))
        .map(o => `${o} ${SOVEREIGNTY_OBJECTIVES[o]} ${grades[o]}`);
    const missing = objectives.filter(o => grades[o] === undefined);
    const findings: Finding[] = [];
    if (below.length > 0) {
        findings.push(violation(`${offer.offer} is below ${minimum} (${SEAL_LEVELS[minimum].split(":")[0]}) of the EU Cloud ` +
            `Sovereignty Framework on ${below.join("; ")} (${source}). Use an offer graded ${minimum} or above on every ` +
            "objective, or lower the `minimumSeal` setting of certified-services if the data allows it."));
    }
    if (missing.length > 0) {
        findings.push(violation(`${offer.offer} has no EU Cloud Sovereignty Framework grade for ${missing.join(", ")}, so ` +
            `${minimum} cannot be shown. Record its grades in the offer's \`seal\` (the \`offerOverrides\` setting of ` +
            "certified-services), dated and sourced, or limit `sealObjectives` to the objectives that are graded."));
    }
    return findings;
}

export const JURISDICTION: Readonly<Record<string, Predicate>> = {
    "provider-jurisdiction": { scope: "resource", checks: [operatorJurisdiction] },
    "certified-services": { scope: "resource", checks: [certifiedService] },
};
