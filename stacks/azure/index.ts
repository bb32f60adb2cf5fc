// The Azure target: production today (France Central). Validates its settings and the spec's fit with Azure, then
// builds the five blocks: network -> keys -> compute -> storage -> catalogue.

import { ConfigError, ConfigProblem, collectProblems } from "../../components/errors";
import { Jurisdiction } from "../../policies/catalog/regions";
import { WarehouseSpec, key } from "../../components/model";
import { Target, TargetDefinition } from "../../components/target";
import { AzureSettings, parseAzureSettings, SETTINGS_KEY } from "./settings";
import { resolveAzureRegion } from "./regions";
import { azureNames } from "./naming";
import { AzureNetwork } from "./network";
import { AzureKeys, MIN_ROTATION_DAYS } from "./keys";
import { AzureCompute } from "./compute";
import { AzureStorage, MAX_SOFT_DELETE_DAYS } from "./storage";
import { AzureCatalog } from "./catalog";

export type AzureTarget = Target<AzureNetwork, AzureKeys, AzureCompute, AzureStorage, AzureCatalog>;

export const azure: TargetDefinition = {
    name: "azure",
    create(spec: WarehouseSpec, raw: Readonly<Record<string, unknown>>): AzureTarget {
        // Every problem of the settings, the region and the keys in one round.
        const problems: ConfigProblem[] = [];
        const settings = collectProblems(problems, () => parseAzureSettings(raw));
        const region = collectProblems(problems, () => resolveAzureRegion(spec.region, spec.jurisdiction as Jurisdiction));
        collectProblems(problems, () => checkKeys(spec, settings));
        if (problems.length > 0 || !settings || !region) throw new ConfigError(problems);
        const names = azureNames(spec);
        return {
            name: "azure",
            region: region.name,
            network: (name, ctx, opts) =>
                new AzureNetwork(name, { ctx, names, region, keyService: settings.keyService }, opts),
            keys: (name, ctx, opts) => new AzureKeys(name, { ctx, names, settings }, opts),
            compute: (name, ctx, opts) => new AzureCompute(name, { ctx, names, region, settings }, opts),
            storage: (name, ctx, opts) => new AzureStorage(name, { ctx, names }, opts),
            catalog: (name, ctx, opts) => new AzureCatalog(name, { ctx, names, region, settings }, opts),
        };
    },
};

/** What Azure's key services can and cannot deliver, refused before anything is registered. */
function checkKeys(spec: WarehouseSpec, settings: AzureSettings | undefined): void {
    const problems: ConfigProblem[] = [];
    const { keys } = spec;
    if (keys.custody === "customer") {
        problems.push({ key: key("keys.custody"), value: keys.custody,
            allowed: `"provider" or unset: Key Vault and Managed HSM run on HSMs that Microsoft operates, under US ` +
                `law; Azure cannot give customer custody (deploy a target that can, or hold keys outside Azure)` });
    }
    if (keys.algorithm === "AES") {
        problems.push({ key: key("keys.algorithm"), value: keys.algorithm,
            allowed: settings?.keyService === "managed-hsm"
                ? `"RSA": Managed HSM holds AES-256 keys, but Azure Storage, disk encryption sets, AKS KMS and ` +
                  `PostgreSQL accept only RSA customer-managed keys`
                : `"RSA": Key Vault Premium has no AES keys (AES-256 exists only in Managed HSM, ` +
                  `${key(`${SETTINGS_KEY}.keyService`)} = "managed-hsm"), and Azure Storage, disk encryption sets, ` +
                  `AKS KMS and PostgreSQL accept only RSA customer-managed keys` });
    }
    if (spec.zones.curated.noncurrentVersionDays > MAX_SOFT_DELETE_DAYS) {
        problems.push({ key: key("zones.curated.noncurrentVersionDays"), value: spec.zones.curated.noncurrentVersionDays,
            allowed: `at most ${MAX_SOFT_DELETE_DAYS} on Azure: the account has a hierarchical namespace, hence no ` +
                `blob versions; old data is kept by soft delete, whose retention is 1 to ${MAX_SOFT_DELETE_DAYS} days` });
    }
    if (keys.rotationDays < MIN_ROTATION_DAYS) {
        problems.push({ key: key("keys.rotationDays"), value: keys.rotationDays,
            allowed: `at least ${MIN_ROTATION_DAYS} days: Azure's rotation policy rotates a key no sooner than ` +
                `${MIN_ROTATION_DAYS} days after its creation` });
    }
    if (problems.length) throw new ConfigError(problems);
}
