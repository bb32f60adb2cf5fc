// The Azure target's own settings: `warehouse:azure`, one object. Validated before any resource is registered;
// every problem names its key, its value and what is allowed.

import { z } from "zod";
import { ConfigError, ConfigProblem } from "../../components/errors";
import { key, pathKey, validate } from "../../components/validation";

export const SETTINGS_KEY = "azure";

/** Where the warehouse's keys live. Key Vault Premium keeps RSA keys in HSMs shared by tenants; Managed HSM is a
 * single-tenant HSM pool (FIPS 140-3 level 3) whose security domain the customer holds. */
export const KEY_SERVICES = ["key-vault-premium", "managed-hsm"] as const;
export type KeyService = typeof KEY_SERVICES[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_GUID = "00000000-0000-0000-0000-000000000000";

const guid = (what: string) => z.string()
    .regex(GUID, `${what}: a GUID, e.g. 3f2b8c1e-6d4a-4e2f-9b1c-7a5d0e8f4c21`)
    .refine(s => s !== NIL_GUID, `${what}: a real object id, not the nil GUID (replace the example value)`);

const schema = z.strictObject({
    tenantId: guid("the Entra ID tenant (directory) id that owns the subscription"),
    adminGroupObjectIds: z.array(guid("an Entra ID group object id"))
        .min(1, "at least one Entra ID group whose members administer the cluster"),
    keyService: z.enum(KEY_SERVICES).default("key-vault-premium"),
    managedHsmAdminObjectIds: z.array(guid("an Entra ID user or group object id")).optional(),
    catalogAdminGroup: z.strictObject({
        objectId: guid("the object id of the Entra ID group that administers the catalogue database"),
        displayName: z.string().min(1, "the group's display name, as PostgreSQL knows the role"),
    }),
});

export type AzureSettings = z.output<typeof schema>;

/**
 * Validates the target's settings: `warehouse:azure` must be present and valid; any other `warehouse:azureXxx` key
 * is refused (this target reads no secret from config: PostgreSQL and Kubernetes authenticate with Entra ID).
 */
export function parseAzureSettings(settings: Readonly<Record<string, unknown>>): AzureSettings {
    const problems: ConfigProblem[] = Object.keys(settings).filter(k => k !== SETTINGS_KEY).map(k => ({
        key: key(k), value: settings[k],
        allowed: `unknown setting; the Azure target reads only ${key(SETTINGS_KEY)} (an object)`,
    }));
    const result = validate(schema, settings[SETTINGS_KEY], [SETTINGS_KEY]);
    problems.push(...result.problems);
    if (result.data) checkKeyService(result.data, problems);
    if (problems.length) throw new ConfigError(problems);
    return result.data!;
}

function checkKeyService(settings: AzureSettings, problems: ConfigProblem[]): void {
    const admins = settings.managedHsmAdminObjectIds;
    if (settings.keyService === "managed-hsm" && (admins === undefined || admins.length === 0)) {
        problems.push({ key: settingKey(["managedHsmAdminObjectIds"]), value: admins,
            allowed: "at least one Entra ID object id: a Managed HSM needs initial administrators, who activate it " +
                "(security domain) and grant its local roles" });
    }
    if (settings.keyService !== "managed-hsm" && admins !== undefined) {
        problems.push({ key: settingKey(["managedHsmAdminObjectIds"]), value: admins,
            allowed: `unset unless ${settingKey(["keyService"])} is "managed-hsm"` });
    }
}

function settingKey(path: readonly PropertyKey[]): string {
    return pathKey([SETTINGS_KEY, ...path]);
}
