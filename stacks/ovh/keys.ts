// Keys on OVHcloud KMS (OKMS), in the warehouse's region: one platform key and one key per research project.
// OVH object storage cannot encrypt with a KMS key, so keys protect data by envelope encryption: a workload asks
// OKMS for a data key, encrypts with it, and stores the data key wrapped by its project's key beside the object.
// Each project gets an identity, an IAM policy that reaches only its own key, and a short-lived mTLS credential.

import * as pulumi from "@pulumi/pulumi";
import * as okms from "@ovhcloud/pulumi-ovh/okms";
import * as iam from "@ovhcloud/pulumi-ovh/iam";
import * as me from "@ovhcloud/pulumi-ovh/me";
import { Endpoint, KeyManagement, ServicePlace, WorkloadAccess } from "../../components/target";
import { KeySpec, ResearchProject } from "../../components/model";
import { OvhRegion } from "./regions";

/** OKMS issues access certificates for at most a year. */
export const OKMS_MAX_CREDENTIAL_DAYS = 365;

/**
 * Operations of the AES keys: one pair, the one their callers use. OKMS's key reference offers an `oct` key either
 * encrypt/decrypt or wrapKey/unwrapKey; the data mover calls `/servicekey/{id}/encrypt|decrypt` (migration/keys/
 * ovh-kms.ts) and the provider's own example gives oct keys ["encrypt", "decrypt"] (ovh_okms_service_key). Neither
 * makes a key exportable: the key never leaves OKMS.
 */
export const KEY_OPERATIONS = ["encrypt", "decrypt"] as const;

/** What a project's identity may do with its key: data keys in and out, and read the key's metadata. */
export const PROJECT_KEY_ACTIONS = [
    "okms:apikms:serviceKey/dataKey/create",
    "okms:apikms:serviceKey/dataKey/decrypt",
    "okms:apikms:serviceKey/get",
] as const;

export interface OvhKeysArgs {
    readonly region: OvhRegion;
    readonly ovhSubsidiary: string;
    readonly keys: KeySpec;
    /** Workloads reach OKMS's public endpoint through these blocks only. */
    readonly egressCidrs: readonly string[];
    readonly prefix: string;
    readonly protect: boolean;
}

interface ProjectKey {
    readonly key: okms.ServiceKey;
    readonly credential: okms.Credential;
}

export class OvhKeys extends pulumi.ComponentResource implements KeyManagement {
    readonly endpoint: Endpoint;
    readonly scheme = "envelope" as const;
    readonly platformKeyId: pulumi.Output<string>;
    /** Written by addProject. */
    private readonly projectKeys = new Map<string, ProjectKey>();
    private readonly keyIds: Record<string, pulumi.Output<string>> = {};
    readonly projectKeyIds: Readonly<Record<string, pulumi.Output<string>>> = this.keyIds;
    readonly kmsId: pulumi.Output<string>;
    private readonly egressCidrs: readonly string[];
    private readonly blockName: string;
    private readonly prefix: string;
    private readonly serviceKey: (keyName: string) => { key: okms.ServiceKey; urn: pulumi.Output<string> };
    private readonly rotationDays: number;

    constructor(name: string, args: OvhKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:ovh:Keys", name, {}, opts);
        const { keys, prefix } = args;
        const stateful = { parent: this, protect: args.protect };

        const kms = new okms.Okms(`${name}-okms`, {
            region: args.region.kms,
            ovhSubsidiary: args.ovhSubsidiary,
            displayName: `${prefix}-kms`,
        }, stateful);
        const kmsUrn = kms.iam.apply(i => i.urn);
        // OKMS and its keys take no tags in this provider (its IamResourceTags has an input named `urn`, which the
        // Pulumi SDK reserves and never sends): only their names carry the warehouse and environment.

        const serviceKey = (keyName: string) => {
            const key = new okms.ServiceKey(`${name}-${keyName}`, {
                okmsId: kms.id,
                name: `${prefix}-${keyName}`,
                type: "oct",
                size: keys.size,
                operations: [...KEY_OPERATIONS],
            }, stateful);
            // IAM names a key by the KMS's URN followed by the key's id.
            const urn = pulumi.interpolate`${kmsUrn}/serviceKey/${key.id}`;
            return { key, urn };
        };

        const platform = serviceKey("platform");
        this.serviceKey = serviceKey;
        this.blockName = name;
        this.prefix = prefix;
        this.rotationDays = keys.rotationDays;

        this.endpoint = { url: kms.restEndpoint, private: false };
        this.kmsId = kms.id;
        this.platformKeyId = platform.key.id;
        this.egressCidrs = args.egressCidrs;
        this.registerOutputs({ endpoint: this.endpoint.url, platformKeyId: this.platformKeyId, kmsId: this.kmsId });
    }

    /** The project's key, its IAM identity and policy (its key alone), and its workloads' mTLS credential. */
    addProject(project: ResearchProject): void {
        const { blockName: name, prefix } = this;
        const child = { parent: this };
        const { key, urn } = this.serviceKey(project.id);
        // A service account is the project's identity in OVH IAM; its client secret is never handed out:
        // workloads authenticate to OKMS with the certificate below, which carries this identity.
        const identity = new me.APIOAuth2Client(`${name}-${project.id}-identity`, {
            name: `${prefix}-${project.id}-kms`,
            description: `Research project ${project.id}: envelope encryption with its own OKMS key only`,
            flow: "CLIENT_CREDENTIALS",
        }, child);
        const policy = new iam.Policy(`${name}-${project.id}-policy`, {
            name: `${prefix}-${project.id}-kms`,
            description: `Research project ${project.id} may create and unwrap data keys with its key only`,
            identities: [identity.identity],
            resources: [urn],
            allows: [...PROJECT_KEY_ACTIONS],
        }, child);
        const credential = new okms.Credential(`${name}-${project.id}-credential`, {
            okmsId: this.kmsId,
            name: `${prefix}-${project.id}`,
            description: `Research project ${project.id} workloads`,
            identityUrns: [identity.identity],
            // Bounded by the rotation period: a leaked certificate stops working when the key would rotate.
            validity: Math.min(this.rotationDays, OKMS_MAX_CREDENTIAL_DAYS),
        }, { ...child, dependsOn: [policy] });
        this.projectKeys.set(project.id, { key, credential });
        this.keyIds[project.id] = key.id;
    }

    place(_projectId?: string): ServicePlace {
        return {
            description: "OKMS (public REST endpoint, mTLS)",
            place: { addresses: [...this.egressCidrs], external: true },
            ports: [{ protocol: "TCP", port: 443 }],
        };
    }

    access(projectId: string): WorkloadAccess {
        const project = this.projectKeys.get(projectId);
        if (!project) throw new Error(`no OKMS key for research project ${projectId}`);
        return {
            settings: {
                KMS_ENDPOINT: this.endpoint.url,
                KMS_KEY_ID: project.key.id,
                KMS_SCHEME: this.scheme,
            },
            secrets: {
                KMS_CLIENT_CERTIFICATE: project.credential.certificatePem,
                KMS_CLIENT_KEY: project.credential.privateKeyPem,
            },
            serviceAccountAnnotations: {},
            egress: this.egressCidrs.map(cidr => ({ description: "OKMS REST endpoint (mTLS)", cidr, ports: [443] })),
        };
    }
}
