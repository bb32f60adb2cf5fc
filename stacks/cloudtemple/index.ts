// The Cloud Temple target: SecNumCloud-qualified OpenShift and object storage in FR1, with keys held by the
// customer in OpenBao. Cloud Temple publishes no Pulumi provider and no key-management API, so the blocks are built
// on what is real: the delivered cluster (Kubernetes), its S3 API (MinIO provider) and OpenBao (Vault provider).

import { Target, TargetDefinition } from "../../components/target";
import { ConfigError, ConfigProblem, collectProblems } from "../../components/errors";
import { WarehouseSpec, key } from "../../components/model";
import { resolveRegion } from "../../components/residency";
import { Jurisdiction } from "../../policies/catalog/regions";
import { CloudTempleSettings, parseSettings } from "./settings";
import { CloudTempleNetwork } from "./network";
import { CloudTempleKeys } from "./keys";
import { CloudTempleCompute } from "./compute";
import { CloudTempleStorage } from "./storage";
import { CloudTempleCatalog } from "./catalog";

/** Cloud Temple's regions: one, FR1 (Paris), spelled the same by every service. */
const REGIONS = { FR1: { any: "FR1" } } as const;

export type CloudTempleTarget = Target<CloudTempleNetwork, CloudTempleKeys, CloudTempleCompute, CloudTempleStorage,
    CloudTempleCatalog>;

export const cloudtemple: TargetDefinition = {
    name: "cloudtemple",
    create(spec, settings): CloudTempleTarget {
        // Every problem of the region, the keys' custody and the settings in one round.
        const problems: ConfigProblem[] = [];
        const region = collectProblems(problems, () => resolveRegion("cloudtemple", spec.region ?? "", REGIONS,
            spec.jurisdiction as Jurisdiction).any);
        collectProblems(problems, () => checkCustody(spec));
        const parsed = collectProblems(problems, () => parseSettings(spec, settings));
        if (problems.length > 0 || !region || !parsed) throw new ConfigError(problems);
        return cloudTempleTarget(region, parsed);
    },
};

/** Cloud Temple operates no key service for its customers: keys can only be the customer's own. */
function checkCustody(spec: WarehouseSpec): void {
    if (spec.keys.custody === "provider") {
        throw ConfigError.single(key("keys.custody"), spec.keys.custody,
            "\"customer\" (or unset): Cloud Temple offers no customer-facing key service, so this target holds the " +
            "keys in OpenBao run by the warehouse team");
    }
}

function cloudTempleTarget(region: string, settings: CloudTempleSettings): CloudTempleTarget {
    return {
        name: "cloudtemple",
        region,
        network: (name, ctx, opts) => new CloudTempleNetwork(name, { ctx, settings }, opts),
        keys: (name, ctx, opts) => new CloudTempleKeys(name, { ctx, settings }, opts),
        compute: (name, ctx, opts) => new CloudTempleCompute(name, { network: ctx.network, settings }, opts),
        storage: (name, ctx, opts) => new CloudTempleStorage(name, { ctx, settings }, opts),
        catalog: (name, ctx, opts) => new CloudTempleCatalog(name, { ctx, settings }, opts),
    };
}
