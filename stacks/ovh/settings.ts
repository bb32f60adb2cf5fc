// The OVHcloud target's own settings: `warehouse:ovh`, one object. Validated before any resource is registered;
// every problem names its key, its value and what is allowed.

import { z } from "zod";
import { ConfigError, ConfigProblem } from "../../components/errors";
import { key, validate } from "../../components/validation";
import { parseCidr } from "../../components/cidr";

export const SETTINGS_KEY = "ovh";

const cidr = z.string().refine(s => parseCidr(s) !== undefined,
    "an IPv4 CIDR block with its host bits zero, e.g. 141.94.0.0/16");

const egressCidrs = (service: string) => z.array(cidr)
    .min(1, `at least one CIDR block of the ${service} public endpoint: OVH publishes no API to derive it, ` +
        `so workloads may reach only what is listed here`)
    .refine(list => list.every(c => (parseCidr(c)?.prefix ?? 0) >= 8),
        "blocks of /8 or narrower: egress is denied by default and opened only to the service");

/**
 * OVH subsidiaries under EU law that can contract Public Cloud and OKMS. OVH US and OVH Canada are distinct
 * companies outside the EU, so their subsidiaries are not offered.
 */
export const EU_SUBSIDIARIES = ["FR", "DE", "ES", "IT", "NL", "PL", "PT", "IE", "FI", "LT", "CZ", "EU"] as const;

/** Sizes of the public-cloud gateway that routes the private network's egress. */
export const GATEWAY_MODELS = ["S", "M", "L", "XL", "2XL", "3XL"] as const;

const schema = z.strictObject({
    projectId: z.string().regex(/^[0-9a-f]{32}$/,
        "the id of an existing Public Cloud project: 32 lower-case hexadecimal characters " +
        "(Control Panel > Public Cloud > project, or GET /cloud/project)"),
    vrackId: z.string().regex(/^pn-[0-9]+$/, "the service name of an existing vRack, e.g. pn-1234567 (GET /vrack)"),
    /** The project is already in the vRack: adopt that attachment instead of creating it (which would fail). */
    vrackAttached: z.boolean().default(false),
    vlanId: z.number().int("a whole number").min(1, "a VLAN from 1 to 4000 (0 is the untagged VLAN other " +
        "networks of the vRack share)").max(4000, "a VLAN from 1 to 4000"),
    ovhSubsidiary: z.enum(EU_SUBSIDIARIES).default("FR"),
    oidc: z.strictObject({
        issuerUrl: z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "the HTTPS URL of the OIDC issuer"),
        clientId: z.string().min(1, "the OIDC client id the cluster's tokens are issued for"),
        usernameClaim: z.string().min(1).default("email"),
        groupsClaim: z.string().min(1).default("groups"),
        /** Base64 CA certificate of the issuer, when it is not signed by a public CA. */
        caCertificate: z.string().min(1).optional(),
    }),
    egress: z.strictObject({
        storage: egressCidrs("object storage (S3)"),
        kms: egressCidrs("OKMS"),
    }),
    gateway: z.strictObject({ model: z.enum(GATEWAY_MODELS).default("S") }).default({ model: "S" }),
    catalog: z.strictObject({
        flavor: z.string().regex(/^[a-z][a-z0-9]*-[0-9]+$/, "an OVH managed-database flavour, e.g. b3-8")
            .default("b3-8"),
    }).default({ flavor: "b3-8" }),
});

export type OvhSettings = z.output<typeof schema>;

/**
 * Validates the target's settings: `warehouse:ovh` must be present and valid; any other `warehouse:ovhXxx` key is
 * refused (this target reads no secret from config: its credentials are generated and kept in state as secrets).
 */
export function parseOvhSettings(settings: Readonly<Record<string, unknown>>): OvhSettings {
    const problems: ConfigProblem[] = Object.keys(settings).filter(k => k !== SETTINGS_KEY).map(k => ({
        key: key(k), value: settings[k],
        allowed: `unknown setting; the OVHcloud target reads only ${key(SETTINGS_KEY)} (an object)`,
    }));
    const result = validate(schema, settings[SETTINGS_KEY], [SETTINGS_KEY]);
    problems.push(...result.problems);
    if (problems.length) throw new ConfigError(problems);
    return result.data!;
}
