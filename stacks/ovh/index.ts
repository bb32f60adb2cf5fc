// The OVHcloud target: the warehouse on OVH Public Cloud (MKS, object storage, OKMS, managed PostgreSQL) in an
// existing project attached to a vRack. Everything the cloud cannot deliver is refused here, before any resource.

import { Target, TargetDefinition } from "../../components/target";
import { KeySpec, WarehouseSpec, key } from "../../components/model";
import { ConfigError, ConfigProblem } from "../../components/errors";
import { planSubnets } from "../../components/cidr";
import { Jurisdiction } from "../../policies/catalog/regions";
import { OvhNetwork } from "./network";
import { OvhKeys } from "./keys";
import { OvhCompute } from "./compute";
import { OvhStorage } from "./storage";
import { OvhCatalog } from "./catalog";
import { OvhRegion, resolveOvhRegion } from "./regions";
import { OvhSettings, parseOvhSettings } from "./settings";
import { CatalogPlan, ZonePool, catalogPlan, spreadPool } from "./sizing";

export type OvhTarget = Target<OvhNetwork, OvhKeys, OvhCompute, OvhStorage, OvhCatalog>;

/**
 * OKMS keys that can protect data keys are AES ("oct") keys: its RSA keys only sign and verify, so they cannot
 * wrap a data key. OKMS is operated by OVHcloud: custody is the provider's.
 */
export function checkKeys(keys: KeySpec): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (keys.algorithm !== "AES") {
        problems.push({ key: key("keys.algorithm"), value: keys.algorithm,
            allowed: "AES on OVHcloud (with keys.size 256): OKMS RSA keys only sign and verify, so they cannot " +
                "wrap the data keys of envelope encryption; set it in the OVH stack file" });
    }
    if (keys.custody === "customer") {
        problems.push({ key: key("keys.custody"), value: keys.custody,
            allowed: "provider (or unset) on OVHcloud: OKMS is operated by OVHcloud in its own HSMs; customer " +
                "custody needs a key service the warehouse team runs itself (see the Cloud Temple target)" });
    }
    return problems;
}

interface Resolved {
    readonly settings: OvhSettings;
    readonly region: OvhRegion;
    readonly plan: CatalogPlan;
    readonly pools: { readonly system: readonly ZonePool[]; readonly analytics: readonly ZonePool[] };
}

/** Validates everything the OVH target needs; every problem found is reported at once. */
export function resolveOvh(spec: WarehouseSpec, rawSettings: Readonly<Record<string, unknown>>): Resolved {
    const problems: ConfigProblem[] = [];
    const attempt = <T>(f: () => T): T | undefined => {
        try {
            return f();
        } catch (e) {
            if (e instanceof ConfigError) {
                problems.push(...e.problems);
                return undefined;
            }
            throw e;
        }
    };
    const settings = attempt(() => parseOvhSettings(rawSettings));
    const region = attempt(() => resolveOvhRegion(spec.region, spec.jurisdiction as Jurisdiction));
    problems.push(...checkKeys(spec.keys));
    const plan = attempt(() => catalogPlan(spec.catalog.tier));
    const zones = region?.zones ?? [];
    const system = attempt(() => spreadPool("systemPool", spec.compute.systemPool, zones));
    const analytics = attempt(() => spreadPool("analyticsPool", spec.compute.analyticsPool, zones));
    if (problems.length) throw new ConfigError(problems);
    return { settings: settings!, region: region!, plan: plan!, pools: { system: system!, analytics: analytics! } };
}

export const ovh: TargetDefinition = {
    name: "ovh",
    create(spec, rawSettings): OvhTarget {
        const { settings, region, plan, pools } = resolveOvh(spec, rawSettings);
        const prefix = `${spec.name}-${spec.environment}`;
        const projectId = settings.projectId;
        return {
            name: "ovh",
            region: region.name,
            network: (name, ctx, opts) => new OvhNetwork(name, {
                projectId, vrackId: settings.vrackId, vrackAttached: settings.vrackAttached, vlanId: settings.vlanId, region,
                subnets: planSubnets(ctx.spec.network.addressSpace), gatewayModel: settings.gateway.model, prefix,
            }, opts),
            keys: (name, ctx, opts) => new OvhKeys(name, {
                region, ovhSubsidiary: settings.ovhSubsidiary, keys: ctx.spec.keys,
                egressCidrs: settings.egress.kms, prefix, protect: ctx.protect,
            }, opts),
            compute: (name, ctx, opts) => new OvhCompute(name, {
                projectId, region, spec: ctx.spec, network: ctx.network, oidc: settings.oidc, pools,
                labels: ctx.labels, prefix, protect: ctx.protect,
            }, opts),
            storage: (name, ctx, opts) => new OvhStorage(name, {
                projectId, region, spec: ctx.spec, labels: ctx.labels, egressCidrs: settings.egress.storage,
                prefix, protect: ctx.protect,
            }, opts),
            catalog: (name, ctx, opts) => new OvhCatalog(name, {
                projectId, region, spec: ctx.spec, network: ctx.network, flavor: settings.catalog.flavor, plan,
                prefix, protect: ctx.protect,
            }, opts),
        };
    },
};
