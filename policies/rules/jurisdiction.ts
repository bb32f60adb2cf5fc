// Provider jurisdiction and certification: who operates the service (and whether a non-EU law reaches them), and
// whether the service that holds health data carries the certificates it must.

import { Cloud } from "../catalog/regions";
import { OFFERS, OfferEntry, findOffer } from "../catalog/offers";
import { PROVIDERS, ProviderEntry, findProvider } from "../catalog/providers";
import { classify } from "../catalog/services";
import { Finding, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext } from "../framework/policy";
import { list, str } from "../framework/props";
import { cloudOf, portablePlacement } from "./placement";

interface JurisdictionConfig {
    readonly providerOverrides: ProviderEntry[];
}
interface CertificationConfig {
    readonly secNumCloudRequired: boolean;
    readonly offerOverrides: OfferEntry[];
}

export function providersWith(overrides: unknown): readonly ProviderEntry[] {
    const extra = list(overrides) as ProviderEntry[];
    return [...extra, ...PROVIDERS.filter(p => !extra.some(o => o.cloud === p.cloud))];
}

/** The services whose operator matters: those that hold data, process it, or hold its keys. */
function sensitive(type: string): boolean {
    const cls = classify(type);
    return !!cls && (cls.holdsHealthData || cls.service === "key-management" || cls.service === "kubernetes");
}

function operatorJurisdiction(r: ResourceInput, ctx: RuleContext<JurisdictionConfig>): Finding[] {
    if (!sensitive(r.type)) return [];
    const cloud = cloudOf(r);
    if (!cloud) return []; // portable resources whose place is unknown: allowed-regions refuses the data stores
    const provider = findProvider(cloud, providersWith(ctx.config.providerOverrides));
    if (!provider) return [violation(`No jurisdiction is recorded for cloud ${cloud}; it cannot be trusted with health data.`)];
    if (provider.extraterritorial) {
        return [violation(`Operated by ${provider.operator} (head office ${provider.headOffice}), subject to ` +
            `${provider.laws.join(" and ")}: a foreign authority can compel access whatever the region ` +
            `(as of ${provider.asOf}; ${provider.source}).`)];
    }
    return [];
}

export function offersWith(overrides: unknown): readonly OfferEntry[] {
    const extra = list(overrides) as OfferEntry[];
    return [...extra, ...OFFERS.filter(o => !extra.some(e => e.cloud === o.cloud && e.service === o.service))];
}

function certifiedService(r: ResourceInput, ctx: RuleContext<CertificationConfig>): Finding[] {
    const cls = classify(r.type);
    if (!cls || !cls.holdsHealthData) return [];
    let cloud: Cloud | undefined = cls.cloud;
    if (cls.portable) {
        const placed = portablePlacement(r);
        if (!placed || placed.kind !== "cloud") return []; // placed or refused by allowed-regions
        cloud = placed.cloud;
    }
    if (!cloud) return [];
    const offer = findOffer(cloud, cls.service, offersWith(ctx.config.offerOverrides));
    if (!offer) {
        return [violation(`No certification record for ${cloud} ${cls.service}: health data may only sit on a ` +
            "service whose HDS certificate is recorded in the catalogue.")];
    }
    const findings: Finding[] = [];
    if (offer.hds.status !== "certified") {
        findings.push(violation(`${offer.offer} is not HDS-certified (${offer.hds.status}${offer.hds.note ? `: ${offer.hds.note}` : ""}; ` +
            `as of ${offer.asOf}, ${offer.source}).`));
    }
    const plan = str(r.props.plan);
    if (plan && offer.hdsExcludedPlans?.some(p => p.toLowerCase() === plan.toLowerCase())) {
        findings.push(violation(`Plan "${plan}" of ${offer.offer} is outside the HDS certificate ` +
            `(excluded: ${offer.hdsExcludedPlans.join(", ")}); choose a certified plan.`));
    }
    if (ctx.config.secNumCloudRequired && offer.secNumCloud.status !== "certified") {
        findings.push(violation(`SecNumCloud is required and ${offer.offer} is not qualified ` +
            `(${offer.secNumCloud.status}${offer.secNumCloud.note ? `: ${offer.secNumCloud.note}` : ""}; as of ${offer.asOf}).`));
    }
    return findings;
}

export const JURISDICTION: Readonly<Record<string, Predicate>> = {
    "provider-jurisdiction": { scope: "resource", checks: [operatorJurisdiction] },
    "certified-services": { scope: "resource", checks: [certifiedService] },
};
